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
