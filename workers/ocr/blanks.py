"""The number and the day of a page image's header, re-read from a crop of their blanks.

On scans the number after ``Số:`` and the day (sometimes the month) of the place-and-date
line are often written by hand at signing, and Tesseract reading the whole page misreads
them (1039 -> 4033, 1114 -> 4444, 01 -> 04) or reads nothing. We find the ``Số`` word and
the slash after it, and ``ngày`` ... ``tháng`` ... ``năm`` on the place-and-date line, among
the page's OCR words; crop the blank out of the page image (taller than the line, since
handwriting overflows it, and stopping short of the slash, which reads as a 1) and read the
crop twice with a digits-only whitelist (:data:`ATTEMPTS`): first its digits cut into glyphs
and re-laid on a clean line (:mod:`workers.ocr.glyphs`), then the crop doubled. A 4 without a
4's crossbar is read as the handwritten 1 it is. Agreement is the confidence (:func:`_vote`):
a value the readings disagree on comes back with a low one, and an agreed one is trusted only
when it has a digit for each glyph (:func:`_plausible`). The second engine's reading of the
crop and its vote with Tesseract's are :mod:`workers.ocr.engine_vote`'s.

NB: on the 33 scans and page images of ../shared/realdocs the glyphs (and the blanks found
past a swallowing "ngày" box, a "ngày…tháng" word, a ";" slash) took the blanks read right
from 18 to 23 numbers and 14 to 21 days, none of the new ones trusted wrongly.

NB: measured on the 32 number blanks of ../shared/realdocs (scans and page images): the page
reading alone 15 right, the crop at the page's size 17, doubled 17; one word (psm 8) or raw
line (psm 13) ~0, the Vietnamese model 11. Where page and both crops agree the value was
right 13 times in 15; the 2 wrong ones were handwriting Tesseract gave a word confidence
under 0.7, so agreement counts only over a confident page word. Days: page 14 of 32, crop
13, doubled 16.

Contract: :func:`reread` takes the OCR'd image, its words and its ordered text, and returns
``(text, reads)``: the text with the blanks' values put in, and
``{"number": [value, confidence], "day": [...], "month": [...]}`` for the blanks found
(a value of ``""`` when nothing readable was there).
"""
import re

from PIL import Image, ImageOps

from records.textnorm import shadow

from . import glyphs
from .engine_vote import CONF_SPLIT, combine, second_reading

# (scale, psm, lang): read as one line (7) or one word (8), at the page's size and doubled.
# NB: for digits alone the English model reads handwriting better than the Vietnamese one
# (27 vs 20 of 32 synthetic handwritten numbers; see regions.DIGITS_LANG).
ATTEMPTS = ((1.0, 7, "eng"), (2.0, 7, "eng"))
DIGITS = "0123456789"
GLUED = "/"
HEAD_SHARE = 0.45       # the header lies in the top 45 % of the page
MAX_NUMBER_DIGITS = 5
# Confidence by agreement (see _vote).
CONF_ALL = 0.92         # the crops and a confident page word agree
CONF_ALL_UNSURE = 0.7   # they agree, but Tesseract doubted the page word
CONF_CROPS = 0.55       # the crops agree against the page
CONF_ONE = 0.6          # the page and one crop agree
PAGE_WORD_CONF = 0.7
# NB: a value both crops read, and the page too unless it is unsure, is right far more often
# than its 0.55-0.7 said (17 of 21 on the scans and images of ../shared/realdocs); the 4 wrong
# ones were a handwritten 1 read as 4 (the commonest confusion of handwritten digits) and
# single digits for a three-digit number whose other digits the crops missed. A value clear
# of both (:func:`_plausible`) is raised to CONF_CHECKED.
CONF_CHECKED = 0.9
TIGHT_PAD = 0.25        # digits' heights of paper around the tight crop
DIGIT_WIDTH = 0.75      # line heights: the widest a digit's ink runs, handwritten
DIGIT_SLACK = 0.35      # line heights: strokes running past the digits (a 1's flag, a tail)
PREFIX_WIDTH = 1.2      # line heights: the printed "Số:"

