"""Highlights computed from a document's own pages, the same way for every backend.

Backends index a folded copy of the text, so their own highlighters would show text
without diacritics. Instead the words of the query are turned into patterns that match
every diacritic and case variant in the original text ("nguyen" matches "Nguyễn",
"NGUYỄN", "nguyên"), and the fragments around the matches are cut from the original pages.
"""
import functools
import re
import string
import unicodedata

from records.textnorm import fold, words

from .interfaces import Highlight

# NB: Latin-1, Latin Extended-A/B and Latin Extended Additional (the Vietnamese block):
# every letter whose folded form is one ASCII letter becomes a variant of that letter.
_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00))


@functools.lru_cache(maxsize=1)
def _variants():
    table = {letter: {letter, letter.upper()} for letter in string.ascii_lowercase}
    for low, high in _RANGES:
        for code in range(low, high):
            char = chr(code)
            folded = fold(char)
            if len(folded) == 1 and folded.isascii() and folded.isalnum():
                table.setdefault(folded, set()).add(char)
    return table


def _word_pattern(folded_word):
    table = _variants()
    parts = []
    for char in folded_word:
        options = table.get(char)
        parts.append("[" + "".join(sorted(map(re.escape, options))) + "]" if options
                     else re.escape(char))
    return "".join(parts)


@functools.lru_cache(maxsize=256)
def _compile(folded_words):
    alternatives = "|".join(_word_pattern(w) for w in sorted(folded_words, key=len,
                                                             reverse=True))
    # NB: letters and digits around a match would make it part of a longer word. The
    # character classes hold both cases, so no IGNORECASE (which is slower).
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


def query_words(parsed):
    """The folded words of a :class:`records.search.query.ParsedText`, as a frozenset."""
    out = set()
    for clause in parsed.clauses:
        out.update(fold(word) for word in words(clause))
    return frozenset(w for w in out if w)


@functools.lru_cache(maxsize=256)
def _compile_folded(folded_words):
    alternatives = "|".join(map(re.escape, sorted(folded_words, key=len, reverse=True)))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])")


#: After NFD, anything but ASCII and combining diacritical marks takes the general path.
_NOT_SIMPLE = re.compile("[^\x00-\x7f\u0300-\u036f]")


def _folded_in_place(text):
    """``text`` folded with every character kept in place, or None.

    NB: in NFC Vietnamese text every letter is one code point that decomposes into an
    ASCII letter plus combining marks, so dropping the marks folds the text without
    moving anything: offsets found in the folded text are offsets in ``text``. Texts for
    which that does not hold (other scripts, letters with no precomposed form) give None.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    if _NOT_SIMPLE.search(decomposed):
        return None
    folded = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return folded if len(folded) == len(text) else None


def highlights(pages, parsed, max_fragments=3, width=180):
    """Up to ``max_fragments`` :class:`Highlight` s for ``pages`` ({"page", "text"} dicts).

    Pages with more distinct query words come first, then page order; one fragment per
    page, about ``width`` characters, centred on its first match.
    """
    wanted = query_words(parsed)
    if not wanted or not pages:
        return ()
    pattern, folded_pattern = None, None
    found, complete = [], 0
    for order, page in enumerate(pages):
        text = page["text"]
        folded = _folded_in_place(text)
        if folded is not None:
            folded_pattern = folded_pattern or _compile_folded(wanted)
            matches, distinct = _scan(folded_pattern.finditer(folded), len(wanted), width,
                                      str)
        else:
            pattern = pattern or _compile(wanted)
            matches, distinct = _scan(pattern.finditer(text), len(wanted), width, fold)
        if matches:
            found.append((-distinct, order, page, matches))
            if distinct == len(wanted):
                complete += 1
                if complete >= max_fragments:
                    # NB: no later page can rank above these (ties go by page order).
                    break
    found.sort(key=lambda item: item[:2])
    return tuple(_fragment(page, matches, width) for _, _, page, matches in
                 found[:max_fragments])


def _scan(iterator, wanted, width, key):
    """The matches a fragment may show, and the number of distinct words matched.

    NB: stops once every word was seen and the matches are past the widest fragment
    around the first one, so long pages are not scanned to the end for nothing.
    """
    matches, seen, limit = [], set(), None
    for match in iterator:
        if limit is None:
            limit = match.start() + width
        elif match.start() > limit:
            if len(seen) == wanted:
                break
            seen.add(key(match.group()))
            continue
        matches.append(match)
        seen.add(key(match.group()))
    return matches, len(seen)


def _fragment(page, matches, width):
    text = page["text"]
    first = matches[0].start()
    start = max(0, first - width // 3)
    end = min(len(text), start + width)
    # Keep whole words at both edges.
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", matches[0].end(), end)
        end = space if space != -1 else end
    spans = tuple((m.start() - start, m.end() - start) for m in matches
                  if m.start() >= start and m.end() <= end)
    return Highlight(page=page["page"], fragment=text[start:end], spans=spans)
