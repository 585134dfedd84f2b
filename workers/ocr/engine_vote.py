"""The vote of the two engines on a header blank: Tesseract's reading and the second engine's.

:mod:`workers.ocr.blanks` finds the number and date blanks of a header, crops them and votes
between Tesseract's readings of the crop; the second engine (PP-OCR's recogniser,
:mod:`workers.ocr.digits`) reads the crop cut tight around its ink (:func:`second_reading`),
and :func:`combine` takes the two readings and the crop's glyphs (:mod:`workers.ocr.glyphs`)
to one value and how far it can be trusted.

Contract: :func:`second_reading` takes the tight crop and its glyphs and returns
``(value, probability, sure)`` (``("", 0.0, False)`` when the engine is unavailable);
:func:`combine` returns ``(value, confidence)``, ``""`` with 0.0 when nothing valid was read.
No page, box or OCR words here: those are the blanks'.
"""
from . import digits, glyphs

CONF_SPLIT = 0.4        # the readings disagree: a value for the officer to check
# NB: on the 98 blanks of ../shared/realdocs every reading of the second engine at 0.9 or
# more was right but one, a "20" with an open 0 read 26 by both engines (its 6 has no
# loop: glyphs.loops_checked); its readings under 0.3 were noise.
# NB: after the touching digits were cut apart (glyphs._split), the two engines agreed on 51
# of the 77 blanks found on the scans and images of ../shared/realdocs (bench_blanks), every
# one of them right; where neither was sure but they agreed on a digit for each glyph, of
# the shapes the glyphs bear out, the value had come back under 0.5 (a day "07" both read
# at 0.4): such agreement is trusted as much.
CONF_BOTH = 0.92        # both engines agree, the second sure or a digit for each glyph
CONF_SECOND = 0.85      # the second sure, Tesseract unsure
CONF_TRUSTED = 0.8      # a Tesseract vote at least this confident is kept
SECOND_SURE = 0.9
SECOND_SURE_BOTH = 0.75  # ... or at least this, on both the tight crop and the glyphs re-laid
SECOND_MIN = 0.3


def second_reading(tight, found, *, slash=False):
    """``(value, probability, sure)``: the second engine's reading of ``tight`` (a blank's
    crop cut to its ink, running past the slash when ``slash``), its handwritten 1s put
    right by the glyphs ``found`` (:func:`glyphs.ones_for_fours`); ``sure`` when its
    probability reaches SECOND_SURE, or when its reading of the glyphs re-laid agrees at
    SECOND_SURE_BOTH. No reading (``("", 0.0, False)``) when the engine is unavailable
    (:class:`digits.Unavailable`): :func:`combine` then keeps Tesseract's vote as it
    stands."""
    try:
        value, probability = digits.read_digits(tight, slash=slash)
        value = glyphs.ones_for_fours(value, found)[0] if found else value
        sure = probability >= SECOND_SURE
        if value and not sure and probability >= SECOND_SURE_BOTH and found:
            relaid, relaid_probability = digits.read_digits(glyphs.relaid(found))
            relaid = glyphs.ones_for_fours(relaid, found)[0]
            sure = relaid == value and relaid_probability >= SECOND_SURE_BOTH
    except digits.Unavailable:
        # NB: Tesseract's vote alone was what the blanks were read by before the second
        # engine came, and its confidences were set on the real documents for that.
        return "", 0.0, False
    return value, probability, sure


def _significant(value, same):
    """The digits that count: a day's leading 0 does not."""
    return len(value) if same is None else len(value.lstrip("0"))


def combine(first, second, found, valid, same=None):
    """``(value, confidence)`` of a blank from Tesseract's ``first`` (value, confidence)
    and the second engine's ``second`` (value, probability, sure; :func:`second_reading`),
    for the crop's glyphs ``found``; ``same`` compares two values (default: equal strings).

    - They agree and the second is sure and its value is one the glyphs bear out (a 6, 8
      or 9 with a loop, a 4 with a crossbar): CONF_BOTH; so too when neither is sure but
      the value has a digit for each glyph (none two digits wide or cut from another,
      :func:`glyphs.matches`; a day's leading 0 may be unwritten).
    - The second is sure, with at least a digit for each glyph, and Tesseract
      was not (under CONF_TRUSTED): the second's value, CONF_SECOND. Against a confident
      Tesseract: Tesseract's value, CONF_SPLIT.
    - Otherwise Tesseract's value as it was when it was confident or alone; when neither is
      sure, the value with more digits (a digit lost is the commonest miss of both
      engines; on a tie the second's), CONF_SPLIT.
    """
    equal = same or (lambda a, b: a == b)
    value, confidence = first
    value = value if value and valid(value) else ""
    other, probability, sure = second
    if not (other and valid(other) and probability >= SECOND_MIN):
        other, sure = "", False
    shaped = bool(other) and glyphs.loops_checked(other, found) and \
        glyphs.ones_for_fours(other, found)[1]
    if value and other and equal(value, other):
        if shaped and (sure or glyphs.matches_written(other, found)):
            return other, max(confidence, CONF_BOTH)
        return value, confidence
    # NB: more digits than glyphs are touching digits (134 as "1" and "34"); fewer, a digit
    # the reading lost.
    if other and sure and shaped and len(other) >= len(found):
        if confidence < CONF_TRUSTED:
            return other, CONF_SECOND
        return value, CONF_SPLIT
    if confidence >= CONF_TRUSTED or not other:
        return value, confidence if value else 0.0
    if not value:
        return other, CONF_SPLIT
    if _significant(value, same) > _significant(other, same):
        return value, min(confidence, CONF_SPLIT)
    return other, CONF_SPLIT
