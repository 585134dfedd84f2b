"""The one place for Vietnamese text normalisation.

Every input boundary (forms, API, OCR output, search queries) passes text through
:func:`nfc`; search keys use :func:`fold`, which strips diacritics (đ/Đ → d included) and
case, so that "nguyen van an" matches "Nguyễn Văn An".
"""
import functools
import re
import unicodedata

_SPACE = re.compile(r"\s+")
# NB: đ/Đ are letters of their own in Unicode, not d + a combining mark, so NFD does not
# decompose them; they need an explicit mapping.
_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def nfc(text):
    """Return ``text`` in NFC with surrounding white space removed; ``None`` stays ``None``."""
    if text is None:
        return None
    return unicodedata.normalize("NFC", str(text)).strip()


def clean(text):
    """NFC and collapse internal runs of white space to one space (names, titles)."""
    if text is None:
        return None
    return _SPACE.sub(" ", nfc(text))


def strip_marks(text):
    """Remove diacritics but keep case: "Nguyễn Đức" → "Nguyen Duc"."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", stripped)


def fold(text):
    """The search key form: no diacritics, lower case, single spaces.

    The same as ``" ".join(strip_marks(nfc(text)).casefold().split())``, faster (see
    :func:`fold_tokens`)."""
    if not text:
        return ""
    return " ".join(fold_tokens(text).split())


#: After NFD, anything but ASCII and the combining diacritical marks needs the full fold.
_NEEDS_FULL_FOLD = re.compile("[^\x00-\x7f\u0300-\u036f]")


def fold_tokens(text):
    """:func:`fold` without collapsing white space: the same words for a tokenizer that
    splits at white space, for less work on a page (only for text that is indexed, never
    for text that is compared or shown).

    NB: indexing folds every page of every document, and this was the largest cost on the
    Python side of bulk indexing. After đ → d and NFD, a Vietnamese text is ASCII plus
    combining marks (U+0300-U+036F, all of them removed by the fold); dropping the
    non-ASCII code points then lower-casing is the same fold for such a text. Anything else
    (other scripts, ð, non-breaking spaces) takes the generic path.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    if _NEEDS_FULL_FOLD.search(decomposed):
        return " ".join(_strip_marks_fast(unicodedata.normalize("NFC", text)).casefold().split())
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


# The combining marks Vietnamese letters decompose into: five tones, circumflex, breve, horn.
_VIETNAMESE_MARKS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306",
                     "\u031b")


def _strip_marks_fast(text):
    """:func:`strip_marks` with the same result, several times faster on Vietnamese text.

    NB: search indexing folds every page of OCR text; the generic per-character loop
    is only needed when something other than ASCII is left after removing the
    Vietnamese marks (other scripts, rarer marks).
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    for mark in _VIETNAMESE_MARKS:
        decomposed = decomposed.replace(mark, "")
    if decomposed.isascii():
        return decomposed
    return strip_marks(unicodedata.normalize("NFC", decomposed))


def symbol_key(text):
    """The key a document number and symbol or a code is matched by, e.g. "15/qd-ubnd".

    :func:`fold` with all white space removed, so "15/QĐ-UBND", "15/qđ-ubnd" and
    "15 / QĐ - UBND" share one key.
    """
    return "".join(fold(text).split())


_WORD = re.compile(r"[^\W_]+")


def words(text):
    """The words of ``text`` (runs of letters and digits), as search tokenizers see them."""
    if not text:
        return []
    return _WORD.findall(text)


def lower(text):
    """Lower case with diacritics kept (the exact-match key)."""
    if not text:
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


@functools.lru_cache(maxsize=4096)
def _shadow_char(ch):
    base = strip_marks(ch)
    return base if len(base) == 1 else ch


def shadow(text):
    """``text`` without diacritics, character for character, case kept: same length, so an
    index found in the shadow is valid in ``text`` (matchers search the shadow of OCR text
    and take values back from the original)."""
    return "".join(_shadow_char(ch) for ch in text)