_SO = re.compile(r"^[S5s8][oôóòe6é0]?[:;.,]")
_SO_BARE = re.compile(r"^S[oô0]$")
# ";CT-UBND": the symbol's word with its slash read as a semicolon or colon.
_MISREAD_SLASH = re.compile(r"^[;:](?=[A-ZĐ]{1,8}-)")
# The symbol's parts after the number ("KH-VP" of "Số:2#KH-VP") in one OCR word.
_SYMBOL_IN_WORD = re.compile(r"(?<![A-Z])[A-Z]{1,8}-[A-Z]")
_NGAY = re.compile(r"^ng[aà]y", re.IGNORECASE)
_THANG = re.compile(r"th[aá]ng", re.IGNORECASE)
_NAM = re.compile(r"^n[aă]m", re.IGNORECASE)


def _row(words, word):
    """The words on ``word``'s line, left to right."""
    middle = word.top + word.height / 2
    return sorted((w for w in words if abs(w.top + w.height / 2 - middle) < 0.6 * max(
        word.height, 1)), key=lambda w: w.left)


def _char_x(word, index):
    """The x of character ``index`` of ``word``, by its share of the word's characters."""
    return word.left + word.width * index / max(1, len(word.text))


def number_blank(words, width, height):
    """``(x0, y0, x1, y1, line_height, page_text, glued)`` of the blank after ``Số:`` up to
    the slash, what the page reading put there, and :data:`GLUED` when the crop runs past
    the slash; or None."""
    head = [w for w in words if w.top < HEAD_SHARE * height and w.left < 0.55 * width]
    for word in sorted(head, key=lambda w: (w.top, w.left)):
        text = shadow(word.text)
        m = _SO.match(text)
        if not m and not _SO_BARE.match(text):
            continue
        row = [w for w in _row(words, word) if w.left >= word.left]
        after = [w for w in row if w is not word]
        if m and "/" in text[m.end():]:   # "Số:4444/QĐ-TTg" read as one word
            x0 = _char_x(word, m.end())
            x1 = _char_x(word, text.index("/", m.end()))
            read = text[m.end():text.index("/", m.end())]
            return (x0, word.top, x1, word.top + word.height, word.height, read, "")
        symbol = _SYMBOL_IN_WORD.search(text, m.end()) if m else None
        if symbol and symbol.start() > m.end():
            # "Số:2#KH-VP": the number, its slash misread and the symbol in the word of
            # "Số:". Cropped to the word's end as a glued one, and cut before the print
            # when the crop shows where the digits end (see _unglued).
            x0 = word.left + min(_char_x(word, m.end()) - word.left, PREFIX_WIDTH * word.height)
            return (x0, word.top, word.left + word.width, word.top + word.height,
                    word.height, text[m.end():symbol.start() - 1], GLUED)
        else:
            x0 = word.left + word.width
            glued_read = ""
            if m and m.end() < len(text):
                # "Số:324" or "Số:Á9" read as one word, the slash in the next: the blank
                # starts inside the word, after its "Số:".
                # NB: by the share of characters the handwritten digits' width pushes
                # the start into them; the printed "Số:" is about 1.2 line heights.
                x0 = word.left + min(_char_x(word, m.end()) - word.left,
                                     PREFIX_WIDTH * word.height)
                glued_read = text[m.end():]
            slash = next((w for w in after[:4] if "/" in w.text or _MISREAD_SLASH.match(w.text)),
                         None)
            if slash is None:
                continue
            cut = slash.text.index("/") if "/" in slash.text else 0
            read = glued_read + "".join(w.text for w in after if w.left < slash.left) + \
                slash.text[:cut]
            if re.match(r"[^/]*[0-9]", slash.text):
                # "280/BC-UBND" as one word: where the slash falls in it is unknown
                # (handwritten digits are wider than print), so the crop runs to the word's
                # end and is read with the slash allowed (GLUED).
                return (x0, word.top, slash.left + slash.width, word.top + word.height,
                        word.height, read, GLUED)
            x1 = _char_x(slash, cut)
        h = word.height
        if x1 - x0 < 0.4 * h:
            continue
        return (x0, word.top, x1, word.top + h, h, read, "")
    return None


