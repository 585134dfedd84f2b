"""The second engine for the header blanks (workers.ocr.digits), the loops that check its 6s,
8s and 9s (workers.ocr.glyphs) and how its reading and Tesseract's are combined
(workers.ocr.engine_vote.combine)."""
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from records.workers.ocr import blanks, digits, engine_vote, glyphs
from tests.unit.workers.drawn import H, TOP, crop as _crop, one, zero

pytestmark = pytest.mark.reading


def open_zero(x):
    """A handwritten 0 left open at the top, as both engines read a 6."""
    def draw(pen):
        pen.arc([x, TOP, x + 26, TOP + 45], start=-60, end=240, fill=0, width=5)
    return draw


def test_a_closed_zero_has_a_loop_and_an_open_one_none():
    closed, = glyphs.glyphs(_crop(zero(20)), H, TOP)
    opened, = glyphs.glyphs(_crop(open_zero(20)), H, TOP)
    assert glyphs.holes(closed) == 1 and glyphs.holes(opened) == 0


def test_a_six_read_from_a_glyph_without_a_loop_is_doubted():
    found = glyphs.glyphs(_crop(one(20), open_zero(60)), H, TOP)
    assert not glyphs.loops_checked("16", found)
    assert glyphs.loops_checked("10", found)          # a 0 may be written open
    looped = glyphs.glyphs(_crop(one(20), zero(60)), H, TOP)
    assert glyphs.loops_checked("16", looped)
    assert glyphs.loops_checked("106", looped)        # digits and glyphs differ: no check


def test_ctc_decoding_keeps_only_the_wanted_classes_and_collapses_repeats():
    # classes: 0 blank, 1 "7", 2 a letter, 3 "/"
    steps = np.array([[0.1, 0.8, 0.05, 0.05],   # 7
                      [0.1, 0.7, 0.1, 0.1],     # 7 again: one 7
                      [0.9, 0.05, 0.0, 0.05],   # blank
                      [0.1, 0.3, 0.6, 0.0],     # the letter wins, but is not wanted: 7
                      [0.2, 0.0, 0.0, 0.8]])    # /
    assert digits.decode(steps, {1: "7", 3: "/"}) == [("7", 0.8), ("7", 0.3), ("/", 0.8)]
    assert [ch for ch, _ in digits.decode(steps, {1: "7"})] == ["7", "7"]


def _printed(text):
    font = ImageFont.truetype("DejaVuSans.ttf", 40)
    image = Image.new("L", (40 + 30 * len(text), 64), 255)
    ImageDraw.Draw(image).text((12, 6), text, font=font, fill=0)
    return image


def test_the_recogniser_reads_digits_and_stops_at_the_slash():
    value, probability = digits.read_digits(_printed("2095"))
    assert value == "2095" and probability >= 0.8
    assert digits.read_digits(_printed("574/UB"), slash=True)[0] == "574"
    assert digits.read_digits(_printed("574"), slash=True) == ("", 0.0)   # no slash read


def _valid(value):
    return 1 <= int(value) <= 31


SURE = ("15", 0.99, True)


@pytest.mark.parametrize("first, second, found, expected", [
    # both agree, the second sure: trusted
    (("15", 0.4), SURE, 2, ("15", engine_vote.CONF_BOTH)),
    # both agree, the second unsure: trusted with a digit for each glyph ...
    (("15", 0.4), ("15", 0.5, False), 2, ("15", engine_vote.CONF_BOTH)),
    (("05", 0.4), ("5", 0.5, False), 1, ("5", engine_vote.CONF_BOTH)),
    # ... otherwise Tesseract's confidence stays
    (("15", 0.4), ("15", 0.5, False), 1, ("15", 0.4)),
    (("15", 0.4), ("15", 0.5, False), 3, ("15", 0.4)),
    # the second sure and Tesseract not: the second's value, nearly trusted
    (("07", 0.4), SURE, 2, ("15", engine_vote.CONF_SECOND)),
    # ... but not when it reads fewer digits than there are glyphs
    (("07", 0.4), ("5", 0.99, True), 2, ("5", engine_vote.CONF_SPLIT)),
    # the second sure against a confident Tesseract: Tesseract's value, doubted
    (("07", 0.9), SURE, 2, ("07", engine_vote.CONF_SPLIT)),
    # neither sure: the value with more digits (a day's leading 0 is none), doubted; the
    # second's on a tie
    (("06", 0.4), ("16", 0.45, False), 2, ("16", engine_vote.CONF_SPLIT)),
    (("04", 0.6), ("1", 0.6, False), 1, ("1", engine_vote.CONF_SPLIT)),
    (("23", 0.6), ("3", 0.6, False), 1, ("23", engine_vote.CONF_SPLIT)),
    # a confident Tesseract is kept against an unsure second; a noise reading is ignored
    (("01", 0.9), ("7", 0.52, False), 1, ("01", 0.9)),
    (("09", 0.4), ("1", 0.1, False), 1, ("09", 0.4)),
    # nothing valid at all: empty, no confidence
    (("", 0.0), ("45", 0.99, True), 2, ("", 0.0)),
])
def test_the_two_engines_readings_are_combined_by_agreement_and_plausibility(
        first, second, found, expected):
    glyph_list = glyphs.glyphs(_crop(*[zero(20 + 40 * i) for i in range(found)]), H, TOP)
    assert engine_vote.combine(first, second, glyph_list, _valid, blanks._same_day) == expected


def test_a_number_read_with_a_digit_more_wins_when_neither_engine_is_sure():
    three = glyphs.glyphs(_crop(zero(20), zero(60), zero(100)), H, TOP)
    number = blanks._valid_number
    assert engine_vote.combine(("3", 0.55), ("189", 0.51, False), three, number) == \
        ("189", engine_vote.CONF_SPLIT)
    assert engine_vote.combine(("04", 0.6), ("1", 0.6, False), three[:1], number) == \
        ("04", engine_vote.CONF_SPLIT)


def test_agreeing_engines_are_not_trusted_on_a_six_without_a_loop():
    found = glyphs.glyphs(_crop(one(20), open_zero(60)), H, TOP)
    assert engine_vote.combine(("26", 0.4), ("26", 0.99, True), found, _valid) == ("26", 0.4)
