"""Pure functions: page text -> the fields of a Vietnamese administrative document.

Formats follow Decree 30/2020/NĐ-CP: number and symbol after ``Số:`` (``15/QĐ-UBND``,
``01/2023/TT-VPCP``, ``123/UBND-VP``), the place-and-date line
(``Hà Nội, ngày 05 tháng 02 năm 2026``), the document type as an upper-case line below the
header, its summary (trích yếu) below that, the issuing body in the left header block.
Personal identifiers (CCCD 12 digits, CMND 9, tax codes 10 or 13 digits), names after
``Ông``/``Bà``/``Họ và tên`` and dates of birth are collected from every page.

The text comes from OCR, so every matcher works on a *shadow* of the text with diacritics
stripped (same length, same indices, see :func:`_shadow`) and tolerates the usual confusions
inside numbers (O/0, l/I/1, S/5, B/8), spaces inside numbers and line breaks inside a field.
Values are taken back from the original text at the matched indices, so diacritics that
survived OCR survive here.

Contract: ``extract_fields(pages)`` takes page dicts ``{"number", "confidence", "text"}`` and
returns the ``fields`` dict of :func:`workers.reading.read_document`; every found field is
``{"value", "confidence", "page"}``, a missing single field is ``None``, lists may be empty.
Confidence is the rule's own certainty times the page's reading confidence. Nothing here
logs: the values are personal data.
"""
import datetime
import itertools
import re

from records.textnorm import clean, fold, shadow as _shadow

from . import issuers


# NB: OCR confuses these glyphs with digits; inside a number they can only be digits.
_DIGIT_LOOKALIKES = str.maketrans({
    "O": "0", "o": "0", "Q": "0", "D": "0", "U": "0",
    "I": "1", "l": "1", "|": "1", "i": "1", "!": "1", "L": "1",
    "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "G": "6", "b": "6", "g": "9", "q": "9",
})
_LOOK = "OoQDUIl|i!LSsBZzGbgq"
_DIGITISH = "[0-9" + re.escape(_LOOK) + "]"


def digits(text):
    """Map look-alike letters to digits and drop spaces: ``"0l 2S"`` -> ``"0125"``."""
    return re.sub(r"[\s.]", "", text.translate(_DIGIT_LOOKALIKES))


def n_lookalikes(text):
    return sum(1 for ch in text if ch in _LOOK)


def _field(value, confidence, page):
    return {"value": value, "confidence": round(max(0.0, min(1.0, confidence)), 3),
            "page": page}


# --- number and symbol ----------------------------------------------------------------------

# The parts of symbols (Decree 30's annex III types, body abbreviations), kept as data: a part
# OCR read without its Đ or with its case lost ("QD", "BCD138", "TTR") is spelled back when
# its folded form names one known part only ("HD" is both HĐ and HD, so it is left alone).
_SYMBOLS = issuers.load("symbols.json")
_SYMBOL_TYPES = _SYMBOLS["types"]
# Longest name first: "Ban Chỉ đạo 138 tỉnh Quảng Ngãi" is BCĐ138 before it is BCĐ.
_ISSUER_SYMBOLS = sorted(((fold(name), abbr) for abbr, name in _SYMBOLS["bodies"].items()
                          if name), key=lambda item: -len(item[0]))


def _part_index():
    index = {}
    for part in list(_SYMBOL_TYPES) + list(_SYMBOLS["bodies"]):
        index.setdefault(fold(part).upper(), set()).add(part)
    return {key: parts.pop() for key, parts in index.items() if len(parts) == 1}


_SYMBOL_PARTS = _part_index()


# NB: OCR reads the Đ of a symbol as the look-alike Ð (U+00D0), often doubled ("QĐÐ"), and
# the letters of a short body part as digits ("TTg" -> "T15"); a part that is no known part
# is compared with the known parts once its doubled letters are collapsed and its digits
# read as the letters they look like.
_LETTER_LOOKALIKES = {"0": "OD", "1": "TIL", "2": "Z", "5": "SG", "6": "G", "8": "B"}
_MAX_LOOKALIKE_DIGITS = 3


def _known_spelling(part):
    """The one known part that ``part`` is a misreading of (doubled letter, digits for
    letters), or None."""
    folded = fold(part).upper()
    found = set()
    collapsed = re.sub(r"(.)\1+", r"\1", folded)
    if collapsed != folded and collapsed in _SYMBOL_PARTS:
        found.add(_SYMBOL_PARTS[collapsed])
    positions = [i for i, ch in enumerate(folded) if ch in _LETTER_LOOKALIKES]
    if positions and len(positions) <= _MAX_LOOKALIKE_DIGITS and len(folded) >= 3 and \
            re.match(r"[A-Z]", folded):
        for letters in itertools.product(*(_LETTER_LOOKALIKES[folded[i]] for i in positions)):
            candidate = list(folded)
            for i, letter in zip(positions, letters):
                candidate[i] = letter
            known = _SYMBOL_PARTS.get("".join(candidate))
            if known:
                found.add(known)
    return found.pop() if len(found) == 1 else None


def _symbol_part(part):
    """``part`` spelled as the known part its folded form names ("BCD138" -> "BCĐ138",
    "QĐÐ" -> "QĐ", "T15" -> "TTg")."""
    part = part.replace("Ð", "Đ").replace("ð", "đ")
    m = re.fullmatch(r"([A-Za-zĐđ]+)([0-9]*)", part)
    if m and (part == part.upper() or fold(part).upper() in _SYMBOL_PARTS):
        known = _SYMBOL_PARTS.get(fold(m.group(1)).upper())
        if known and (known == known.upper() or part == part.upper()):
            return known + m.group(2)
    if fold(part).upper() in _SYMBOL_PARTS or (m and _SYMBOL_PARTS.get(
            fold(m.group(1)).upper())):
        return part
    return _known_spelling(part) or part