def date_blanks(words, width, height):
    """``{"day": box, "month": box}`` of the place-and-date line's day and month (a box as
    in :func:`number_blank`), for the line whose ``ngày`` has ``tháng`` and ``năm`` after
    it; empty when there is none."""
    head = [w for w in words if w.top < HEAD_SHARE * height and w.left > 0.3 * width]
    for word in sorted(head, key=lambda w: (w.top, w.left)):
        text = shadow(word.text)
        if not _NGAY.match(text):
            continue
        before = [w for w in _row(words, word) if w.left < word.left]
        if not before or not before[-1].text.endswith(","):
            continue  # not "Place, ngày ...": a date cited in the text
        row = [w for w in _row(words, word) if w.left >= word.left and w is not word]
        # "ngày4†tháng": the day and "tháng" read into the word of "ngày".
        glued = _THANG.search(text, 4)
        month = word if glued else next(
            (w for w in row[:4] if _THANG.search(shadow(w.text))), None)
        if month is None:
            continue
        year = next((w for w in row if _NAM.match(shadow(w.text)) and w.left > month.left),
                    None)
        if year is None:
            continue
        h = word.height
        blanks = {}
        start = _char_x(word, 4) if len(text) > 4 else word.left + word.width
        between = [w for w in row if w.left < month.left]
        # NB: Tesseract's box of "ngày" can swallow the first handwritten digit after it
        # (the digits' own word then starts inside it): the blank starts at that word.
        start = min([start] + [w.left for w in between])
        day_read = text[4:glued.start()] if glued else \
            text[4:] + "".join(w.text for w in between)
        month_start = _char_x(month, _THANG.search(shadow(month.text)).start())
        if month_start - start >= 0.3 * h:
            blanks["day"] = (start, word.top, month_start, word.top + h, h, day_read, "")
        month_end = _char_x(month, _THANG.search(shadow(month.text)).end())
        month_read = shadow(month.text)[_THANG.search(shadow(month.text)).end():] + "".join(
            w.text for w in row if month.left < w.left < year.left)
        if year.left - month_end >= 0.3 * h:
            blanks["month"] = (month_end, word.top, year.left, word.top + h, h, month_read, "")
        return blanks
    return {}


CROP_UP = 0.7           # line heights above the line a crop takes in (handwriting overflows)


GAP_REACH = 0.6        # line heights a glued blank's end may move to reach the gap after its ink


def _inside_word(x, words, box):
    """True when ``x`` falls inside a word of ``box``'s line, clear of its ends: the blank
    was cut out of a word ("20tháng", "ngày(Ð") by its share of the characters."""
    y0, y1, h = box[1], box[3], box[4]
    return any(w.left + 0.2 * h < x < w.left + w.width - 0.2 * h
               for w in words if w.top < y1 and w.top + w.height > y0)


def _clear_column(image, x, box, step):
    """The first column from ``x`` on (``step`` 1: rightwards, -1: leftwards), within
    :data:`GAP_REACH` line heights, that has no ink within ``box``'s line; None."""
    y0, y1, h = int(box[1]), int(box[3]), box[4]
    for offset in range(int(GAP_REACH * h) + 1):
        column = int(x) + step * offset
        if not 0 <= column < image.width:
            return None
        if image.crop((column, y0, column + 1, y1)).convert("L").getextrema()[0] >= glyphs.INK:
            return column
    return None


START_CUT = 0.1         # line heights of ink before a blank's start that make it a cut digit


