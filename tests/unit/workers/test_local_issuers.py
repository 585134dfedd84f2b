"""A local body the vocabulary does not list (a district or city under a province) is read
as printed, not taken for the province nearest in spelling (workers.issuers)."""
import pytest

from records.workers import issuers

pytestmark = pytest.mark.reading


@pytest.mark.parametrize("lines, expected", [
    (["UBND THÀNH PHỐ HẠ LONG"], "Ủy ban nhân dân thành phố Hạ Long"),    # not Hải Phòng
    (["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẠ LONG"], "Ủy ban nhân dân thành phố Hạ Long"),
    (["UỶ BAN NHÂN DÂN HUYỆN ĐÔNG ANH"], "Ủy ban nhân dân huyện Đông Anh"),  # not Long An
])
def test_a_district_or_city_is_not_taken_for_a_province(lines, expected):
    found = issuers.match_header(lines)
    assert found.name == expected and found.parent is None
    assert found.confidence < 0.8       # not in the vocabulary: for the officer to check


@pytest.mark.parametrize("lines, expected, confident", [
    (["UBND TỈNH HÀ TĨNH"], "Ủy ban nhân dân tỉnh Hà Tĩnh", True),
    (["UBND TP HÀ NỘI"], "Ủy ban nhân dân thành phố Hà Nội", True),
    (["UỶ BAN NHÂN DÂN", "TỈNH QUẢNG NGAl"], "Ủy ban nhân dân tỉnh Quảng Ngãi", False),
    (["HĐND TỈNH HƯNG YÊN", "VĂN PHÒNG"], "Văn phòng Hội đồng nhân dân tỉnh Hưng Yên", True),
])
def test_provinces_are_still_found_as_printed_or_damaged(lines, expected, confident):
    found = issuers.match_header(lines)
    assert found.name == expected
    assert (found.confidence >= 0.8) is confident


def test_a_local_entry_fits_a_header_only_ending_in_its_territory():
    entry = ("uybannhandantinhlongan", "Ủy ban nhân dân tỉnh Long An", "tỉnh Long An")
    assert issuers._territory_fits("uybannhandantinhlongan", entry)
    assert issuers._territory_fits("uybannhandantlnhlongan", entry)       # "TlNH"
    assert not issuers._territory_fits("uybannhandanhuyendonganh", entry)  # another level
    assert not issuers._territory_fits("uybannhandantinhlamdong", entry)   # another name
    assert issuers._territory_fits("bolaodongthuongbinhvaxahoi", ("k", "Bộ", None))