def restore_symbol_body(number, issuer):
    """``number`` with its last symbol part set to ``issuer``'s abbreviation when they are
    one letter apart ("985/QĐ-TT" by the Prime Minister is "985/QĐ-TTg")."""
    if not number or not issuer:
        return number
    folded = fold(issuer)
    abbr = next((a for name, a in _ISSUER_SYMBOLS if folded.startswith(name)), None)
    head, _, last = number.rpartition("-")
    if not abbr or not head or last == abbr:
        return number
    if _edit1(fold(last).upper(), fold(abbr).upper()) and len(last) >= 2:
        return f"{head}-{abbr}"
    return number


_SO_PREFIX = r"(?<![A-Za-z])S[o0ô6eèa]\s*[:;.,]?\s*"
_SO_PREFIX_RX = re.compile(r"^S[o0ô6eèa]\s*[:;.,]\s*\S")
_NUMBER = (r"(?P<num>" + _DIGITISH + r"(?:\s?" + _DIGITISH + r"){0,5})\s*/\s*"
           r"(?:(?P<year>[0-9]{4})\s*/\s*)?"
           r"(?P<sym>[A-Z][A-Za-z0-9]*(?:[ \t]*\n?[ \t]*-[ \t]*\n?[ \t]*[A-Z][A-Za-z0-9]*){0,4})")
_NUMBER_AFTER_SO = re.compile(_SO_PREFIX + _NUMBER)
_NUMBER_BARE = re.compile(r"(?<![\w/])" + _NUMBER.replace("{0,4}", "{1,4}"))
# The blanks left for a number or a day written or stamped at signing: the one definition,
# matched on the shadow (see fill_blank); group 1 ends before the blank, group 2 after it.
BLANK_NUMBER = re.compile(r"(" + _SO_PREFIX + r")[ \t_.…]*(/)(?=\s*(?:[0-9]{4}\s*/\s*)?[A-Z])")
BLANK_DAY = re.compile(r"(?i)(?<!\w)(ng[aà]y)[ \t_.…]*(th[aá]ng)(?=[ \t_.…]*(?:[0-9]{1,2}[ \t]*)?"
                       r"n[aă]m\s*[0-9]{4})")
BLANK_MONTH = re.compile(r"(?i)(th[aá]ng)[ \t_.…]*(n[aă]m\s*[0-9]{4})")
_DAY_BEFORE_MONTH = re.compile(r"(?i)(?<!\w)ng[aà]y[ \t_.…]*[0-9]{1,2}[ \t]*$")


def fill_blank(text, rx, value):
    """``text`` with ``value`` written into the first blank ``rx`` (one of the BLANK_*
    patterns) finds; ``text`` itself when there is none."""
    m = rx.search(_shadow(text))
    if not m:
        return text
    after = "" if rx is BLANK_NUMBER else " "
    return f"{text[:m.end(1)].rstrip()} {value}{after}{text[m.start(2):]}"


def _is_word(part):
    """True when ``part`` is a word of the text, not a symbol's part: two lower-case letters
    or more ("Quảng", "Căn", "Độc"), and no known part ("TTg", "TTr")."""
    return sum(ch.islower() for ch in part) >= 2 and fold(part).upper() not in _SYMBOL_PARTS \
        and _known_spelling(part) is None


def _symbol(original):
    """``(symbol, cut)``: the symbol's parts spelled as known, up to a part that is a word
    of the next line (:func:`_is_word`); ``cut`` when one was dropped."""
    parts = [p.strip() for p in re.split(r"-", re.sub(r"\s+", "", original))]
    kept = parts[:1] + list(itertools.takewhile(lambda part: not _is_word(part), parts[1:]))
    return "-".join(_symbol_part(part) for part in kept), len(kept) < len(parts)


_CUT_SYMBOL = re.compile(r"[ \t]*\n?[ \t]*[-–]")
CUT_SYMBOL = 0.5


def _number_value(text, match):
    num_raw = text[match.start("num"):match.end("num")]
    num = digits(num_raw)
    if not num.isdigit() or int(num) == 0:
        return None, 0.0
    sym, cut = _symbol(text[match.start("sym"):match.end("sym")])
    if len(re.sub(r"[^A-ZĐ]", "", sym.upper())) < 2:
        return None, 0.0
    year = match.group("year")
    value = f"{num}/{year}/{sym}" if year else f"{num}/{sym}"
    confidence = 0.95 - 0.1 * n_lookalikes(num_raw) - (0.05 if " " in num_raw else 0)
    if cut or ("-" not in sym and _CUT_SYMBOL.match(match.string, match.end())):
        # "01/TTr-" and then the motto, a word or nothing: a part of the symbol is missing.
        confidence = min(confidence, CUT_SYMBOL)
    return value, confidence


# NB: the motto ("Độc lập - Tự do - Hạnh phúc") is beside or under the "Số:" line, and the
# reading order can put it right after the symbol ("TTr-UBNDĐộc lập", "QĐ-\nĐộc lập"): its
# words are never a symbol's part.
_MOTTO_START = re.compile(r"(?i)d[o0]c[ \t]*\n?[ \t]*l[a4]p[^\n]*")


def _without_motto(shadow):
    """``shadow`` with the motto blanked out from its first word to the end of its line
    (same length, same indices)."""
    return _MOTTO_START.sub(lambda m: re.sub(r"\S", " ", m.group()), shadow)