def _to_gap(image, box, words):
    """``box`` with an end cut inside a word moved to the ink gap beside it: its end to
    the gap after the ink; its start, when it cuts into ink for more than
    :data:`START_CUT` line heights, to the gap before it.

    NB: the day glued to "tháng" ("20tháng", italic print or handwriting) ended where the
    characters' share put it, inside the 0: the crop held "2" and most of a "0", read 26 by
    both engines (0.99 sure). A day glued to "ngày" ("ngày05") started inside its 0 and was
    read 15. A start a pixel into ink is at the ink's edge, not in a digit: moved anyway,
    one handwritten 17 was read 04."""
    x0, x1, h = box[0], box[2], box[4]
    if _inside_word(x1, words, box):
        x1 = _clear_column(image, x1, box, 1) or x1
    if _inside_word(x0, words, box):
        clear = _clear_column(image, x0, box, -1)
        if clear is not None and x0 - clear > START_CUT * h:
            x0 = clear
    return (x0,) + box[1:2] + (x1,) + tuple(box[3:])


def _border(h):
    return max(10, int(h))


def _line_top(h):
    """Where the line of a :func:`_crop` of a line ``h`` high starts in it (its border
    and :data:`CROP_UP` line heights above)."""
    return _border(h) + int(CROP_UP * h)


def _crop_left(x0, h):
    """The page x where a :func:`_crop` of a blank starting at ``x0`` starts."""
    return max(0, int(x0 + 0.05 * h))


def _crop(image, box, up=CROP_UP, down=0.5, pad=-0.05):
    x0, y0, x1, y1, h = box[:5]
    left = _crop_left(x0, h)
    right = min(image.width, int(x1 + pad * h))
    top = max(0, int(y0 - up * h))
    bottom = min(image.height, int(y1 + down * h))
    crop = image.crop((left, top, right, bottom))
    if crop.mode != "L":
        crop = crop.convert("L")
    return ImageOps.expand(crop, border=_border(h), fill=255)


def _digits_of(text):
    return re.sub(r"[^0-9]", "", text or "")


def _read(engine, crop, max_digits, glued="", found=(), valid=lambda value: True):
    """The readings of ``crop`` by :data:`ATTEMPTS`: digit strings ('' for none); with
    ``glued`` the crop runs past the slash, and the digits before it are the reading. With
    the crop's glyphs ``found``, the first reading is of the glyphs re-laid
    (:func:`glyphs.relaid`), and of the crop at its size only when that gives no ``valid``
    value; each 4 without a 4's crossbar is read as 1 (:func:`glyphs.ones_for_fours`)."""
    found_values = []
    for index, (scale, psm, lang) in enumerate(ATTEMPTS):
        if index == 0 and found:
            line = glyphs.relaid(found)
            value = _recognised(engine, line, psm, lang, max_digits, "") or \
                _recognised_as_letters(engine, line, psm, lang, max_digits)
            value = glyphs.ones_for_fours(value, found)[0]
            if value and valid(value):
                found_values.append(value)
                continue
        image = crop if scale == 1.0 else crop.resize(
            (round(crop.width * scale), round(crop.height * scale)), Image.Resampling.LANCZOS)
        value = _recognised(engine, image, psm, lang, max_digits, glued)
        found_values.append(glyphs.ones_for_fours(value, found)[0] if found else value)
    return found_values


# NB: on a re-laid line of handwritten digits Tesseract restricted to digits often returns
# nothing at all (15 of the 63 blanks of ../shared/realdocs) where, unrestricted, it reads
# the digits as the letters they look like ("OF" for 04, "Il" for 11): read so, a value is
# taken when every character is one of these (40 against 38 of 63 right, no more wrong ones
# trusted).
_HAND_LOOKALIKES = str.maketrans({
    "O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "i": "1", "!": "1",
    "]": "1", "[": "1", "/": "1", "F": "4", "A": "4", "y": "4", "S": "5", "s": "5", "Z": "2",
    "z": "2", "B": "8", "g": "9", "q": "9", "T": "7", "t": "7", "b": "6", "G": "6"})


def _recognised_as_letters(engine, image, psm, lang, max_digits):
    result = engine.recognize(image, lang=lang, psm=psm)
    value = "".join(w.text for w in result.words).translate(_HAND_LOOKALIKES)
    return value if value.isdigit() and 1 <= len(value) <= max_digits else ""


def _recognised(engine, image, psm, lang, max_digits, glued):
    result = engine.recognize(image, lang=lang, psm=psm, charset=DIGITS + glued)
    raw = "".join(w.text for w in result.words)
    if glued:
        raw = raw.split(glued)[0] if glued in raw else ""
    value = _digits_of(raw)
    return value if 1 <= len(value) <= max_digits else ""


