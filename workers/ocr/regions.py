"""OCR of one region of a born-digital page: the number left blank at signing.

A born-digital document is often numbered after signing: the text layer reads
``Số:      /TB-UBND`` and the number is a stamp, a handwritten image or an annotation in the
gap. We render just the gap between ``Số:`` and ``/`` (taller than the line, since
handwriting overflows it), OCR it as one line and put the number into the page text. The
printed parts are left out of the crop: a handwritten digit touching the ``/`` made
Tesseract read ``914/`` as ``9147``.

NB: the short rule under the issuer's name runs just above the ``Số:`` line, and handwriting
that overflows upwards crosses it: Tesseract then reads the 6 whose top touches the rule as
0, loses a 9 or reads 3 as 2 (5 of 32 synthetic numbers). We take the page's vector rules
out of the crop (:func:`_erase_rules`) and vote over several crops and segmentation modes
(:data:`ATTEMPTS`): the number most attempts agree on wins.
"""
import re
from collections import defaultdict

import pymupdf
from PIL import ImageOps

from records.textnorm import strip_marks

from .. import fields
from .render import clip_image

_SO_WORD = re.compile(r"^S[oô0]\s*[:;.]?$")
# (widening to the right in line heights, dpi), tried in turn, read as one line (psm 7);
# voting stops once VOTES_TO_WIN attempts agree.
# NB: the last digit often touches or crosses the "/": reaching a little past it keeps the
# digit whole. Reaching further (0.3 line heights) brings the slash in, read as 7, 1 or 4;
# psm 8 and 13 (one word, raw line) read worse than 7 on every crop tried (exp. on the 32
# generated numbers, rules erased: 200 dpi 32/32, 300 dpi 31-32/32, 400 dpi 31/32; with
# the rule left in, 20-26/32).
ATTEMPTS = ((0.0, 200), (0.15, 300), (0.15, 200), (0.0, 300), (0.15, 400), (0.0, 400))
VOTES_TO_WIN = 2
# NB: for digits alone the English model reads handwriting better than the Vietnamese one
# (27 vs 20 of 32 synthetic handwritten numbers).
DIGITS_LANG = "eng"
_NUMBER_CHARSET = "0123456789"
MAX_DIGITS = 6
RULE_MIN_LENGTH = 20.0    # points: shorter strokes may be part of the handwriting
RULE_MAX_THICKNESS = 2.5  # points


def _number_gap(words):
    """The blank between ``Số:`` and the ``/SYMBOL`` after it (a page rectangle), or None."""
    for i, word in enumerate(words):
        if not _SO_WORD.match(strip_marks(word.text)):
            continue
        middle = word.top + word.height / 2
        row = [w for w in words[i + 1:i + 6]
               if abs(w.top + w.height / 2 - middle) < word.height * 0.6]
        end = next((w for w in row if w.text.lstrip("_.…").startswith("/")), None)
        if end is None:
            x1 = word.left + word.width + 120
        elif end.text.startswith("/"):
            x1 = end.left + 1
        else:  # "......./TB-UBND": the dots are part of the gap, the slash ends it
            share = (len(end.text) - len(end.text.lstrip("_.…"))) / max(1, len(end.text))
            x1 = end.left + share * end.width + 1
        return pymupdf.Rect(word.left + word.width + 1, word.top, x1, word.top + word.height)
    return None


def _rules(page, clip):
    """Thin horizontal vector lines crossing ``clip``: ``[(rect, rgb)]`` in page points."""
    found = []
    try:
        drawings = page.get_drawings()
    except Exception:  # an odd content stream: no rules rather than no number
        return found
    for drawing in drawings:
        rect = drawing.get("rect")
        # NB: a horizontal line's rect has no height, and an empty rect intersects nothing.
        if rect is None or rect.x1 < clip.x0 or rect.x0 > clip.x1 or \
                rect.y1 < clip.y0 - 1 or rect.y0 > clip.y1 + 1:
            continue
        width = drawing.get("width") or 1.0
        color = drawing.get("color") or drawing.get("fill") or (0, 0, 0)
        for item in drawing.get("items", ()):
            if item[0] == "l":
                p, q = item[1], item[2]
                if abs(p.y - q.y) < 0.5 and abs(p.x - q.x) >= RULE_MIN_LENGTH:
                    half = max(width, 0.5) / 2
                    found.append((pymupdf.Rect(min(p.x, q.x), p.y - half, max(p.x, q.x),
                                               p.y + half), color))
            elif item[0] == "re":
                r = pymupdf.Rect(item[1])
                if r.height <= RULE_MAX_THICKNESS and r.width >= RULE_MIN_LENGTH:
                    found.append((r, color))
    return found


