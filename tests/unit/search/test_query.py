import pytest

from records.search.query import MAX_WINDOW, ParsedText, Query, parse_text

pytestmark = pytest.mark.search


@pytest.mark.parametrize("text, expected", [
    ("nguyen van an", ParsedText(terms=("nguyen", "van", "an"))),
    ("so 15/QĐ-UBND", ParsedText(symbols=("15/QĐ-UBND",))),
    ("Số: 15/QĐ-UBND,", ParsedText(symbols=("15/QĐ-UBND",))),
    ("ký hiệu 01/2023/TT-VPCP", ParsedText(symbols=("01/2023/TT-VPCP",))),
    ("000.00.01.H26-251120-0007", ParsedText(symbols=("000.00.01.H26-251120-0007",))),
    ('"giấy chứng nhận" Hà Nội', ParsedText(terms=("Hà", "Nội"), phrases=("giấy chứng nhận",))),
    ("so nha 15", ParsedText(terms=("so", "nha", "15"))),  # no symbol: "so" is a word
    ("000.00.01", ParsedText(terms=("000.00.01",))),
    ("an an -- ...", ParsedText(terms=("an",))),
    ('"unclosed phrase', ParsedText(terms=("unclosed", "phrase"))),
    ("", ParsedText()),
])
def test_parse_text(text, expected):
    assert parse_text(text) == expected


def test_parse_text_normalises_to_nfc():
    decomposed = "Nguye\u0302\u0303n"
    assert parse_text(decomposed).terms == ("Nguyễn",)


def test_query_normalises_its_arguments():
    query = Query(text=" Nguyễn ", kinds=["dossier", "dossier"], units="U1",
                  facets="kind", dates={"received_at": ("2025-01-01", "2025-01-31")})
    assert query.text == "Nguyễn"
    assert query.kinds == frozenset({"dossier"}) and query.units == frozenset({"U1"})
    assert query.facets == ("kind",)
    assert query.dates == (("received_at", "2025-01-01", "2025-01-31T23:59:59"),)
    assert query.allowed_units is None


@pytest.mark.parametrize("options", [
    {"kinds": ["letter"]}, {"statuses": ["lost"]}, {"facets": ["colour"]},
    {"sort": "random"}, {"size": 0}, {"size": 101}, {"page": 0},
    {"page": MAX_WINDOW // 20 + 1, "size": 20}, {"dates": {"born": (None, None)}},
    {"dates": {"received_at": ("yesterday", None)}},
])
def test_query_refuses_what_no_backend_can_do(options):
    with pytest.raises(ValueError):
        Query(**options)


def test_paging_and_sorting():
    assert Query(page=3, size=10).offset == 20
    assert Query().effective_sort == "newest"
    assert Query(text="an").effective_sort == "relevance"
    assert Query(text="an", sort="oldest").effective_sort == "oldest"


def test_permission_filter():
    assert Query(allowed_units=[]).hides_everything
    assert not Query(allowed_units=["U1"]).hides_everything
    assert not Query().hides_everything
