"""Reading order of OCR words (workers.ocr.layout)."""
import pytest

from records.workers.ocr import layout
from records.workers.ocr.engine import Word

pytestmark = pytest.mark.reading

PAGE_WIDTH = 2400


def _line(texts, top, line, left=300, height=50, block=1):
    words, x = [], left
    for text in texts.split():
        words.append(Word(text=text, left=x, top=top, width=25 * len(text), height=height,
                          conf=0.9, block=block, line=line))
        x += 25 * len(text) + 20
    return words


def test_a_stamp_blot_over_the_first_lines_does_not_merge_them():
    # Three body lines (70 px apart); a stamp at the left margin read as "TC" two lines tall
    # and "ĐẾN", both taller than a line and overlapping the lines beside them.
    body = (_line("Thời gian qua các cấp các ngành đã có nhiều cố gắng", 700, 1)
            + _line("đạo điều hành quản lý nhà nước về cải cách thủ tục", 770, 2)
            + _line("đối với các dự án đầu tư bằng nguồn vốn ngoài ngân sách", 840, 3)
            + _line("chuyển biến tích cực trong việc cải thiện môi trường", 910, 4))
    stamp = [Word(text="TC", left=0, top=650, width=70, height=150, conf=0.1, block=2, line=1),
             Word(text="ĐẾN", left=0, top=760, width=105, height=125, conf=0.8, block=2,
                  line=2)]
    lines = layout.order_text(body + stamp, PAGE_WIDTH).splitlines()
    assert [line.split()[-1] for line in lines] == ["gắng", "tục", "sách", "trường"]
    assert lines[0].startswith("TC Thời") and lines[1].startswith("ĐẾN đạo")


def test_a_word_written_into_a_lines_gap_is_read_in_it():
    # "Số:     /TB-UBND" and "ngày    tháng 11 năm 2024", the number and day stamped into
    # the blanks at signing as words of their own block, written after the whole page.
    def widened(words, after, by):
        return words[:after] + [Word(text=w.text, left=w.left + by, top=w.top, width=w.width,
                                     height=w.height, conf=w.conf, block=w.block, line=w.line)
                                for w in words[after:]]
    number = widened(_line("Số: /TB-UBND", 300, 1, left=100), 1, 100)
    date = widened(_line("Quảng Ngãi, ngày tháng 11 năm 2024", 300, 2, left=1300), 3, 80)
    stamped = [Word(text="542", left=number[0].left + number[0].width + 30, top=298, width=60,
                    height=46, conf=0.99, block=9, line=1),
               Word(text="06", left=date[2].left + date[2].width + 30, top=302, width=40,
                    height=46, conf=0.99, block=9, line=2)]
    lines = layout.order_text(number + date + stamped, PAGE_WIDTH).splitlines()
    assert lines == ["Số: 542 /TB-UBND", "Quảng Ngãi, ngày 06 tháng 11 năm 2024"]


def test_a_word_beside_a_line_stays_beside_it():
    line = _line("Số: 12/TB-UBND", 300, 1, left=100)
    after = Word(text="542", left=line[-1].left + line[-1].width + 5, top=300, width=60,
                 height=50, conf=0.99, block=9, line=1)
    assert layout.order_text(line + [after], PAGE_WIDTH) == "Số: 12/TB-UBND 542"


def test_words_stamped_into_gaps_inside_gaps_are_read_in_order():
    # "Số:" and "/TB-UBND" with a blank between them; a block "5  2" written into it, and
    # a "4" into that block's own gap.
    def word(text, left, block):
        return Word(text=text, left=left, top=300, width=25 * len(text), height=50, conf=0.9,
                    block=block, line=1)
    host = [word("Số:", 100, 1), word("/TB-UBND", 295, 1)]
    inner = [word("5", 180, 2), word("2", 260, 2)]
    stamped = [word("4", 220, 3)]
    assert layout.order_text(stamped + host + inner, PAGE_WIDTH) == "Số: 5 4 2 /TB-UBND"
