import pytest

from records.search.highlight import highlights, query_words
from records.search.interfaces import Highlight
from records.search.query import parse_text

pytestmark = pytest.mark.search

PAGES = [{"page": 1, "text": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
         {"page": 2, "text": "Cấp cho ông NGUYỄN VĂN AN, sinh năm 1980"},
         {"page": 5, "text": "Ông Nguyễn Văn Ấn, Đặng Đức Thắng; annex: vanilla"}]


def test_query_words_are_folded():
    assert query_words(parse_text('Nguyễn "Đức Thắng" 15/QĐ-UBND')) == {
        "nguyen", "duc", "thang", "15", "qd", "ubnd"}


def test_matches_every_diacritic_and_case_variant_with_its_page():
    found = highlights(PAGES, parse_text("nguyen van an"))
    assert [h.page for h in found] == [2, 5]
    assert found[0].marked() == ("Cấp cho ông <mark>NGUYỄN</mark> <mark>VĂN</mark> "
                                 "<mark>AN</mark>, sinh năm 1980")
    assert "<mark>Ấn</mark>" in found[1].marked()
    assert "vanilla" in found[1].fragment and "<mark>van" not in found[1].marked()


def test_pages_with_more_distinct_words_come_first():
    found = highlights(PAGES, parse_text("dang duc nguyen"))
    assert [h.page for h in found] == [5, 2]


def test_no_match_no_highlight():
    assert highlights(PAGES, parse_text("xyzzy")) == ()
    assert highlights(PAGES, parse_text("")) == ()
    assert highlights([], parse_text("an")) == ()


def test_long_pages_give_a_window_around_the_first_match():
    text = "mở đầu " * 200 + "Quyết định số 15/QĐ-UBND " + "kết thúc " * 200
    (found,) = highlights([{"page": 3, "text": text}], parse_text("15/qd-ubnd"), width=120)
    assert len(found.fragment) <= 120
    assert "<mark>15</mark>/<mark>QĐ</mark>-<mark>UBND</mark>" in found.marked()


def test_marked_escapes_html():
    assert Highlight(1, "<b>An</b>", ((3, 5),)).marked() == "&lt;b&gt;<mark>An</mark>&lt;/b&gt;"


def test_other_scripts_and_undecomposable_letters_take_the_general_path():
    pages = [{"page": 1, "text": "Tên: ŁUKASZ Nguyễn 北京 an"},
             {"page": 2, "text": "q\u0301 Nguyen an"}]
    found = highlights(pages, parse_text("nguyen an"))
    assert [h.page for h in found] == [1, 2]
    assert found[0].marked() == "Tên: ŁUKASZ <mark>Nguyễn</mark> 北京 <mark>an</mark>"
    assert found[1].marked() == "q\u0301 <mark>Nguyen</mark> <mark>an</mark>"


def test_scanning_stops_early_but_picks_the_same_pages():
    filler = " ".join(["chữ"] * 200)
    pages = [{"page": n, "text": f"{filler} Nguyễn Văn An {filler} nguyen"} for n in
             range(1, 8)]
    pages.insert(0, {"page": 0, "text": "chỉ có an"})
    found = highlights(pages, parse_text("nguyen van an"))
    assert [h.page for h in found] == [1, 2, 3]
    assert all(len(h.spans) == 3 for h in found)
