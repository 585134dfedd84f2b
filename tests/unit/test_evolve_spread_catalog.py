"""Evolve steps "spread-catalog" and "spread-code-sets": a catalog whose entries, received
order, due dates and code tails are single BTrees, and whose code sets by state, unit,
procedure, name word and (state, unit) are single OOTreeSets (as every catalog before them),
gets them spread over shards, with the same keys and answers."""
import contextlib
import datetime
import random

import pytest
import transaction
import ZODB
from BTrees.OOBTree import OOBTree, OOTreeSet

from records import evolve
from records.catalog import CODE_SETS, HOT_TREES
from records.services.dossiers import catalog_filters
from records.spread import SpreadSet, SpreadTree
from records.store import bootstrap, get_portal
from records.workflow import CLOSED_STATES, Actor
from tests.generate import generate_days

pytestmark = pytest.mark.scale


@pytest.fixture
def db():
    db = ZODB.DB(None)
    bootstrap(db)
    yield db
    transaction.abort()
    db.close()


def generated(db, first_day, days, seed):
    """The portal of ``db`` in a new transaction, with ``days`` days of generated dossiers
    (30 a day)."""
    conn = db.open()
    portal = get_portal(conn.root())
    generate_days(portal, first_day, days, 30, random.Random(seed))
    return conn, portal


def test_the_hot_catalog_trees_are_spread_and_answer_as_before(db):
    conn, portal = generated(db, datetime.date(2026, 3, 2), 3, 5)
    with contextlib.closing(conn):
        catalog = portal.catalog
        before = {name: list(getattr(catalog, name).items()) for name in HOT_TREES}
        page = catalog.query([], page=2, size=7)
        late = list(catalog.late_codes(datetime.date(2026, 4, 1)))
        # NB: the trees as every catalog before the step stored them
        for name in HOT_TREES:
            setattr(catalog, name, OOBTree(dict(getattr(catalog, name).items())))
        portal.generation = evolve.STEPS.index(("spread-catalog", evolve._spread_catalog))
        transaction.commit()
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        catalog = portal.catalog
        for name in HOT_TREES:
            tree = getattr(catalog, name)
            assert isinstance(tree, SpreadTree) and len(tree.shards) > 1
            assert list(tree.items()) == before[name], name      # same keys, in key order
        assert catalog.query([], page=2, size=7) == page
        assert list(catalog.late_codes(datetime.date(2026, 4, 1))) == late
        assert not catalog.spread_hot_trees()                    # once only


def test_a_new_catalog_spreads_them_from_the_start(db):
    conn, portal = generated(db, datetime.date(2026, 3, 2), 1, 6)
    with contextlib.closing(conn):
        catalog = portal.catalog
        assert all(isinstance(getattr(catalog, name), SpreadTree) for name in HOT_TREES)
        for name in CODE_SETS:
            sets = list(getattr(catalog, name).values())
            assert sets and all(isinstance(s, SpreadSet) for s in sets), name
        transaction.abort()


PORTAL_TREES = ("applicants", "process_runs")  # the same step spreads them


def code_sets(catalog):
    return {name: {key: list(codes) for key, codes in getattr(catalog, name).items()}
            for name in CODE_SETS}


def list_pages(portal, officer):
    """The dossier list's pages as an officer of one unit sees them, for each filter."""
    catalog, today = portal.catalog, datetime.date(2026, 3, 20)
    entry = next(iter(catalog.entries.values()))
    name = entry.names[0]
    asked = ({"state": "received"}, {"unit": entry.receiving},
             {"state": entry.state, "unit": entry.receiving},
             {"procedure": entry.procedure}, {"q": name}, {"q": name, "state": entry.state},
             {"overdue": "1"}, {})
    return [catalog.query(catalog_filters(portal, officer, today, params, names=True),
                          page=page, size=9)
            for params in asked for page in (1, 2)]


def test_the_code_sets_are_spread_and_every_list_pages_as_before(db):
    conn, portal = generated(db, datetime.date(2026, 3, 2), 4, 7)
    with contextlib.closing(conn):
        catalog = portal.catalog
        unit = next(iter(catalog.entries.values())).receiving
        officer = Actor("officer", frozenset({"processing"}), frozenset({unit}))
        before = code_sets(catalog)
        for name in CODE_SETS:                              # as stored before the step
            tree = getattr(catalog, name)
            for key, codes in list(tree.items()):
                tree[key] = OOTreeSet(codes)
        for dossier in portal.dossiers.values():  # NB: the generator files no applicants
            portal.note_applicant(dossier.applicant["id_number"], dossier.code)
        lookups = {name: list(getattr(portal, name).items()) for name in PORTAL_TREES}
        assert lookups["applicants"]  # NB: and no process runs: the generator starts none
        for name in PORTAL_TREES:
            setattr(portal, name, OOBTree(dict(getattr(portal, name).items())))
        pages = list_pages(portal, officer)                 # as answered from those
        assert all(total for total, _ in pages[:-4])         # every filter finds some
        portal.generation = [n for n, _ in evolve.STEPS].index("spread-code-sets")
        transaction.commit()
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        catalog = portal.catalog
        assert code_sets(catalog) == before                 # same codes, in code order
        assert all(isinstance(s, SpreadSet) for name in CODE_SETS
                   for s in getattr(catalog, name).values())
        assert list_pages(portal, officer) == pages
        for name in PORTAL_TREES:
            tree = getattr(portal, name)
            assert isinstance(tree, SpreadTree) and list(tree.items()) == lookups[name]
        applicant = next(iter(portal.dossiers.values())).applicant["id_number"]
        assert set(portal.dossiers_of(applicant)) == {
            d.code for d in portal.dossiers.values() if d.applicant["id_number"] == applicant}
        assert not catalog.spread_code_sets()                # once only


def test_the_year_unit_counts_step_counts_the_records_of_each_year_and_unit(db):
    conn, portal = generated(db, datetime.date(2025, 12, 29), 6, 8)
    with contextlib.closing(conn):
        catalog = portal.catalog
        kept = dict((key, length()) for key, length in catalog.year_unit_counts.items())
        scan = {}
        for entry in catalog.entries.values():
            if entry.state in CLOSED_STATES and entry.closed:
                year = datetime.date.fromordinal(entry.closed).year
                for unit in {"", entry.receiving, entry.processing} - {None}:
                    scan[(year, unit)] = scan.get((year, unit), 0) + 1
        assert kept == scan and len({year for year, _ in scan}) == 2   # kept as they change
        del catalog.year_unit_counts                                   # as before the step
        catalog.by_year = OOBTree()                                    # which it replaces
        portal.generation = evolve.STEPS.index(("year-unit-counts", evolve._year_unit_counts))
        transaction.commit()
    with db.transaction() as conn:
        catalog = get_portal(conn.root()).catalog
        assert {key: length() for key, length in catalog.year_unit_counts.items()} == scan
        year, unit = next(key for key in scan if key[1])
        assert catalog.year_count(year, unit) == scan[(year, unit)]
        assert catalog.year_count(year) == scan[(year, "")]
        assert not hasattr(catalog, "by_year")
