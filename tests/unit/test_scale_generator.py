"""The bench's day-by-day generator keeps the catalog as intake does; receipts embed each
font once and measure its glyphs once per process."""
import datetime
import random

import pymupdf
import pytest
import transaction
import ZODB

from records.catalog import entry_of
from records.printing import pdf as printing
from records.printing.receipt import render_receipt
from records.store import bootstrap, get_portal
from tests.generate import generate_days

pytestmark = pytest.mark.scale


@pytest.fixture
def portal():
    db = ZODB.DB(None)
    bootstrap(db)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    tm.begin()
    yield get_portal(conn.root())
    tm.abort()
    conn.close()
    db.close()


def test_generated_days_are_indexed_as_intake_indexes_them(portal):
    count = generate_days(portal, datetime.date(2026, 3, 2), 3, 40, random.Random(3))
    catalog = portal.catalog
    assert len(portal.dossiers) == len(catalog) == len(catalog.entries) == count
    for code, dossier in portal.dossiers.items():
        assert catalog.entries[code] == entry_of(dossier)  # the one code path for entries
    assert len(portal.audit.pending) == 0 and portal.audit.head_seq >= count  # sealed
    # received in time order within each unit and day: the codes' numbers follow the clock
    by_key = {}
    for dossier in sorted(portal.dossiers.values(), key=lambda d: d.received_at):
        key, number = dossier.code.rsplit("-", 1)
        assert int(number) > by_key.get(key, 0)
        by_key[key] = int(number)


def test_a_receipt_embeds_each_font_once_and_measures_it_once(portal):
    dossier = next(iter(portal.dossiers.values()), None)
    if dossier is None:
        generate_days(portal, datetime.date(2026, 3, 2), 1, 1, random.Random(1))
        dossier = next(iter(portal.dossiers.values()))
    procedure = portal.procedures[dossier.procedure_code]
    unit = portal.units[dossier.receiving_unit]
    first = render_receipt(dossier, procedure, unit, "ABCDEFGH", "https://x.example")
    assert printing._measured  # widths kept for the next receipt
    second = render_receipt(dossier, procedure, unit, "ABCDEFGH", "https://x.example")
    for data in (first, second):
        page = pymupdf.open(stream=data)[0]
        assert sorted(f[4] for f in page.get_fonts()) == ["rb", "rr"]
        text = page.get_text()
        assert dossier.code in text and "Mã tra cứu (PIN): ABCDEFGH" in text
        assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    words = [w[:5] for w in pymupdf.open(stream=first)[0].get_text("words")]
    assert words == [w[:5] for w in pymupdf.open(stream=second)[0].get_text("words")]


def test_generated_steps_feed_the_held_up_reports_as_the_engine_would(portal):
    """With ``steps``, every generated dossier of a procedure with a process is in the step
    reports: its passages, its open step and the national monthly counts agree with the
    dossiers' own states and dates."""
    from records.process.index import month_of
    from records.reports import steps as report
    count = generate_days(portal, datetime.date(2026, 3, 2), 4, 60, random.Random(5),
                          steps=True)
    index = portal.process_index
    dossiers = list(portal.dossiers.values())
    assert len(dossiers) == count
    open_ones = {d.code for d in dossiers if d.state not in ("returned", "rejected",
                                                              "withdrawn")}
    assert set(index.open.keys()) == open_ones == set(index.pending.keys())
    received = sum(n for (_m, _f, measure), n in index.counts()
                   if measure.startswith("received_"))
    assert received == count
    resolved = {d.code for d in dossiers if d.state in ("result_ready", "returned")}
    assert set().union(*(codes for (_m, _f, measure), codes in index.monthly_codes.items()
                         if measure.startswith("resolved_"))) == resolved
    passages = sum(stat.count for stat in index.stats.values())
    expected = {"received": 0, "in_processing": 1, "supplement_requested": 1,
                "result_ready": 3, "returned": 4, "rejected": 1, "withdrawn": 1}
    assert passages == sum(expected[d.state] for d in dossiers)
    paused = {d.code for d in dossiers if d.state == "supplement_requested"}
    assert paused and not paused & {code for (_due, code) in index.by_due.keys()}
    month = month_of(max(d.received_at for d in dossiers))
    rows = report.national_month(index, datetime.date.fromisoformat(month + "-01"),
                                 sorted({d.field for d in portal.procedures.values()}),
                                 max(d.received_at for d in dossiers))
    assert sum(r["received"] for r in rows.values()) == count
