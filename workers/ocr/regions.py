"""OCR of one region of a born-digital page: the number left blank at signing.

A born-digital document is often numbered after signing: the text layer reads
``Số:      /TB-UBND`` and the number is a stamp, a handwritten image or an annotation in the
gap. We render just the gap between ``Số:`` and ``/`` (taller than the line, since
handwriting overflows it), OCR it as one line and put the number into the page text. The
printed parts are left out of the crop: a handwritten digit touching the ``/`` made
Tesseract read ``914/`` as ``9147``.
"""
import re

import pymupdf
from PIL import ImageOps

from records.textnorm import strip_marks

from .. import fields
from .render import clip_image

_SO_WORD = re.compile(r"^S[oô0]\s*[:;.]?$")
_BLANK = re.compile(r"(S[oố0ô]\s*[:;.]?)[ \t_.…]*(/)")
# (widening to the right in line heights, dpi) tried in turn until one reads confidently.
# NB: the last digit often touches or crosses the "/": reaching a little past it keeps the
# digit whole; the plain crop is the fallback when the slash got read as a digit.
ATTEMPTS = ((0.15, 400), (0.0, 300), (0.3, 400))
GOOD_ENOUGH = 0.8
# NB: for digits alone the English model reads handwriting better than the Vietnamese one
# (27 vs 20 of 32 synthetic handwritten numbers).
DIGITS_LANG = "eng"
_NUMBER_CHARSET = "0123456789"


def _number_gap(words):
    """The blank between ``Số:`` and the ``/SYMBOL`` after it (a page rectangle), or None."""
    for i, word in enumerate(words):
        if not _SO_WORD.match(strip_marks(word.text)):
            continue
        middle = word.top + word.height / 2
        row = [w for w in words[i + 1:i + 6]
               if abs(w.top + w.height / 2 - middle) < word.height * 0.6]
        end = next((w for w in row if w.text.lstrip().startswith("/")), None)
        x1 = end.left + 1 if end else word.left + word.width + 120
        return pymupdf.Rect(word.left + word.width + 1, word.top, x1, word.top + word.height)
    return None


def fill_blank_number(page, words, text, engine):
    """``(text, confidence)`` with the blank number filled in from the rendered page.

    Returns ``(text, None)`` unchanged when there is no blank number or nothing readable is
    in the gap.
    """
    if not fields.has_blank_number(text):
        return text, None
    gap = _number_gap(words)
    if gap is None or gap.width < 4:
        return text, None
    # NB: handwriting overflows the line: widen the gap vertically, but stop at the print
    # of the lines above and below.
    top, bottom = gap.y0 - 0.8 * gap.height, gap.y1 + 0.8 * gap.height
    for w in words:
        if w.left < gap.x1 and w.left + w.width > gap.x0:
            if w.top + w.height <= gap.y0 + 1:
                top = max(top, w.top + w.height + 0.5)
            elif w.top >= gap.y1 - 1:
                bottom = min(bottom, w.top - 0.5)
    best = None
    for extend, dpi in ATTEMPTS:
        clip = pymupdf.Rect(gap.x0, top, gap.x1 + extend * gap.height, bottom) & page.rect
        # NB: luminance, not the red channel: numbering stamps are often red or purple.
        image = ImageOps.expand(clip_image(page, clip, dpi).convert("L"), border=30, fill=255)
        result = engine.recognize(image, lang=DIGITS_LANG, psm=7, charset=_NUMBER_CHARSET)
        raw = "".join(w.text for w in result.words)
        number = re.sub(r"[^0-9]", "", fields.digits(raw))
        if not 1 <= len(number) <= 6 or int(number) == 0 or len(number) < 0.6 * len(raw):
            continue
        confidence = (0.9 - 0.1 * fields.n_lookalikes(raw)) * max(0.3, result.confidence)
        if best is None or confidence > best[1]:
            best = (number, confidence)
        if confidence >= GOOD_ENOUGH:
            break
    if best is None:
        return text, None
    number, confidence = best
    filled = _BLANK.sub(lambda m: f"{m.group(1)} {number}{m.group(2)}", text, count=1)
    return filled, round(confidence, 3)
