import datetime

import pytest

from records.search.schema import InvalidDocument, iso_date, prepare, public_fields
from records.textnorm import fold, fold_tokens, nfc, strip_marks

pytestmark = pytest.mark.search

DOC = {"id": "result:1", "kind": "result", "version": 4, "number_symbol": "15/QĐ-UBND",
       "dossier_code": "000.00.01.H26-251120-0007",
       "applicant_name": "  Nguye\u0302\u0303n  Văn An",
       "applicant_id": "001080012345", "issue_date": datetime.date(2025, 12, 1),
       "received_at": "2025-11-20T15:15:00+07:00", "text": "Trang một"}


def test_prepare_normalises_and_derives():
    doc = prepare(DOC)
    assert doc["applicant_name"] == "Nguyễn Văn An"
    assert doc["received_at"] == "2025-11-20T08:15:00"  # UTC
    assert doc["issue_date"] == doc["sort_date"] == "2025-12-01"
    assert doc["number_symbol_key"] == "15/qd-ubnd"
    assert doc["dossier_code_key"] == "000.00.01.h26-251120-0007"
    assert doc["text"] == [{"page": 1, "text": "Trang một"}]
    assert doc["overdue"] is False and doc["state"] is None


def test_prepare_is_idempotent():
    once = prepare(DOC)
    assert prepare(once) == once


@pytest.mark.parametrize("change", [
    {"id": ""}, {"kind": "letter"}, {"version": -1}, {"version": "3"}, {"version": True},
    {"status": "lost"}, {"colour": "red"}, {"due_at": "soon"},
    {"text": [{"page": "one", "text": "x"}]}, {"text": [{"text": "x"}]},
])
def test_prepare_refuses(change):
    with pytest.raises(InvalidDocument):
        prepare(dict(DOC, **change))


def test_public_fields_hide_personal_data_and_pages():
    fields = public_fields(prepare(DOC))
    assert "applicant_id" not in fields and "text" not in fields
    assert fields["number_symbol"] == "15/QĐ-UBND" and fields["version"] == 4


def test_iso_date():
    assert iso_date(None) is None and iso_date("") is None
    assert iso_date(datetime.datetime(2025, 1, 2, 3, 4, 5, 999)) == "2025-01-02T03:04:05"
    with pytest.raises(InvalidDocument):
        iso_date(20250102)


FOLD_SAMPLES = [
    "", "Nguyễn Văn Ấn", "ĐẶNG ĐỨC THẮNG  15/QĐ-UBND\n\tthửa đất số 12",
    "Nguye\u0302\u0303n (decomposed)", "Ðoàn ð", "Straße", "北京 Hà Nội", "a\u00a0b", "ﬁle",
    "q\u0301 x\u0323", "İstanbul", "café déjà vu", "ǘǹ ḍ", "ł ø æ", "\u034f mark", "x\x1cy",
    " ".join(chr(code) for code in range(0x20, 0x250)),
    " ".join(chr(code) for code in range(0x1E00, 0x1F00)),
]


@pytest.mark.house
@pytest.mark.parametrize("text", FOLD_SAMPLES)
def test_the_fast_fold_is_the_definition(text):
    """textnorm.fold (the one fold, also what the search index uses) is exactly its
    definition: marks stripped, case folded, single spaces."""
    assert fold(text) == " ".join(strip_marks(nfc(text) or "").casefold().split())


@pytest.mark.parametrize("text", FOLD_SAMPLES + ["  Đơn\tđề  nghị\n\nsố 15/QĐ-UBND  "])
def test_fold_tokens_has_the_words_of_fold(text):
    assert fold_tokens(text).split() == fold(text).split()
