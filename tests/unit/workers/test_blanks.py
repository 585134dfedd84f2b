"""The header blanks' boxes and the doubt of what was read in them (workers.ocr.blanks)."""
import pytest
from PIL import Image

from records.workers.ocr import blanks
from records.workers.ocr.engine import Word
from tests.unit.workers.drawn import H, TOP, crop as drawn, one, seven

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


def _date_line(*words):
    return [Word("Quảng", 1196, 406, 160, 56, 0.9), Word("Ngãi,", 1365, 407, 130, 54, 0.9),
            *words, Word("năm", 1964, 407, 98, 41, 0.9), Word("2024", 2081, 407, 117, 42, 0.9)]


def test_the_day_blank_starts_where_a_word_swallowed_by_the_box_of_ngay_starts():
    words = _date_line(Word("ngày", 1511, 404, 193, 57, 0.9), Word("Ô@", 1647, 394, 52, 76, 0.3),
                       Word("tháng", 1742, 405, 135, 56, 0.9), Word("11", 1895, 407, 40, 41, 0.9))
    day = blanks.date_blanks(words, 2480, 3508)["day"]
    assert day[0] == 1647 and day[2] == 1742


def test_a_day_read_into_the_word_of_ngay_and_thang_is_a_blank_of_its_own():
    words = _date_line(Word("ngày4†tháng", 1554, 406, 330, 56, 0.5),
                       Word("01", 1893, 408, 40, 41, 0.9))
    found = blanks.date_blanks(words, 2480, 3508)
    x0, _, x1, _, _, read, _ = found["day"]
    assert read == "4†" and 1554 + 4 * 30 <= x0 < x1 <= 1554 + 6 * 30
    assert found["month"][5] == "01"


def test_a_slash_read_as_a_semicolon_still_ends_the_number_blank():
    words = [Word("Số:", 345, 340, 60, 50, 0.9), Word("đề", 498, 348, 50, 45, 0.3),
             Word(";CT-UBND", 574, 347, 200, 40, 0.9)]
    x0, _, x1, _, _, read, glued = blanks.number_blank(words, 2480, 3508)
    assert read == "đề" and not glued and x0 == 405 and x1 == 574
    text, _ = blanks.reread(Image.new("L", (10, 10), 255), [], "Số: đề ;CT-UBND", _NoEngine())
    assert text == "Số: đề ;CT-UBND"   # nothing read, nothing put in
    assert blanks._SO_LINE.sub("Số: 08/", "Số: đề ;CT-UBND") == "Số: 08/CT-UBND"


class _NoEngine:
    name = "none"

    def recognize(self, image, **kwargs):
        raise AssertionError("no blank to read")


def test_a_day_whose_last_digit_runs_past_the_blank_is_seen_to():
    # "17", the 7's bar running on into "tháng": the blank's crop is cut through the 7
    box = (0, TOP, 100, TOP + H, H, "", "")
    cut = blanks._crop(drawn(one(20), seven(70), width=140), box)
    assert blanks._runs_past(cut, box, blanks._glyphs_of(cut, box))
    whole = blanks._crop(drawn(one(20), seven(55), width=140), box)
    assert not blanks._runs_past(whole, box, blanks._glyphs_of(whole, box))


def _glued_day_line():
    """"ngày 20tháng 02": a 36 px line; the day's ink at x 1060-1098, a clear gap, then
    "tháng"'s at 1102-1184; "20tháng" is one word, so the day blank ends by its characters'
    share (2 of 7) at 1091, inside the 0."""
    image = Image.new("L", (1400, 400), 255)
    for x0, x1 in ((975, 1045), (1060, 1098), (1102, 1184), (1200, 1240)):
        image.paste(0, (x0, 285, x1, 312))
    words = [Word("Tum,", 880, 279, 70, 36, 0.9), Word("ngày", 972, 279, 75, 36, 0.93),
             Word("20tháng", 1054, 279, 130, 36, 0.23), Word("02", 1195, 279, 48, 36, 0.9)]
    return image, words


def test_a_day_glued_to_thang_ends_at_the_gap_after_its_ink():
    image, words = _glued_day_line()
    box = blanks.date_blanks(words + [Word("năm", 1260, 280, 64, 27, 0.96)], 1400, 2000)["day"]
    assert int(box[2]) == 1091                       # inside the 0: the crop would cut it
    assert blanks._to_gap(image, box, words)[2] == 1098   # the first clear column


def test_a_blank_ending_in_a_gap_or_between_words_keeps_its_end():
    image, words = _glued_day_line()
    box = (1047, 279, 1099.0, 315, 36, "", "")       # already in the gap
    assert blanks._to_gap(image, box, words) == box
    between = (1047, 279, 1050.0, 315, 36, "", "")   # between "ngày" and "20tháng"
    assert blanks._to_gap(image, between, words) == between


def _glued_start_line():
    """"ngày05 tháng 02": the day's ink at x 1060-1098 glued to "ngày" (975-1058, a
    clear column at 1059); "ngày05" is one word, so the day blank may start inside the 0."""
    image = Image.new("L", (1400, 400), 255)
    for x0, x1 in ((975, 1059), (1060, 1098), (1110, 1184), (1200, 1240)):
        image.paste(0, (x0, 285, x1, 312))
    image.paste(255, (1059, 285, 1060, 312))
    words = [Word("Tum,", 880, 279, 70, 36, 0.9), Word("ngày05", 972, 279, 126, 36, 0.3),
             Word("tháng", 1110, 279, 74, 36, 0.9), Word("02", 1195, 279, 48, 36, 0.9)]
    return image, words


def test_a_day_glued_to_ngay_starts_at_the_gap_before_its_ink():
    image, words = _glued_start_line()
    inside = (1075, 279, 1108.0, 315, 36, "", "")   # 15 px into the 0
    assert blanks._to_gap(image, inside, words)[0] == 1059


def test_a_start_at_the_edge_of_the_ink_is_left_where_it_is():
    image, words = _glued_start_line()
    edge = (1061, 279, 1108.0, 315, 36, "", "")     # 2 px into the ink: under START_CUT
    assert blanks._to_gap(image, edge, words) == edge


def test_a_number_read_with_its_misread_slash_and_symbol_in_the_word_of_so_is_glued():
    # "Số:2#KH-VP": the handwritten 288, its slash read as "#"
    words = [Word("Số:2#KH-VP", 585, 422, 354, 77, 0.0)]
    x0, _, x1, _, h, read, glued = blanks.number_blank(words, 2483, 3586)
    assert read == "2" and glued == blanks.GLUED
    assert 585 < x0 <= 585 + blanks.PREFIX_WIDTH * h and x1 == 585 + 354
    # a symbol right after "Số:" is no number at all
    assert blanks.number_blank([Word("Số:QĐ-UBND", 585, 422, 354, 77, 0.5)], 2483, 3586) is None


@pytest.mark.parametrize("read, clear", [
    ("02", True), ("1O", True), ("12", True),
    ("1Ú", False),      # a 10 with its 0 damaged: re-read from the crop
    ("0ÿ,", False), ("", False), ("13", False),
])
def test_a_month_is_left_as_typed_only_when_every_character_is_a_digit(read, clear):
    assert blanks._typed_clearly(read, blanks._valid_range(12)) is clear