def find_number_symbol(text):
    """``(value, confidence)`` of the document number and symbol, or ``(None, 0)``.

    Prefers the token after ``Số:``; falls back to a bare ``N/SYMBOL-...`` token. The
    motto's words never join the symbol (:func:`_without_motto`).
    """
    shadow = _without_motto(_shadow(text))
    for match in _NUMBER_AFTER_SO.finditer(shadow):
        value, confidence = _number_value(text, match)
        if value:
            return value, confidence
    head = "\n".join(shadow.splitlines()[:15])
    for match in _NUMBER_BARE.finditer(head):
        if "-" not in match.group("sym") and not match.group("year"):
            continue
        value, confidence = _number_value(text, match)
        if value:
            return value, confidence * 0.7
    return None, 0.0


def has_blank_number(text):
    """True when the ``Số:`` line has a symbol but no number (stamped or written at signing)."""
    return bool(BLANK_NUMBER.search(_shadow(text))) and not _NUMBER_AFTER_SO.search(
        _shadow(text))


def has_blank_date(text):
    """True when a ``ngày .. tháng .. năm YYYY`` line has its day or month left blank (to be
    written by hand at signing)."""
    shadow = _shadow(text)
    if BLANK_DAY.search(shadow):
        return True
    return any(_DAY_BEFORE_MONTH.search(shadow[:m.start()]) for m in BLANK_MONTH.finditer(shadow))


# --- dates -----------------------------------------------------------------------------------

_D = _DIGITISH + r"(?:\s?" + _DIGITISH + r")?"
_Y = r"[0-9OoIlSB](?:\s?[0-9OoIlSB]){3}"
_DATE_WORDS = re.compile(r"(?i)ng[aà]y\s*(?P<d>" + _D + r")\s*[,.]?\s*th[aá]ng\s*(?P<m>" + _D
                         + r")\s*[,.]?\s*n[aă]m\s*(?P<y>" + _Y + r")")
_DATE_NUMERIC = re.compile(r"(?<![0-9\w])(?P<d>[0-9OoIl]{1,2})\s*[/.\-]\s*(?P<m>[0-9OoIl]{1,2})"
                           r"\s*[/.\-]\s*(?P<y>[12lI][09Oo][0-9OoIlSB]{2})(?![0-9])")


def _iso(day, month, year):
    try:
        d, m, y = int(digits(day)), int(digits(month)), int(digits(year))
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def _parse_date_at(shadow, start, limit=40):
    """The first date (words or numeric) starting within ``limit`` chars of ``start``."""
    window = shadow[start:start + limit + 30]
    found = []
    for rx in (_DATE_WORDS, _DATE_NUMERIC):
        m = rx.search(window)
        if m and m.start() <= limit:
            found.append((m.start(), m))
    if not found:
        return None, None
    _, m = min(found, key=lambda item: item[0])
    lookalikes = n_lookalikes(m.group("d") + m.group("m") + m.group("y"))
    return _iso(m.group("d"), m.group("m"), m.group("y")), (start + m.end(), lookalikes)


_PLACE_DATE = re.compile(
    r"(?P<place>[^\n,:;]{2,60}?)\s*,\s*(?=ng[aà]y\s*" + _DIGITISH + r")", re.IGNORECASE)
_NOT_PLACE = re.compile(r"(?i)^(s[o0]\b|sinh\b|cap\b|c[aâ]p\b|ng[aà]y\b)")


def find_place_date(text):
    """``(place, iso_date, confidence)`` of the place-and-date line, or Nones.

    Accepts ``Hà Nội, ngày 05 tháng 02 năm 2026`` and ``Hà Nội, ngày 5/2/2026``; the place is
    the run of capitalised words before the comma (whatever else OCR put on that line is
    dropped).
    """
    shadow = _shadow(text)
    for match in _PLACE_DATE.finditer(shadow):
        iso, info = _parse_date_at(shadow, match.end(), limit=2)
        if not iso:  # "ngày 5/2/2026"
            iso, info = _parse_date_at(shadow, match.end() + 4, limit=3)
        if not iso:
            continue
        words = text[match.start("place"):match.end("place")].split()
        place = []
        for word in reversed(words):
            letters = re.sub(r"[^\w]", "", word)
            if not letters or not (word[0].isupper() or word.lower() in ("phố", "pho")):
                break
            if re.search(r"[0-9/]", word):
                break
            place.insert(0, word)
            if len(place) == 6:
                break
        # "...QĐ-UBND Hà Nội": an abbreviation glued on by OCR is not part of the place.
        while len(place) > 1 and place[0].isupper() and not all(w.isupper() for w in place):
            place.pop(0)
        place_text = clean(" ".join(place)) or None
        if place_text and _NOT_PLACE.match(_shadow(place_text)):
            place_text = None
        if place_text:
            place_text = restore_marks(place_text, _PLACE_INDEX)
        confidence = 0.95 - 0.1 * info[1]
        return place_text, iso, confidence
    # A date line with no place in front ("ngày 05 tháng 02 năm 2026" alone).
    for match in _DATE_WORDS.finditer(shadow):
        before = shadow[max(0, match.start() - 20):match.start()].lower()
        if "sinh" in before or "cap" in before:
            continue
        iso = _iso(match.group("d"), match.group("m"), match.group("y"))
        if iso:
            return None, iso, 0.7
    return None, None, 0.0


