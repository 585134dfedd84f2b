"""Handwritten digits touching each other are cut apart (workers.ocr.glyphs._split), and a
number read in one word with its printed symbol is cut off before it
(workers.ocr.blanks._unglued)."""
import pytest
from records.workers.ocr import blanks, glyphs
from tests.unit.workers.drawn import H, TOP, crop as _crop, four, seven, zero

pytestmark = pytest.mark.reading


def five(x, flag=26):
    """A handwritten 5: a flag ``flag`` pixels long at the top, a short stem, a belly."""
    def draw(pen):
        pen.line([(x + 4, TOP + 2), (x + flag, TOP + 2)], fill=0, width=5)
        pen.line([(x + 4, TOP + 2), (x + 2, TOP + 20)], fill=0, width=5)
        pen.arc([x - 2, TOP + 14, x + 26, TOP + 45], start=-100, end=150, fill=0, width=5)
    return draw


def test_a_five_whose_flag_runs_into_a_seven_is_cut_from_it_and_the_crossed_seven_is_read():
    # "575", the first 5's flag drawn on into the 7's bar
    found = glyphs.glyphs(_crop(five(20, flag=36), seven(56), five(100)), H, TOP)
    assert len(found) == 3 and found[0].touching and found[1].touching
    assert not found[2].touching
    assert glyphs.ones_for_fours("515", found) == ("575", True)
    # cut glyphs say where the digits are, not that the reading is to be believed
    assert not glyphs.matches("575", found)


def test_digits_apart_are_not_cut():
    found = glyphs.glyphs(_crop(zero(20), seven(70), four(120)), H, TOP)
    assert [g.touching for g in found] == [False, False, False]
    assert glyphs.matches("074", found)


def test_a_four_cut_from_the_zero_its_crossbar_ran_into_stays_a_doubted_four():
    # "04": the 4's crossbar drawn on into the 0
    def bar(pen):
        pen.line([(30, TOP + 28), (64, TOP + 28)], fill=0, width=5)
    found = glyphs.glyphs(_crop(zero(20), four(44), bar), H, TOP)
    assert len(found) == 2 and all(g.touching for g in found)
    # the cut took the 4's bar: it is not read as a handwritten 1, and not vouched for
    assert glyphs.ones_for_fours("04", found) == ("04", False)


def test_a_wide_glyph_with_no_thin_joint_is_one_glyph():
    def blot(pen):
        pen.rectangle([20, TOP, 90, TOP + 45], fill=0)
    found = glyphs.glyphs(_crop(blot), H, TOP)
    assert len(found) == 1 and not found[0].touching


def _printed(x, count):
    """``count`` printed capitals after a slash, smaller than the handwriting."""
    def draw(pen):
        pen.line([(x + 12, TOP + 12), (x, TOP + 45)], fill=0, width=3)   # the slash
        for i in range(count):
            left = x + 16 + 20 * i
            pen.rectangle([left, TOP + 12, left + 12, TOP + 45], outline=0, width=3)
    return draw


def _on_page(*draws, width=400):
    """A page strip whose blank crop (blanks._crop) puts the line at crop row
    border + CROP_UP * H, as the real crop does."""
    page = _crop(*draws, width=width)
    y0 = TOP
    return page, (0, y0, width, y0 + H, H, "574", blanks.GLUED)


def test_a_handwritten_number_glued_to_its_printed_symbol_ends_before_the_slash():
    page, box = _on_page(five(20), seven(56), four(96), _printed(140, 5))
    unglued = blanks._unglued(box, blanks._crop(page, box, pad=0.0))
    assert unglued[6] == ""
    assert 96 + 30 <= unglued[2] <= 140 + 2
    assert unglued[:2] == box[:2] and unglued[3:6] == box[3:6]


def test_a_typed_number_glued_to_its_symbol_stays_glued():
    def typed(pen):
        for i in range(3):      # "280" as printed digits, the symbol's height
            pen.rectangle([20 + 20 * i, TOP + 12, 32 + 20 * i, TOP + 45], outline=0, width=3)
    page, box = _on_page(typed, _printed(84, 5))
    assert blanks._unglued(box, blanks._crop(page, box, pad=0.0)) == box


def test_a_four_read_on_a_glyph_two_digits_wide_is_not_taken_for_a_one():
    # "04" in one stroke: the 4's slant drawn down the 0's side, read "4" by an engine
    def joined(pen):
        pen.ellipse([20, TOP, 50, TOP + 45], outline=0, width=8)
        pen.line([(50, TOP), (36, TOP + 30)], fill=0, width=8)
        pen.line([(36, TOP + 30), (80, TOP + 30)], fill=0, width=12)
        pen.line([(68, TOP + 8), (68, TOP + 45)], fill=0, width=5)
    found = glyphs.glyphs(_crop(joined), H, TOP)
    assert len(found) == 1 and found[0].width > glyphs.MAX_ASPECT * found[0].height
    assert glyphs.ones_for_fours("4", found) == ("4", False)
