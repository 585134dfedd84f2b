"""Checks of the header's number and date against the rest of the page (workers.fields): the
motto never joins a symbol, a symbol cut short is doubted, a date after the page's own
signing or publishing stamp is doubted."""
import pytest

from records.workers import fields as F

pytestmark = pytest.mark.reading

HEAD = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH QUẢNG NGÃI
{number_line}
Quảng Ngãi, ngày {day} tháng 02 năm 2025
QUYẾT ĐỊNH
Về việc công bố danh mục thủ tục hành chính
"""


def _fields(number_line="Số: 51/QĐ-UBND Độc lập - Tự do - Hạnh phúc", day="05", above=""):
    text = above + HEAD.format(number_line=number_line, day=day)
    return F.extract_fields([{"number": 1, "source": "text-layer", "confidence": 1.0,
                              "text": text}])


@pytest.mark.parametrize("line", [
    "Số: 51/QĐ-UBNDĐộc lập - Tự do - Hạnh phúc",     # the motto read into the symbol's word
    "Số: 51/QĐ-UBND Độc lập - Tự do - Hạnh phúc",
    "Số: 51/QĐ-UBND Doc lap - Tu do - Hanh phuc",     # marks lost
])
def test_the_motto_never_joins_the_symbol(line):
    found = _fields(number_line=line)["number_symbol"]
    assert found["value"] == "51/QĐ-UBND" and found["confidence"] >= 0.8


@pytest.mark.parametrize("line", [
    "Số: 51/QĐ-\nĐộc lập - Tự do - Hạnh phúc",       # the body part lost, the motto after
    "Số: 51/QĐ-",
])
def test_a_symbol_cut_short_before_a_hyphen_is_doubted(line):
    found = _fields(number_line=line)["number_symbol"]
    assert found is None or found["confidence"] < 0.8
    assert found is None or "Độc" not in found["value"]


@pytest.mark.parametrize("stamp", [
    "Ký bởi: Ủy ban nhân dân tỉnh Quảng Ngãi\nThời gian ký: 07/02/2025 07:56:24\n",
    "SAO Y; Ủy ban nhân dân tỉnh Quảng Ngãi; Thời gian ký: 2025-02-07T16:28:34+07:00\n",
    "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC\n07.02.2025 08:51:04 +07:00\n",
])
def test_a_date_after_the_page_s_own_stamp_is_doubted(stamp):
    right = _fields(day="05", above=stamp)["issue_date"]
    assert right["value"] == "2025-02-05" and right["confidence"] >= 0.8
    signed_day = _fields(day="07", above=stamp)["issue_date"]
    assert signed_day["value"] == "2025-02-07" and signed_day["confidence"] >= 0.8
    misread = _fields(day="15", above=stamp)["issue_date"]   # a handwritten 05 read as 15
    assert misread["value"] == "2025-02-15" and misread["confidence"] < 0.8


def test_dates_cited_without_a_time_are_no_stamps():
    text = "theo Công văn số 287/STC ngày 23/01/2025 và Quyết định ngày 01.02.2025, lúc 8 giờ"
    assert F.stamped_dates(text) == []
    assert F.stamped_dates("Thời gian ký: 19.02.2025 07:55:13 +07:00") == ["2025-02-19"]