# A signing, publishing or receipt stamp's time: a date with a clock time after it
# ("Thời gian ký: 07/02/2025 07:56:24", "2025-02-17T16:28:34+07:00", "05.02.2025 08:09:28
# +07:00"). The place-and-date line and the body never give a date a time of day.
_STAMPED_AT = re.compile(
    r"(?<![0-9])(?:(?P<d>[0-9]{1,2})\s?[/.\-]\s?(?P<m>[0-9]{1,2})\s?[/.\-]\s?"
    r"(?P<y>(?:19|20)[0-9]{2})|(?P<y2>(?:19|20)[0-9]{2})-(?P<m2>[0-9]{2})-(?P<d2>[0-9]{2}))"
    r"(?:T|,?\s{1,3})[0-9]{1,2}\s?:\s?[0-9]{2}(?![0-9])")
# NB: a document is signed, published and received on or after its date: one dated after the
# earliest stamp on its page was misread (a day's 05 read as 15, 04 as 14), and is doubted.
LATER_THAN_STAMPED = 0.3


def stamped_dates(text):
    """The ISO dates of the stamps' times (signing, publishing, receipt) on a page."""
    found = []
    for m in _STAMPED_AT.finditer(text):
        if m.group("y"):
            iso = _iso(m.group("d"), m.group("m"), m.group("y"))
        else:
            iso = _iso(m.group("d2"), m.group("m2"), m.group("y2"))
        if iso:
            found.append(iso)
    return found


def checked_by_stamps(iso, confidence, text):
    """``confidence`` of the issue date ``iso``, lowered to LATER_THAN_STAMPED when a stamp
    on the page (:func:`stamped_dates`) is dated before it."""
    if iso and any(stamped < iso for stamped in stamped_dates(text)):
        return min(confidence, LATER_THAN_STAMPED)
    return confidence


# --- header lines: type, issuer, summary ----------------------------------------------------

DOC_TYPES = (
    "QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN", "THÔNG BÁO", "CÔNG VĂN", "GIẤY PHÉP", "TỜ TRÌNH",
    "BÁO CÁO", "KẾT LUẬN", "NGHỊ QUYẾT", "CHỈ THỊ", "KẾ HOẠCH", "BIÊN BẢN", "HỢP ĐỒNG",
    "GIẤY MỜI", "GIẤY GIỚI THIỆU", "GIẤY ỦY QUYỀN", "GIẤY XÁC NHẬN", "QUY CHẾ", "QUY ĐỊNH",
    "HƯỚNG DẪN", "CÔNG ĐIỆN", "THÔNG CÁO", "CHƯƠNG TRÌNH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN",
    "PHIẾU CHUYỂN", "PHIẾU BÁO", "PHIẾU GỬI", "BẢN GHI NHỚ", "GIẤY NGHỈ PHÉP", "TRÍCH LỤC",
    "XÁC NHẬN", "VĂN BẢN", "THÔNG TƯ LIÊN TỊCH", "NGHỊ QUYẾT LIÊN TỊCH", "THÔNG TƯ",
    "NGHỊ ĐỊNH",
)
# Longest first, so GIẤY CHỨNG NHẬN wins over a shorter prefix.
_TYPE_KEYS = sorted(((re.sub(r"\s+", "", _shadow(t).upper()), t) for t in DOC_TYPES),
                    key=lambda kt: -len(kt[0]))
_HEADING = re.compile(r"(?i)c[o0]ng\s*h[o0]a\s*x[a4]\s*h[o0]i.*?(?:v[i1]e[t7]\s*nam|$)")
_MOTTO = re.compile(r"(?i)d[o0]c\s*l[a4]p\s*[-–—.,]?\s*t[uưy]\s*d[o0].*$")
_RULE = re.compile(r"^[\s\-–—_=~.*•]*$")


def _is_upper_line(line):
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)


def _type_of(line):
    key = re.sub(r"[^A-Z]", "", _shadow(line).upper())
    for type_key, canonical in _TYPE_KEYS:
        if key.startswith(type_key):
            return canonical, len(key) == len(type_key)
    return None, False


def _lines(text):
    return [clean(line) for line in text.splitlines() if clean(line)]


def _strip_heading(line):
    """``line`` without the national heading or motto, and without what follows them on
    the line: that is the right column (or an overlay beside it), not the left one."""
    shadow = _shadow(line)
    for rx in (_HEADING, _MOTTO):
        m = rx.search(shadow)
        if m:
            line = line[:m.start()] if m.start() else line[m.end():]
            shadow = _shadow(line)
    return clean(line)


def find_doc_type(text):
    """``(type, line_index, confidence)``: the first upper-case line naming a known type."""
    for index, line in enumerate(_lines(text)):
        line = _strip_heading(line)
        if not line or not _is_upper_line(line):
            continue
        doc_type, whole = _type_of(line)
        if doc_type:
            return doc_type, index, 0.95 if whole else 0.8
    return None, None, 0.0


# --- restoring marks on header words ---------------------------------------------------------

# Provinces and centrally-run cities (the 63 before and the 34 after the 2025 merger): the
# place of the place-and-date line and the tail of many issuer names.
_PROVINCE_DATA = issuers.load("provinces.json")
PROVINCES = tuple(dict.fromkeys(
    [e["name"] for e in _PROVINCE_DATA["before_2025"] + _PROVINCE_DATA["after_2025"]]
    + _PROVINCE_DATA["other_places"]))
# Words of issuing bodies' names (Decree 30 headers): longest phrases win, so "HẢI QUAN"
# is not "HẢI QUẬN" and "THANH TRA" is not "THÀNH TRA".
ISSUER_PHRASES = tuple(issuers.load("issuers.json")["header_words"]) + tuple(
    p.upper() for p in PROVINCES)
