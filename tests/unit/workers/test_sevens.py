"""A handwritten 7, crossed or not, read as 4 or 1 is put right by its top bar
(workers.ocr.glyphs.has_top_bar, applied by ones_for_fours)."""
import pytest

from records.workers.ocr import glyphs
from tests.unit.workers.drawn import H, TOP, crop as _crop, four, one, seven, tail, zero

pytestmark = pytest.mark.reading


def test_a_seven_has_a_top_bar_and_a_four_or_a_flagged_one_has_not():
    crossed, plain, a_four, a_one = (glyphs.glyphs(_crop(draw(20)), H, TOP)[0] for draw in (
        seven, lambda x: seven(x, crossed=False), four, one))
    assert glyphs.has_top_bar(crossed) and glyphs.has_top_bar(plain)
    assert not glyphs.has_top_bar(a_four) and not glyphs.has_top_bar(a_one)


@pytest.mark.parametrize("read, expected", [("544", "574"), ("514", "574"), ("574", "574")])
def test_a_crossed_seven_read_as_four_or_one_is_a_seven(read, expected):
    found = glyphs.glyphs(_crop(zero(20), seven(70), four(120)), H, TOP)
    assert len(found) == 3
    assert glyphs.ones_for_fours(read, found) == (expected, True)


def test_fours_and_ones_without_a_top_bar_stay_as_they_are():
    found = glyphs.glyphs(_crop(one(20), four(70)), H, TOP)
    assert glyphs.ones_for_fours("14", found) == ("14", True)
    assert glyphs.ones_for_fours("44", found) == ("14", True)


def test_a_stroke_run_on_past_the_digits_is_cut_off_the_glyph():
    # "17": the 7's cross drawn on two line heights to the right, into "tháng"
    found = glyphs.glyphs(_crop(one(20), seven(60), tail(80, 2 * H), width=400), H, TOP)
    assert len(found) == 2
    assert found[1].right < 60 + 45 and glyphs.matches("17", found)
    assert glyphs.ones_for_fours("14", found) == ("17", True)
    # a 7's own bar and cross are no tail
    plain = glyphs.glyphs(_crop(seven(60)), H, TOP)[0]
    assert plain.width >= 30
