"""records.notes: each note the portal writes is read back and shown in the page's
language; anything else is shown as it is."""
import pytest

from records import notes
from records.i18n import english

pytestmark = pytest.mark.hardening


@pytest.mark.parametrize("action, note, shown", [
    ("receive", notes.missing_at_intake(["Giấy chứng sinh", "CCCD"], "bổ sung sau"),
     "missing at intake: Giấy chứng sinh; CCCD (reason: bổ sung sau)"),
    ("receive", "ghi chú của cán bộ\n" + notes.missing_at_intake(["CCCD"]),
     "ghi chú của cán bộ\nmissing at intake: CCCD (no reason given)"),
    ("correct_field", notes.corrected("a.pdf", "number_symbol", "1/QĐ"),
     "a.pdf: Number and symbol = 1/QĐ"),
    ("correct_field", notes.corrected("a.pdf", "issue_date", "2026-02-06"),
     "a.pdf: Issue date = 06/02/2026"),
    ("reuse", "CCCD: Bản sao (000.00.01.H26-260101-0001); " + notes.REUSE_IDENTITY,
     "CCCD: Bản sao (000.00.01.H26-260101-0001); " + notes.REUSE_IDENTITY),
    ("ingest", notes.INGESTED, notes.INGESTED),
    ("dispose", notes.disposed("hết hạn", 3), "hết hạn (3 files)"),
    ("dispose", "hết hạn (3 files)", "hết hạn (3 files)"),   # stored before notes.disposed
    ("import_bag", notes.imported(4), "4 files"),
    ("transfer", "chuyển gấp", "chuyển gấp"),
    ("receive", "", ""),
])
def test_each_note_reads_back_to_its_english_text(action, note, shown):
    assert english(notes.shown(action, note)) == shown


def test_known_notes_become_messages_and_others_stay_text():
    assert notes.shown("ingest", notes.INGESTED).default == notes.INGESTED
    assert notes.shown("correct_field", "a.pdf: number_symbol = 1").mapping["field"] \
        == "Number and symbol"
    assert notes.shown("correct_field", "a.pdf: not_a_field = 1") == "a.pdf: not_a_field = 1"
    assert notes.shown("transfer", "x") == "x"