def _erase_rules(image, clip, dpi, rules):
    """Whiten the pixels of ``rules`` in ``image`` (``clip`` rendered at ``dpi``, RGB) that
    have the rule's colour, then heal strokes the rule crossed: a pixel of the band becomes
    ink again when there is ink right above and right below it."""
    if not rules:
        return image
    scale = dpi / 72.0
    px = image.load()
    width, height = image.size
    for rect, color in rules:
        rgb = tuple(round(255 * c) for c in color[:3]) if len(color) >= 3 else (0, 0, 0)
        x0 = max(0, int((rect.x0 - clip.x0) * scale))
        x1 = min(width, int((rect.x1 - clip.x0) * scale) + 1)
        y0 = max(0, int((rect.y0 - clip.y0) * scale) - 2)
        y1 = min(height, int((rect.y1 - clip.y0) * scale) + 3)
        if x0 >= x1 or y0 >= y1:
            continue
        for y in range(y0, y1):
            for x in range(x0, x1):
                r, g, b = px[x, y]
                # anti-aliased rule pixels: between the rule's colour and the paper
                if max(abs(r - g), abs(g - b), abs(r - b)) <= 40 + max(
                        abs(rgb[0] - rgb[1]), abs(rgb[1] - rgb[2])) and \
                        min(r, g, b) <= 250:
                    px[x, y] = (255, 255, 255)
        reach = 3
        for x in range(x0, x1):
            above = y0 - 1
            below = y1
            if above < 0 or below >= height:
                continue
            ink_above = any(sum(px[x, yy]) < 384 for yy in range(max(0, above - reach), above + 1))
            ink_below = any(sum(px[x, yy]) < 384 for yy in range(below, min(height, below + reach)))
            if ink_above and ink_below:
                fill = px[x, below] if sum(px[x, below]) < 384 else px[x, above]
                for y in range(y0, y1):
                    if sum(px[x, y]) >= 384:
                        px[x, y] = fill
    return image


def _read_number(engine, image, psm, max_digits=MAX_DIGITS):
    """``(number, confidence)`` read from ``image``, or None when it is not a number."""
    result = engine.recognize(image, lang=DIGITS_LANG, psm=psm, charset=_NUMBER_CHARSET)
    raw = "".join(w.text for w in result.words)
    number = re.sub(r"[^0-9]", "", fields.digits(raw))
    if not 1 <= len(number) <= max_digits or int(number) == 0 or len(number) < 0.6 * len(raw):
        return None
    if len(number) > 2 and number.startswith("0"):
        return None  # "05" is written, "005" is not: a stroke read as 0
    confidence = (0.9 - 0.1 * fields.n_lookalikes(raw)) * max(0.3, result.confidence)
    return number, confidence


