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

