"""Judging a PDF page's text layer before trusting it, and reading it when it is good.

A text layer's presence says little: a scan may carry a garbage OCR layer without diacritics,
only the text of an e-signature overlay, or text drawn invisibly; an old born-digital PDF may
use a legacy Vietnamese font encoding (TCVN3/VNI) whose text is mojibake. So per page we
measure:

* how much of the page is one big image (a scan);
* the share of alphabetic characters that carry Vietnamese marks (a real Vietnamese page has
  15-25 %; a no-diacritics OCR layer has ~0);
* the share of words that are well-formed Vietnamese syllables or plain ASCII words
  (mojibake and OCR garbage are not);
* how much of the page the text spans (an e-signature stamp covers a small box);
* on a page that is not a scan, the share of invisible characters (what is seen is then not
  the text).

and decide ``"text-layer"`` or ``"ocr"``. Contract of :func:`judge`: returns a
:class:`Verdict`; it never raises for odd content.
"""
import re
import unicodedata
from dataclasses import dataclass

import pymupdf

from .engine import Word

# The words' flags plus the image blocks, so that one text page serves page_words and
# image_coverage.
TEXTPAGE_FLAGS = pymupdf.TEXTFLAGS_WORDS | pymupdf.TEXT_PRESERVE_IMAGES

# Letters that only Vietnamese (of the languages we meet) writes.
_VIET_MARKED = set("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ")
_SYLLABLE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdđghklmnpqrstvx])?"
    r"(uyê|uya|ươ|iê|yê|ua|ưa|ia|oa|oe|uy|[aăâeêioôơuưy]{1,3})"
    r"(ng|nh|ch|[cmnpt]|[iyou])?$")
_TONES = set("\u0300\u0301\u0303\u0309\u0323")


@dataclass
class Verdict:
    """``source`` is ``"text-layer"`` or ``"ocr"``; ``reason`` says why; ``confidence`` is
    how far the layer is trusted (0 when OCR is chosen)."""
    source: str
    reason: str
    confidence: float = 0.0


def _is_syllable(word):
    lower = word.lower()
    decomposed = unicodedata.normalize("NFD", lower)
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    # Remove tone marks only (keep ă â ê ô ơ ư đ, which shape the syllable).
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return bool(_SYLLABLE.match(base))


def layer_stats(text):
    """``(marked_ratio, wellformed_ratio, alpha_count)`` of a text layer."""
    alpha = [ch for ch in text.lower() if ch.isalpha()]
    marked = sum(ch in _VIET_MARKED for ch in alpha)
    words = re.findall(r"[^\W\d_]+", text)
    good = 0
    for word in words:
        # Upper-case abbreviations (UBND, QĐ) and plain ASCII words (English, codes) count
        # as well-formed; mojibake has letters outside both.
        if _is_syllable(word) or (word.isascii() and (word.isupper() or len(word) <= 12)):
            good += 1
    return (marked / len(alpha) if alpha else 0.0,
            good / len(words) if words else 0.0, len(alpha))


def textpage(page):
    """A text page of ``page`` for :func:`page_words`, :func:`image_coverage` and
    :func:`judge` together (made once: it is the costly part of reading a text layer)."""
    return page.get_textpage(flags=TEXTPAGE_FLAGS)


def image_coverage(page, textpage=None):
    """Share of the page area covered by images (overlaps counted once per image);
    ``textpage`` from :func:`textpage`, else one is made."""
    area = abs(page.rect) or 1.0
    covered = 0.0
    infos = page.get_image_info() if textpage is None else textpage.extractIMGINFO()
    for info in infos:
        bbox = page.rect & info["bbox"]
        if not bbox.is_empty:
            covered += abs(bbox)
    return min(1.0, covered / area)


def page_words(page, textpage=None):
    """The text layer's words as :class:`~workers.ocr.engine.Word` (points; conf 1);
    ``textpage`` from :func:`textpage`, else one is made."""
    words = []
    for x0, y0, x1, y1, text, block, line, _ in page.get_text("words", textpage=textpage):
        words.append(Word(text=text, left=x0, top=y0, width=x1 - x0, height=y1 - y0,
                          conf=1.0, block=block, par=0, line=line))
    return words


def _invisible_share(page):
    total = invisible = 0
    for span in page.get_texttrace():
        n = len(span["chars"])
        total += n
        if span["type"] == 3 or span["opacity"] == 0:
            invisible += n
    return invisible / total if total else 0.0


def judge(page, words=None, text=None, textpage=None):
    """Decide whether ``page``'s text layer can stand for the page (see module docstring);
    ``textpage`` from :func:`textpage` saves making it again."""
    words = page_words(page, textpage) if words is None else words
    if text is None:
        text = " ".join(w.text for w in words)
    if not words:
        return Verdict("ocr", "no text layer")
    marked, wellformed, n_alpha = layer_stats(text)
    coverage = image_coverage(page, textpage)
    height = page.rect.height or 1.0
    span = (max(w.top + w.height for w in words) - min(w.top for w in words)) / height
    if coverage >= 0.6:  # a scan: the image is the truth, the layer came from someone's OCR
        if n_alpha < 150 or span < 0.3:
            return Verdict("ocr", "scan whose text layer covers only a small part "
                                  "(a signature or stamp overlay)")
        if marked < 0.06:
            return Verdict("ocr", "scan whose text layer has no Vietnamese diacritics")
        if wellformed < 0.8:
            return Verdict("ocr", "scan whose text layer is mostly not words")
        return Verdict("text-layer", "scan with a good text layer",
                       round(min(0.97, wellformed), 3))
    if n_alpha and wellformed < 0.6:
        return Verdict("ocr", "text layer is not readable text (legacy font encoding?)")
    if n_alpha and _invisible_share(page) > 0.5:
        return Verdict("ocr", "text layer is invisible")
    if n_alpha == 0:
        return Verdict("ocr", "text layer has no letters")
    return Verdict("text-layer", "born-digital text", round(min(0.99, 0.5 + wellformed / 2), 3))
