"""The glyphs of a header blank's crop and what their shape says (workers.ocr.glyphs), and
how the blanks' readings use them (workers.ocr.blanks)."""
import pytest

from records.workers.ocr import blanks, glyphs
from records.workers.ocr.engine import OcrResult, Word
from tests.unit.workers.drawn import H, TOP, crop as _crop, four, one, zero

pytestmark = pytest.mark.reading


def test_the_crop_is_cut_into_digit_glyphs_without_dots_rules_or_the_printed_text_after():
    def leader(pen):  # the dotted leader under the blank, a rule over it
        for x in range(10, 200, 12):
            pen.ellipse([x, TOP + 47, x + 2, TOP + 49], fill=0)
        pen.line([(20, 10), (180, 10)], fill=0, width=3)

    def printed(pen):  # printed text far to the right: not digits of the blank
        pen.rectangle([240, TOP + 5, 270, TOP + 45], fill=0)
    found = glyphs.glyphs(_crop(leader, zero(20), one(60), printed), H, TOP)
    assert len(found) == 2
    assert 18 <= found[0].left <= 22 and 56 <= found[1].left <= 62
    assert all(g.height > 0.6 * H for g in found)   # no dot or rule joined to a digit


def test_a_four_has_a_crossbar_and_a_handwritten_one_has_not():
    g1, g4 = glyphs.glyphs(_crop(one(20), four(80)), H, TOP)
    assert not glyphs.has_crossbar(g1)
    assert glyphs.has_crossbar(g4)


def test_fours_without_a_crossbar_are_ones_when_digits_and_glyphs_match():
    found = glyphs.glyphs(_crop(one(20), one(60), one(100), four(140)), H, TOP)
    assert glyphs.ones_for_fours("1444", found) == ("1114", True)
    assert glyphs.ones_for_fours("444", found) == ("444", False)   # a digit missed: unsure
    assert glyphs.ones_for_fours("333", found) == ("333", True)


def test_a_reading_matches_only_a_digit_for_each_glyph_none_of_them_two_touching():
    found = glyphs.glyphs(_crop(zero(20), one(60)), H, TOP)
    assert glyphs.matches("01", found) and not glyphs.matches("1", found)
    wide = glyphs.glyphs(_crop(lambda pen: pen.rectangle([20, TOP, 100, TOP + 45], fill=0)),
                         H, TOP)
    assert not glyphs.matches("4", wide)


def test_glyphs_are_relaid_at_one_height_on_a_clean_line():
    found = glyphs.glyphs(_crop(zero(20), one(60)), H, TOP)
    line = glyphs.relaid(found, height=32)
    assert line.height == 32 + 2 * 16
    assert glyphs.relaid([]) is None


class _Engine:
    """Reads ``text`` from any image; records the images it was given."""
    name = "fake"

    def __init__(self, *texts):
        self.texts = list(texts)
        self.images = []

    def recognize(self, image, *, lang="eng", psm=7, charset=None):
        self.images.append(image)
        return OcrResult(image.width, image.height, [Word(self.texts.pop(0), 0, 0, 1, 1, 0.9)])


def test_the_first_reading_is_of_the_relaid_glyphs_with_a_flagged_one_put_right():
    crop = _crop(zero(20), one(60))
    found = glyphs.glyphs(crop, H, TOP)
    engine = _Engine("04", "04")
    assert blanks._read(engine, crop, 5, "", found) == ["01", "01"]
    assert engine.images[0].height == glyphs.RELAID_HEIGHT * 2   # the re-laid line


def test_an_agreed_value_is_trusted_when_its_four_is_a_four_not_when_glyphs_are_missing():
    crop = _crop(zero(20), four(60))
    found = glyphs.glyphs(crop, H, TOP)
    assert blanks._checked(("04", blanks.CONF_ALL_UNSURE), 1.2, found) == \
        ("04", blanks.CONF_CHECKED)
    three = glyphs.glyphs(_crop(zero(20), one(60), one(100)), H, TOP)
    assert blanks._checked(("01", blanks.CONF_CROPS), 1.2, three) == ("01", blanks.CONF_CROPS)


def test_an_upright_one_is_too_narrow_for_a_crossbar_however_its_rows_are_filled():
    (g,) = glyphs.glyphs(_crop(lambda pen: pen.rectangle([20, TOP, 36, TOP + 45], fill=0)),
                         H, TOP)
    assert not glyphs.has_crossbar(g)


def test_with_a_digit_for_each_glyph_large_handwriting_and_a_page_agreement_are_trusted():
    found = glyphs.glyphs(_crop(zero(20), four(60)), H, TOP)
    # ink over 2.5 line heights (large hand) no longer doubts a value its glyphs check
    assert blanks._checked(("04", blanks.CONF_CROPS), 2.5, found) == ("04", blanks.CONF_CHECKED)
    assert blanks._checked(("04", blanks.CONF_ONE), 1.2, found) == ("04", blanks.CONF_CHECKED)
    assert blanks._checked(("04", blanks.CONF_ONE), 1.2, []) == ("04", blanks.CONF_ONE)
