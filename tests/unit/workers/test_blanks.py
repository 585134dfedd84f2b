"""The header blanks' boxes and the doubt of what was read in them (workers.ocr.blanks)."""
import pytest

from records.workers.ocr import blanks
from records.workers.ocr.engine import Word

pytestmark = pytest.mark.reading


def test_a_number_glued_to_its_so_starts_the_blank_inside_the_word():
    words = [Word("Số:324", 261, 269, 120, 39, 0.75), Word("/QĐ-UBND", 428, 277, 190, 36, 0.75)]
    x0, _, x1, _, h, read, glued = blanks.number_blank(words, 1700, 2400)
    assert read == "324" and not glued
    assert 261 + 0.9 * h <= x0 <= 261 + 1.3 * h and x1 == 428.0


@pytest.mark.parametrize("found, ink, expected", [
    (("280", blanks.CONF_CROPS), 2.0, blanks.CONF_CHECKED),       # crops agree, ink fits
    (("106", blanks.CONF_ALL_UNSURE), 2.2, blanks.CONF_CHECKED),
    (("04", blanks.CONF_ALL_UNSURE), 1.2, blanks.CONF_ALL_UNSURE),  # a 4: a handwritten 1?
    (("3", blanks.CONF_CROPS), 1.7, blanks.CONF_CROPS),            # ink for more digits
    (("88", blanks.CONF_ONE), 1.3, blanks.CONF_ONE),               # one crop only
    (("999", blanks.CONF_ALL), 2.0, blanks.CONF_ALL),
])
def test_agreeing_readings_are_trusted_unless_the_value_is_doubtful(found, ink, expected):
    assert blanks._checked(found, ink) == (found[0], expected)
