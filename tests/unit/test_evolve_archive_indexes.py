"""The "archive-indexes" evolve step on an in-memory database: a catalog made before the
archive's indexes gets them, filled as a fresh catalog would be, reading only the dossiers
whose entries gained a value (disposed of, or reusing a file)."""
import datetime

import pytest
import ZODB

from records import evolve
from records.catalog import Catalog
from records.resources.dossiers import Component, Dossier
from records.seed import seed
from records.store import get_portal

pytestmark = [pytest.mark.archive, pytest.mark.scale]

UTC = datetime.timezone.utc
CLOSED = datetime.datetime(2014, 3, 4, 10, 0, tzinfo=UTC)
ARCHIVE_TREES = ("by_ref", "recorded", "retained", "record_codes")


def step_number(name):
    return [n for n, _ in evolve.STEPS].index(name) + 1


def add(portal, code, state="returned", closed=CLOSED):
    d = Dossier(code, "2.000815", {"name": "A", "id_number": "001203004567"}, "in_person",
                "000.00.01.H26", closed, "recv1", closed.date(), "h")
    portal.dossiers.add(code, d)
    d.state, d.closed_at = state, closed if state in ("returned", "withdrawn") else None
    d.record(state, "recv1", closed, "000.00.01.H26", "received", state)
    return d


def snapshot(catalog):
    def plain(tree):
        if not hasattr(tree, "items"):  # a set of codes
            return sorted(tree)
        return {k: (sorted(v) if hasattr(v, "keys") else v) for k, v in tree.items()}
    return {name: plain(getattr(catalog, name)) for name in ARCHIVE_TREES}


def test_a_catalog_from_before_gets_the_archive_indexes_filled():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        seed(portal)
        add(portal, "U-1")
        add(portal, "U-2", state="withdrawn", closed=CLOSED.replace(year=2019))
        add(portal, "U-3", state="in_processing")
        reusing = add(portal, "U-4")
        component = reusing.add_component(Component("copy", "Bản sao"))
        component.reference = {"file_id": "f" * 32, "dossier": "U-1", "source": "file:x"}
        reusing.record("reuse", "proc1", CLOSED, None, "returned", "returned")
        disposed = add(portal, "U-5", closed=CLOSED.replace(year=2010))
        portal.archive.disposed["U-5"] = {"code": "U-5"}
        disposed.record("dispose", "lead1", CLOSED, None, "returned", "returned")
        expected = snapshot(portal.catalog)
        # as stored before the step: entries without the new fields, no archive trees
        catalog = portal.catalog
        for code, entry in list(catalog.entries.items()):
            catalog.entries[code] = entry._replace(refs=(), disposed=False)
        for name in ARCHIVE_TREES:
            delattr(catalog, name)
        portal.generation = step_number("archive-indexes") - 1
    assert expected["by_ref"] == {"f" * 32: ["U-4"]}
    assert [k[-1] for k in expected["retained"]] == ["U-1", "U-4", "U-2"]  # not U-5, U-3
    assert [k[-1] for k in expected["recorded"]] == ["U-2", "U-1", "U-4", "U-5"]
    assert expected["record_codes"] == ["U-1", "U-2", "U-4", "U-5"]
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1  # this step and any after it
        assert snapshot(portal.catalog) == expected
        assert portal.catalog.entries["U-5"].disposed
    db.close()


def test_a_fresh_catalog_has_the_archive_indexes():
    catalog = Catalog()
    assert all(len(getattr(catalog, name)) == 0 for name in ARCHIVE_TREES)