# Spellings of one word that are all correct (old and new tone placement).
_EQUIVALENT = {"UỶ": {"UỶ", "ỦY"}, "HÓA": {"HÓA", "HOÁ"}, "HÒA": {"HÒA", "HOÀ"},
               "Hóa": {"Hóa", "Hoá"}, "Hòa": {"Hòa", "Hoà"}, "ỦY": {"UỶ", "ỦY"}}
_PUNCT_EDGES = ".,;:'\"‘’“”`|_~^ˆ*"


def _fold_token(token):
    return fold(token.strip(_PUNCT_EDGES)).upper()


def _edit1(a, b):
    """True when ``a`` and ``b`` differ by at most one edit."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _phrase_index(phrases):
    index = {}
    for phrase in phrases:
        tokens = phrase.split()
        folded = tuple(_fold_token(t) for t in tokens)
        index.setdefault(folded[0], []).append((folded, tokens))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


_ISSUER_INDEX = _phrase_index(ISSUER_PHRASES)
_PLACE_INDEX = _phrase_index(PROVINCES)


def _match_at(folded, i, index):
    """The longest phrase of ``index`` matching ``folded[i:]``: its canonical tokens and
    length. Tokens match when their folded forms are equal; in a phrase of 2+ words one
    word of 5+ letters may be one OCR edit off, if another word matches exactly."""
    candidates = list(index.get(folded[i], ()))
    if len(folded) > i + 1:  # the first word itself misread: look up by the second
        candidates += [e for entries in index.values() for e in entries
                       if len(e[0]) > 1 and e[0][1] == folded[i + 1]
                       and len(e[0][0]) >= 5 and _edit1(e[0][0], folded[i])]
    for phrase, tokens in sorted(candidates, key=lambda e: -len(e[0])):
        n = len(phrase)
        window = folded[i:i + n]
        if len(window) < n:
            continue
        exact = [a == b for a, b in zip(phrase, window)]
        if all(exact):
            return tokens, n
        if n > 1 and any(exact) and sum(not e for e in exact) == 1 and all(
                e or (len(a) >= 5 and _edit1(a, b)) for e, a, b in zip(exact, phrase, window)):
            return tokens, n
    return None, 0


def restore_marks(line, index=None):
    """``line`` with the words of known issuer (or, with ``index=_PLACE_INDEX``, place)
    phrases spelled as the phrase is (diacritics OCR lost or misread restored, stray
    punctuation dropped); words that match no phrase are left as they are."""
    index = _ISSUER_INDEX if index is None else index
    tokens = line.split()
    folded = [_fold_token(t) for t in tokens]
    out, i = [], 0
    while i < len(tokens):
        canonical, n = _match_at(folded, i, index) if folded[i] else (None, 0)
        if not canonical:
            out.append(tokens[i])
            i += 1
            continue
        for token, word in zip(tokens[i:i + n], canonical):
            bare = token.strip(_PUNCT_EDGES)
            keep = bare in _EQUIVALENT.get(word, ()) or (bare == word)
            out.append(bare if keep else word)
        i += n
    return " ".join(out)


# NB: a dash spaced on one side only ("BỘ QUỐC PHÒNG -BỘ TÀI CHÍNH") separates two names as
# the printed " - " does (a joint issuer; "BÀ RỊA - VŨNG TÀU"): OCR drops one of its spaces
_SEPARATOR = re.compile(r"(?<=\w)\s+[-–](?=\w)|(?<=\w)[-–]\s+(?=\w)")


def _header_lines(text):
    """The upper-case lines above the ``Số:`` line (or the type line), heading and motto
    taken out, that are not a stamp's or signature's overlay."""
    lines = _lines(text)
    stop = len(lines)
    for index, line in enumerate(lines):
        shadow = _shadow(line)
        if re.match(r"\S{1,3}\s*[:;.,]?\s*\S{0,4}\s*/\s*(?:[0-9]{4}\s*/\s*)?[A-Z]{2}", shadow) or \
                _SO_PREFIX_RX.match(shadow) or _type_of(line)[0] and index:
            stop = index
            break
    out = []
    for line in lines[:min(stop, 10)]:
        line = _SEPARATOR.sub(" - ", _strip_heading(line))
        if not line or _RULE.match(line) or _PLACE_DATE.search(_shadow(line)):
            continue
        if _is_upper_line(line) and not issuers.is_overlay(line):
            # Rules and seal fragments leave lone marks and lower-case scraps: keep words.
            out.append(" ".join(t if t in "-–" else t.strip(_PUNCT_EDGES + "-–")
                                for t in line.split()
                                if (any(ch.isalnum() for ch in t) or t in ("-", "–"))
                                and t.upper() == t).strip(" -–"))
    return [line for line in out if line], stop < len(lines)


def find_issuer(text, place=None, known=()):
    """``(issuer, parent, confidence)`` from the left header block; ``known``: the centre's
    own issuer names (see :func:`workers.issuers.match_header`).

    The header lines (:func:`_header_lines`, with the header columns read left first, as
    :mod:`workers.ocr.layout` orders them) are matched to the vocabulary of
    :mod:`workers.issuers`; when nothing there is near enough, they are returned as read,
    marks restored, never with confidence.
    """
    lines, bounded = _header_lines(text)
    if not lines:
        return None, None, 0.0
    found = issuers.match_header([restore_marks(line) for line in lines], place, known)
    if found:
        return found.name, found.parent, found.confidence
    # NB: OCR of upper-case header lines loses marks (UY BAN, THÀNH PHO, TINH): the issuer
    # vocabulary puts them back where a whole known phrase matches.
    issuer = restore_marks(clean(" ".join(lines)))
    return clean(issuer), None, 0.6 if bounded else 0.4


_SUMMARY_START = re.compile(r"(?i)^(v[eề]\s*vi[eệ]c|v\s*/\s*v|v[eề]\s)")
_BODY_START = re.compile(r"(?i)^(c[aă]n\s*c[uứ]|k[ií]nh\s*g[uử]i|x[eé]t\s|theo\s|t[aạ]i\s|"
                         r"h[oọ]\s*v[aà]\s*t[eê]n|[ôo]ng\b|b[aà]\b|ch[uủ]\s*t[iị]ch|[dđ]i[eề]u\s*1)")


def find_summary(text, type_index=None):
    """``(summary, confidence)``: the line(s) after the type line, up to the body.

    For a letter without a type line (công văn) it is the ``V/v ...`` line under the number.
    """
    lines = _lines(text)
    if type_index is None:
        _, type_index, _ = find_doc_type(text)
    if type_index is not None:
        parts = []
        for line in lines[type_index + 1:type_index + 4]:
            shadow = _shadow(line)
            if _BODY_START.match(shadow) or _RULE.match(line):
                break
            # A wrapped summary goes on in lower case; the body starts a new sentence.
            if parts and (not line[:1].islower() or line.endswith(":")):
                break
            if not parts and _is_upper_line(line) and not _SUMMARY_START.match(shadow):
                # The rest of a two-line type ("GIẤY CHỨNG NHẬN / ĐĂNG KÝ ...") is summary too.
                parts.append(line)
                continue
            parts.append(line)
            if line.endswith("."):
                break
        if parts:
            summary = _trim_marks(" ".join(parts))
            if summary:
                return summary, 0.85
    for line in lines[:20]:
        m = re.match(r"(?i)^v\s*/\s*v\s*[:.]?\s*(.+)$", _shadow(line))
        if m:
            return _trim_marks(line[m.start(1):]) or None, 0.8
    return None, 0.0


# What OCR leaves at the edges of a centred line: rule ends, seal specks, stray quotes.
_LEAD_JUNK = re.compile(r"^[\s\-–—|.,:;‘’'\"“”`_~^ˆ*•]+")
_TAIL_JUNK = re.compile(r"(?:\s+[^\w\s]{1,2})+$|[\s|_~^ˆ*•‘’'\"“”`]+$")


def _trim_marks(text):
    """``text`` without the punctuation and specks OCR put before and after it."""
    return clean(_TAIL_JUNK.sub("", _LEAD_JUNK.sub("", clean(text))))


# --- personal identifiers ------------------------------------------------------------------

# Province codes of the 12-digit citizen ID (Circular 07/2016/TT-BCA, annex).
_PROVINCES = frozenset(int(c) for c in issuers.load("id_provinces.json")["codes"])

_ID_CONTEXT = re.compile(r"(?i)(cccd|c[aă]n\s*c[uư][oơ]c|cmnd|ch[uứ]ng\s*minh|đ[iị]nh\s*danh|"
                         r"dinh\s*danh|h[oộ]\s*chi[eế]u)")
_TAX_CONTEXT = re.compile(r"(?i)(m[aã]\s*s[oố]\s*thu[eế]|\bmst\b|m[aã]\s*s[oố]\s*doanh\s*nghi[eệ]p"
                          r"|m[aã]\s*s[oố]\s*h[oộ]\s*kinh\s*doanh)")
# A run of digit-like characters with optional single spaces/dots/hyphens between them.
# NB: it starts and ends on a real digit, or "số 0361..." would read as "50361...".
_DIGIT_RUN = re.compile(r"(?<![\w])([0-9](?:[ .]?" + _DIGITISH + r"){7,12}[ .]?[0-9])"
                        r"(?:\s*-\s*(" + _DIGITISH + r"{3}))?(?![\w])")


def plausible_cccd(digits):
    """True for 12 digits whose province code and century/sex digit are valid."""
    return (len(digits) == 12 and digits.isdigit() and int(digits[:3]) in _PROVINCES
            and digits[3] in "0123")


def tax_check_ok(digits):
    """The check digit of a 10-digit tax code (weights 31, 29, 23, 19, 17, 13, 7, 5, 3)."""
    if len(digits) < 10 or not digits[:10].isdigit():
        return False
    weights = (31, 29, 23, 19, 17, 13, 7, 5, 3)
    total = sum(w * int(d) for w, d in zip(weights, digits))
    return (10 - total % 11) == int(digits[9])


def _context(shadow, start, rx, before=60):
    line_start = shadow.rfind("\n", 0, max(0, start - 1))
    window = shadow[max(0, line_start if start - line_start < before else start - before):start]
    return bool(rx.search(window))


def find_ids(text):
    """``(citizen_ids, tax_codes)``: lists of ``(value, confidence)`` in text order.

    A 12-digit CCCD needs a plausible structure or a "CCCD/căn cước/định danh" label before
    it; a 9-digit CMND needs the label; a tax code (10 digits, or 13 as ``0101234567-001``)
    needs a "mã số thuế/MST/mã số doanh nghiệp" label or a valid check digit.
    """
    shadow = _shadow(text)
    ids, taxes = [], []
    for match in _DIGIT_RUN.finditer(shadow):
        raw = match.group(1)
        found = digits(raw)
        id_ctx = _context(shadow, match.start(), _ID_CONTEXT)
        tax_ctx = _context(shadow, match.start(), _TAX_CONTEXT)
        letters = n_lookalikes(raw)
        if letters > len(found) / 3 or (letters > 2 and not (id_ctx or tax_ctx)):
            continue  # mostly letters: a word, not a number
        branch = digits(match.group(2)) if match.group(2) else ""
        penalty = 0.05 * letters + (0.05 if re.search(r"[ .]", raw) else 0)
        if tax_ctx and len(found) == 10:
            value = f"{found}-{branch}" if branch else found
            taxes.append((value, (0.95 if tax_check_ok(found) else 0.75) - penalty))
        elif tax_ctx and len(found) == 13:
            value = f"{found[:10]}-{found[10:]}"
            taxes.append((value, (0.95 if tax_check_ok(found) else 0.75) - penalty))
        elif len(found) == 12 and (plausible_cccd(found) or id_ctx):
            confidence = 0.6 + 0.2 * plausible_cccd(found) + 0.15 * id_ctx
            ids.append((found, confidence - penalty))
        elif len(found) == 9 and id_ctx:
            ids.append((found, 0.85 - penalty))
        elif len(found) == 10 and not branch and tax_check_ok(found) and not id_ctx \
                and not re.match(r"0[35789]", found):  # mobile phone numbers start so
            taxes.append((found, 0.6 - penalty))
    return ids, taxes


# --- names and dates of birth ---------------------------------------------------------------

_NAME_LABEL = re.compile(
    r"(?:(?<![\w])(?:[OÔoô]ng|[Bb][aà])(?:\s*/\s*(?:[Bb][aà]))?\s*[:.]?\s+|"
    r"(?i:h[oọ]\s*(?:,\s*ch[uữ]\s*đ[eệ]m\s*)?v[aà]\s*t[eê]n)"
    r"(?i:\s*(?:ch[uủ]\s*h[oộ]|ng[uư][oờ]i\s*\w+))?\s*[:.]?\s*)")
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_]*", re.UNICODE)


def _name_after(text, start):
    words = []
    pos = start
    for m in re.finditer(r"[^\s,;:()]+|[,;:()\n]", text[start:start + 80]):
        token = m.group(0)
        if token == "\n" and len(words) <= 2:
            continue  # "ông Bùi Xuân / Bình": a name broken across lines (3+ words is whole)
        if token in ",;:()\n":
            break
        if not _NAME_WORD.fullmatch(token) or not token[0].isupper():
            break
        words.append(token)
        pos = start + m.end()
        if len(words) == 6:
            break
    return words, pos


def find_names(text):
    """Person names after ``Ông``/``Bà``/``Họ và tên``: list of ``(name, confidence)``.

    A name is 2-6 capitalised words; it is returned in title case ("NGUYỄN VĂN AN" ->
    "Nguyễn Văn An").
    """
    names = []
    for match in _NAME_LABEL.finditer(text):
        words, _ = _name_after(text, match.end())
        if not 2 <= len(words) <= 6:
            continue
        # "Ông/Bà" followed by an office ("Chủ tịch ...") is not a name.
        if _shadow(words[0]).lower() in ("chu", "giam", "truong", "pho", "can", "ong", "ba"):
            continue
        labelled = "t" in _shadow(match.group(0)).lower()  # "Họ và tên" is the strongest
        value = " ".join(w.title() if w.isupper() else w for w in words)
        confidence = 0.9 if labelled else 0.8
        if not any(ord(ch) > 127 for ch in value):
            confidence -= 0.1  # Vietnamese names almost always carry marks
        names.append((clean(value), confidence))
    # "Bùi Xuân" read where a line broke is the same person as "Bùi Xuân Bình".
    names = [(n, c) for n, c in names
             if not any(o != n and o.startswith(n + " ") for o, _ in names)]
    # "Bui Xuân Bình" beside "Bùi Xuân Bình": one person, OCR lost a mark once; keep the
    # reading with the most marks (the folded forms are equal).
    best = {}
    for name, confidence in names:
        key = fold(name)
        marks = sum(ord(ch) > 127 for ch in name)
        if key not in best or (marks, confidence) > best[key][0]:
            best[key] = ((marks, confidence), (name, confidence))
    kept = {value for _, value in best.values()}
    out = []
    for value in names:  # first-seen order, each kept reading once
        if value in kept:
            out.append(value)
            kept.remove(value)
    return out


_BIRTH_LABEL = re.compile(r"(?i)(ng[aà]y\s*,?\s*(?:th[aá]ng\s*,?\s*n[aă]m\s*)?sinh|sinh\s*ng[aà]y|"
                          r"sinh\s*n[aă]m)\s*[:.]?\s*")


def find_birth_dates(text):
    """Dates after ``Ngày sinh``/``Sinh ngày``/``Ngày, tháng, năm sinh``: ``(iso, conf)``."""
    shadow = _shadow(text)
    found = []
    for match in _BIRTH_LABEL.finditer(shadow):
        iso, info = _parse_date_at(shadow, match.end(), limit=6)
        if not iso and "sinh ng" in match.group(1).lower():
            # "Sinh ngày 05 tháng 02 năm 1990": the label's "ngày" starts the words form.
            iso, info = _parse_date_at(shadow, match.start() + len("sinh"), limit=6)
        if iso:
            found.append((iso, 0.9 - 0.1 * info[1]))
    return found


# --- whole document --------------------------------------------------------------------------

_HEAD_FIELDS = ("number_symbol", "doc_type", "issuer", "issuer_parent", "issue_date", "place",
                "summary")
_LIST_FIELDS = ("citizen_ids", "tax_codes", "person_names", "birth_dates")


# NB: the number and date are read only from the header, never from the body or the summary,
# where other acts are cited with their numbers and dates ("Luật ... ngày 19 tháng 6 năm 2015").
HEAD_LINES = 25
_PLACE_DATE_LINE = re.compile(r"^[A-Z][^\n,:;0-9]{1,40},\s*ng[aà]y\b", re.IGNORECASE)


def _head(text, type_index):
    """The header of a page: its lines above the type line (or the body's first line),
    without the lines of signing, publishing and receipt stamps; the line right under the
    type line too when it is a place-and-date line (the layout may read a centred type
    line before the right column's last line)."""
    lines = _lines(text)
    if type_index is not None:
        end = type_index
        after = lines[type_index + 1:type_index + 2]
        extra = [line for line in after if _PLACE_DATE_LINE.match(_shadow(line))]
    else:
        end = next((i for i, line in enumerate(lines[:HEAD_LINES])
                    if i and _BODY_START.match(_shadow(line))), HEAD_LINES)
        extra = []
    return "\n".join(line for line in lines[:end] + extra if not issuers.is_overlay(line))


_VV_LINE = re.compile(r"(?im)^\s*v\s*/\s*v\b")


def has_header(text):
    """True when ``text`` starts like a Decree 30 document: the national heading or motto,
    a ``Số:`` line or a type line near its top."""
    top = _lines(text)[:HEAD_LINES]
    shadow = "\n".join(_shadow(line) for line in top)
    return bool(_HEADING.search(shadow) or _MOTTO.search(shadow) or
                any(_SO_PREFIX_RX.match(_shadow(line)) for line in top) or
                find_doc_type("\n".join(top[:12]))[0])


# NB: a symbol with no type part and the "V/v" line under it are the two marks Decree 30
# gives a letter: as sure as a type line read whole less a little (0.95); at 0.85, a letter
# on a scan of mean word confidence 0.88 came out under 0.8.
LETTER_CONF = 0.9


def _page_fields(text, known_issuers=()):
    doc_type, type_index, type_conf = find_doc_type(text)
    head = _head(text, type_index)
    number, number_conf = find_number_symbol(head)
    if not doc_type and number:
        symbol = number.split("/")[-1].split("-")[0]
        if symbol in _SYMBOL_TYPES:
            doc_type, type_conf = _SYMBOL_TYPES[symbol], 0.6
        elif "-" in number.split("/")[-1]:
            # "123/UBND-VP": a letter has no type line; its "V/v" line under the number says
            # it is one.
            doc_type, type_conf = "CÔNG VĂN", LETTER_CONF if _VV_LINE.search(head) else 0.6
    place, date, date_conf = find_place_date(head)
    date_conf = checked_by_stamps(date, date_conf, text)
    issuer, parent, issuer_conf = find_issuer(text, place, known_issuers)
    number = restore_symbol_body(number, issuer)
    summary, summary_conf = find_summary(text, type_index)
    return {"number_symbol": (number, number_conf), "doc_type": (doc_type, type_conf),
            "issuer": (issuer, issuer_conf), "issuer_parent": (parent, issuer_conf),
            "issue_date": (date, date_conf), "place": (place, date_conf),
            "summary": (summary, summary_conf)}


UNCHECKED = 0.6


def _read_confidence(name, value, page):
    """How far a header field rests on blanks re-read from crops (the page's ``reads``):
    the number's confidence is its digits', the date's its day's and month's."""
    reads = page.get("reads") or {}
    if page.get("source") == "ocr" and name in ("number_symbol", "issue_date") and not (
            "number" in reads if name == "number_symbol" else "day" in reads):
        return UNCHECKED  # a scan's blank that could not be found and re-read
    if name == "number_symbol" and "number" in reads:
        read, confidence = reads["number"]
        if read is None or value.split("/")[0] == read:  # None: the crop's value is in the text
            return confidence
        return min(confidence, 0.5)
    if name in ("issue_date", "place"):
        found = [reads[k][1] for k in ("day", "month") if k in reads]
        return min(found) if found else 1.0
    return 1.0


def extract_fields(pages, known_issuers=()):
    """The fields of a document from its page dicts (see module docstring); ``known_issuers``:
    issuer names the centre's officers typed in corrections, matched beside the data's.

    Header fields come from the first page that has them (page 1 in practice); identifiers,
    names and dates of birth from every page, without repeats.
    """
    fields = {name: None for name in _HEAD_FIELDS}
    lists = {name: [] for name in _LIST_FIELDS}
    seen = {name: set() for name in _LIST_FIELDS}
    # NB: once a page with a header is read, later pages (the body, annexes) give no header
    # fields: their numbers and dates are other acts'.
    header_read = False
    for page in pages:
        text, number = page.get("text") or "", page["number"]
        # NB: a page's mean word confidence (0.9-0.95 on a good scan) weighs a field's own
        # certainty only halfway: every field of every scan would otherwise fall under 0.8.
        weight = 0.5 + 0.5 * (page.get("confidence", 1.0) or 0.0)
        if not text.strip():
            continue
        if not header_read:
            for name, (value, confidence) in _page_fields(text, known_issuers).items():
                if fields[name] is None and value:
                    confidence = min(confidence, _read_confidence(name, value, page))
                    fields[name] = _field(value, confidence * weight, number)
            header_read = has_header(text)
        ids, taxes = find_ids(text)
        found = {"citizen_ids": ids, "tax_codes": taxes, "person_names": find_names(text),
                 "birth_dates": find_birth_dates(text)}
        for name, items in found.items():
            for value, confidence in items:
                if value not in seen[name]:
                    seen[name].add(value)
                    lists[name].append(_field(value, confidence * weight, number))
    fields.update(lists)
    return fields