def _vote(readings, page_reading, page_conf, valid, same=lambda a, b: a == b):
    """``(value, confidence)`` from the crop readings and the page's own reading (whose
    words Tesseract gave ``page_conf``)."""
    readings = [r if r and valid(r) else "" for r in readings]
    page_reading = page_reading if page_reading and valid(page_reading) else ""
    first, second = readings[0], readings[-1]
    crops_agree = bool(first and second) and same(first, second)
    if crops_agree and page_reading and same(first, page_reading):
        return first, CONF_ALL if page_conf >= PAGE_WORD_CONF else CONF_ALL_UNSURE
    if page_reading and first and not second and same(first, page_reading) and \
            page_conf >= PAGE_WORD_CONF:
        return first, CONF_ALL_UNSURE
    if crops_agree:
        return first, CONF_CROPS
    if page_reading and any(r and same(r, page_reading) for r in readings):
        return page_reading, CONF_ONE
    value = page_reading or first or second
    return value, CONF_SPLIT if value else 0.0


def _ink_width(crop, height):
    """Line heights of the columns of ``crop`` (a :func:`_crop` of a line ``height`` high)
    holding ink within the line itself: the digits, not the rule above the line or strokes
    overflowing below it."""
    top = _line_top(height)
    band = crop.crop((0, top, crop.width, min(crop.height, top + int(height))))
    columns = [x for x in range(band.width)
               if band.crop((x, 0, x + 1, band.height)).getextrema()[0] < 128]
    if not columns:
        return 0.0
    return (columns[-1] - columns[0] + 1) / max(1.0, height)


def _plausible(value, ink_width, found=()):
    """False when ``value``, read from a crop whose ink spans ``ink_width`` line heights, is
    one to doubt however the readings agree: a 4 that is not a 4's shape (a handwritten 1
    is read as 4), or any 4 when the digits could not be matched to glyphs; with the crop's
    glyphs ``found``, not a digit for each glyph (:func:`glyphs.matches`; a day's leading 0
    may be unwritten); without them, fewer digits than the ink holds."""
    if not glyphs.ones_for_fours(value, found)[1]:
        return False
    if found:
        # NB: a digit for each glyph says what the ink width only guessed at, and large
        # handwriting (digits 1.3 line heights high) overruns the width in line heights.
        return glyphs.matches_written(value, found)
    return ink_width <= len(value) * DIGIT_WIDTH + DIGIT_SLACK


def _checked(found, ink_width, glyphs_found=()):
    """``(value, confidence)`` raised to CONF_CHECKED when the readings agreed (crops at
    least) and the value is :func:`_plausible`."""
    value, confidence = found
    # NB: the page and one crop agreeing is trusted only with the glyphs to check it by
    # (on the blanks of ../shared/realdocs: 2 right, the 2 wrong ones a digit short).
    if value and CONF_CROPS <= confidence < CONF_CHECKED and \
            (confidence != CONF_ONE or glyphs_found) and \
            _plausible(value, ink_width, glyphs_found):
        return value, CONF_CHECKED
    return found


def _tight(crop, box, found):
    """``crop`` cut down to its digits' ink, with a quarter of their height around: the
    glyphs ``found``, or without them the ink of the line's band (the blank runs past the
    slash, or the digits were not cut into glyphs)."""
    h = box[4]
    if found:
        x0, x1 = min(g.left for g in found), max(g.right for g in found)
        y0, y1 = min(g.top for g in found), max(g.bottom for g in found)
    else:
        top = _line_top(h)
        band = crop.crop((0, max(0, int(top - h / 2)), crop.width,
                          min(crop.height, int(top + 1.5 * h))))
        ink = band.point(lambda v: 255 if v < glyphs.INK else 0).getbbox()
        if ink is None:
            return None
        x0, x1 = ink[0], ink[2]
        y0, y1 = ink[1] + max(0, int(top - h / 2)), ink[3] + max(0, int(top - h / 2))
    pad = int(TIGHT_PAD * (y1 - y0))
    return crop.crop((max(0, x0 - pad), max(0, y0 - pad), min(crop.width, x1 + pad),
                      min(crop.height, y1 + pad)))