def _read_gap(page, words, gap, engine, *, max_digits=MAX_DIGITS, valid=None):
    """``(digits, confidence)`` written in ``gap`` (a page rectangle on one text line), by a
    vote over :data:`ATTEMPTS`; None when nothing readable (and ``valid``) is there."""
    # NB: handwriting overflows the line: widen the gap vertically, but stop at the print
    # of the lines above and below.
    top, bottom = gap.y0 - 0.8 * gap.height, gap.y1 + 0.8 * gap.height
    for w in words:
        if w.left < gap.x1 and w.left + w.width > gap.x0:
            if w.top + w.height <= gap.y0 + 1:
                top = max(top, w.top + w.height + 0.5)
            elif w.top >= gap.y1 - 1:
                bottom = min(bottom, w.top - 0.5)
    widest = pymupdf.Rect(gap.x0, top, gap.x1 + max(a[0] for a in ATTEMPTS) * gap.height,
                          bottom)
    rules = _rules(page, widest)
    votes = defaultdict(list)
    for extend, dpi in ATTEMPTS:
        clip = pymupdf.Rect(gap.x0, top, gap.x1 + extend * gap.height, bottom) & page.rect
        if clip.is_empty:
            continue
        # NB: luminance, not the red channel: numbering stamps are often red or purple.
        image = _erase_rules(clip_image(page, clip, dpi).convert("RGB"), clip, dpi, rules)
        image = ImageOps.expand(image.convert("L"), border=30, fill=255)
        found = _read_number(engine, image, 7, max_digits)
        if found is None or (valid and not valid(found[0])):
            continue
        votes[found[0]].append(found[1])
        if len(votes[found[0]]) >= VOTES_TO_WIN:
            break
    if not votes:
        return None
    number, confs = max(votes.items(), key=lambda kv: (len(kv[1]), sum(kv[1])))
    attempts = sum(len(c) for c in votes.values())
    # Agreement is the confidence: unanimous reads are trusted, a split vote is not.
    confidence = max(confs) * 0.5 + 0.5 * len(confs) / max(attempts, VOTES_TO_WIN)
    return number, round(min(confidence, 0.95), 3)


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
    found = _read_gap(page, words, gap, engine)
    if found is None:
        return text, None
    number, confidence = found
    filled = fields.fill_blank(text, fields.BLANK_NUMBER, number)
    return filled, confidence


_DAY_WORD = re.compile(r"^ngay[,.]?$", re.IGNORECASE)
_MONTH_WORD = re.compile(r"^thang[,.]?$", re.IGNORECASE)
_YEAR_WORD = re.compile(r"^nam[,.]?$", re.IGNORECASE)
def _word_gap(words, start, end):
    """The blank between a word matching ``start`` and the next word on its row matching
    ``end`` (dots and underscores in between count as blank), or None."""
    for i, word in enumerate(words):
        if not start.match(strip_marks(word.text)):
            continue
        middle = word.top + word.height / 2
        row = [w for w in words[i + 1:i + 4]
               if abs(w.top + w.height / 2 - middle) < word.height * 0.6]
        for w in row:
            if end.match(strip_marks(w.text)):
                return pymupdf.Rect(word.left + word.width + 1, word.top, w.left - 1,
                                    word.top + word.height)
            if w.text.strip("_.…"):
                break  # something is written there: not a blank
    return None


def fill_blank_date(page, words, text, engine):
    """``(text, confidence)`` with a day (and month) left blank in the place-and-date line
    (``ngày      tháng 02 năm 2026``) filled in from the handwriting in the gap.

    Returns ``(text, None)`` unchanged when no day or month is blank or none can be read.
    """
    if not fields.has_blank_date(text):
        return text, None
    confidences = []
    # NB: the year must follow a blank day (BLANK_DAY), or "Ngày tháng năm sinh:" (a label)
    # would take the day.
    for start, end, rx, top_value in ((_DAY_WORD, _MONTH_WORD, fields.BLANK_DAY, 31),
                                      (_MONTH_WORD, _YEAR_WORD, fields.BLANK_MONTH, 12)):
        if not rx.search(strip_marks(text)):
            continue
        gap = _word_gap(words, start, end)
        if gap is None or gap.width < 4:
            continue
        found = _read_gap(page, words, gap, engine, max_digits=2,
                          valid=lambda v, top_value=top_value: 1 <= int(v) <= top_value)
        if found is None:
            continue
        value, confidence = found
        value = value.zfill(2) if int(value) < 10 else value
        text = fields.fill_blank(text, rx, value)
        confidences.append(confidence)
    if not confidences:
        return text, None
    return text, min(confidences)