def _second_reading(crop, box, found):
    """The second engine's reading (:func:`engine_vote.second_reading`) of the
    :func:`_tight` crop of the blank; none when there is no ink."""
    tight = _tight(crop, box, found)
    if tight is None:
        return "", 0.0, False
    return second_reading(tight, found, slash=bool(box[6]))


def _valid_number(value):
    return int(value) > 0 and not (len(value) > 2 and value.startswith("0"))


def _valid_range(top):
    return lambda value: 1 <= int(value) <= top


def _same_day(a, b):
    return int(a) == int(b)


def _runs_past(crop, box, found):
    """True when the last of the glyphs ``found`` in ``crop`` (a :func:`_crop` of ``box``)
    reaches the crop's right edge: the ink runs on past the blank, and the crop may hold
    only part of the last digit."""
    return bool(found) and found[-1].right >= crop.width - _border(box[4]) - 1


def _page_conf(words, box):
    x0, y0, x1, y1 = box[:4]
    inside = [w.conf for w in words if w.top < y1 and w.top + w.height > y0
              and w.left + w.width > x0 and w.left < x1]
    return min(inside) if inside else 0.0


def _glyphs_of(crop, box):
    """The digit glyphs of a crop (:func:`_crop`) of ``box``; none when the crop runs past
    the slash into printed text (glued)."""
    if box[6]:
        return []
    return glyphs.glyphs(crop, box[4], _line_top(box[4]))


# NB: handwriting is taller than the print of the symbol after it (the digits of
# ../shared/realdocs 1.2-1.4 times the printed capitals' height); print of one size keeps
# its glyphs within a few pixels of each other's height.
HAND_OVER_PRINT = 1.15
MIN_PRINT_GLYPHS = 3


def _unglued(box, crop):
    """``box`` (glued: the number read in one word with its slash and symbol, and cropped
    to the word's end as ``crop``) ending before the printed slash when the crop shows where
    the digits end: its glyphs (:func:`glyphs.glyphs`) stop at a gap with ink after it, or
    they start with glyphs :data:`HAND_OVER_PRINT` taller than the print after them
    (at least :data:`MIN_PRINT_GLYPHS` glyphs); itself otherwise (a typed number).

    NB: "574/UBND-KTTH" read as one word: glued, the crop had no glyphs, and the crossed 7
    read as 4 could not be put right (574 -> 544)."""
    h = box[4]
    line_top = _line_top(h)
    found = glyphs.glyphs(crop, h, line_top)
    if not found:
        return box
    after = crop.crop((found[-1].right, line_top, crop.width - _border(h), line_top + int(h)))
    if after.width > 0 and after.convert("L").getextrema()[0] < glyphs.INK:
        end = found[-1].right + TIGHT_PAD * h
    else:
        heights = sorted(g.height for g in found)
        printed = heights[len(heights) // 2]
        hand = next((i for i, g in enumerate(found) if g.height < HAND_OVER_PRINT * printed),
                    len(found))
        if not hand or len(found) - hand < MIN_PRINT_GLYPHS:
            return box
        end = found[hand].left
    return (box[0], box[1], _crop_left(box[0], h) + end - _border(h)) + tuple(box[3:6]) + ("",)


def _page_value(box, found):
    page_reading = _digits_of(box[5].translate(_LOOKALIKES))
    return glyphs.ones_for_fours(page_reading, found)[0] if found else page_reading


def _typed_clearly(read, valid):
    """True when ``read`` (what the page's OCR put in a blank) is a ``valid`` value with
    every character a digit or a digit's look-alike.

    NB: a typed month "1Ú" (10, its 0 damaged) was taken as a clear 1 once its other
    characters were dropped: left as read, it gave the date line a look-alike and the
    month no reading of its own."""
    typed = read.translate(_LOOKALIKES).strip()
    return typed.isdigit() and valid(typed)


def blank_readings(image, words, engine):
    """``[(name, first, second, (value, confidence))]`` for the blanks of the header of
    ``image`` (whose OCR gave ``words``): Tesseract's checked vote, the second engine's
    reading (:func:`_second_reading`) and their :func:`engine_vote.combine`; a month typed
    clearly is not re-read. What :func:`read_blanks` gives, with the engines' shares (for the
    bench)."""
    out = []
    box = number_blank(words, image.width, image.height)
    if box and box[6]:
        box = _to_gap(image, box, words)
        box = _unglued(box, _crop(image, box, pad=0.0))
    if box:
        crop = _crop(image, box, pad=0.0 if box[6] else -0.05)
        found = _glyphs_of(crop, box)
        readings = _read(engine, crop, MAX_NUMBER_DIGITS, box[6], found, _valid_number)
        voted = _vote(readings, _page_value(box, found), _page_conf(words, box), _valid_number)
        ink = _ink_width(crop, box[4]) if not box[6] else 0.0
        first, second = _checked(voted, ink, found), _second_reading(crop, box, found)
        out.append(("number", first, second, combine(first, second, found, _valid_number)))
    for name, box in date_blanks(words, image.width, image.height).items():
        top = 31 if name == "day" else 12
        page_reading = _digits_of(box[5].translate(_LOOKALIKES))
        page_conf = _page_conf(words, box)
        valid = _valid_range(top)
        if name == "month" and _typed_clearly(box[5], valid) and page_conf >= 0.8:
            continue
        box = _to_gap(image, box, words)
        crop = _crop(image, box)
        found = _glyphs_of(crop, box)
        readings = _read(engine, crop, 2, "", found, valid)
        first = _checked(_vote(readings, _page_value(box, found), page_conf, valid, _same_day),
                         _ink_width(crop, box[4]), found)
        second = _second_reading(crop, box, found)
        value, confidence = combine(first, second, found, valid, _same_day)
        if _runs_past(crop, box, found) and not (second[2] and second[0] == value):
            # NB: a day run on into "tháng" (a crossed 7's bar) is cut at the blank's end: the
            # crop holds part of its last digit, which Tesseract reads confidently as another
            # (17 read 11 at 0.9). Only a sure second engine agreeing is trusted then.
            confidence = min(confidence, CONF_ALL_UNSURE)
        out.append((name, first, second, (value.zfill(2) if value else "", confidence)))
    return out


def read_blanks(image, words, engine):
    """``{"number" | "day" | "month": [value, confidence]}`` for the blanks of the header
    of ``image`` (whose OCR gave ``words``); a month typed clearly is not re-read."""
    return {name: list(combined) for name, _, _, combined in blank_readings(image, words, engine)}


_SO_LINE = re.compile(r"(?m)^(.{0,40}?)(?<![A-Za-z])[S5s8]\S{0,2}\s*[:;.,]?\s*[^/\n]{0,10}?\s*"
                      r"(?:/|[^\w\s/](?=[A-ZĐ]{1,8}-))")
_DAY_GAP = re.compile(r"(?i)(,\s*ng[aà]y)[^\n]{0,10}?(th[aá]ng)")
_MONTH_GAP = re.compile(r"(?i)(,\s*ng[aà]y\s*[0-9]{1,2}\s*th[aá]ng)[^\n]{0,10}?(n[aă]m)")
_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5"})


def reread(image, words, text, engine):
    """``(text, reads)``: see the module docstring."""
    reads = read_blanks(image, words, engine)
    number = (reads.get("number") or [""])[0]
    if number:
        text = _SO_LINE.sub(lambda m: f"{m.group(1)}Số: {number}/", text, count=1)
    day = (reads.get("day") or [""])[0]
    if day:
        text = _DAY_GAP.sub(lambda m: f"{m.group(1)} {day} {m.group(2)}", text, count=1)
    month = (reads.get("month") or [""])[0]
    if month:
        text = _MONTH_GAP.sub(lambda m: f"{m.group(1)} {month} {m.group(2)}", text, count=1)
    return text, reads
