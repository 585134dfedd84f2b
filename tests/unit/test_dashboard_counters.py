"""The dashboard's counters (records.catalog tallies) against a scan of the catalog's entries:
exactly the same figures, for whole months, a year and periods cut inside months, for every
unit filter, on dossiers with known histories and after edits, unit changes, reuses,
ratings, ingested records and removals; the evolve step that fills them; concurrent
writers that do not conflict."""
import datetime
import random

import pytest
import transaction
import ZODB
from ZODB.FileStorage import FileStorage

from records import clock, evolve, workflow
from records.calendar import default_calendar
from records.catalog import Catalog, Tally
from records.reports.figures import catalog_figures, figures, month_bounds, whole_months
from records.resources.dossiers import Dossier, Result
from records.seed import seed
from records.store import get_portal
from records.workflow import Actor
from tests.generate import DEPARTMENTS, UNITS, generate

pytestmark = [pytest.mark.scale, pytest.mark.process]

TZ = clock.TIMEZONE
UNIT_FILTERS = (None, frozenset({UNITS[0]}), frozenset({DEPARTMENTS[0]}),
                frozenset({UNITS[1], DEPARTMENTS[1]}), frozenset({"000.99.99.H26"}))
ADMIN = Actor("lead1", frozenset({"admin"}), frozenset(), UNITS[0])


def at(month, day, hour=9, year=2026):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def scanned(catalog, start, end, today, units):
    return figures(catalog.in_period(start, end), catalog.open_entries(), start, end, today,
                   units).as_dict()


def periods(years):
    for year in years:
        yield datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        for month in range(1, 13):
            yield month_bounds(year, month)
        yield datetime.date(year, 3, 10), datetime.date(year, 3, 20)     # inside a month
        yield datetime.date(year, 2, 15), datetime.date(year, 5, 3)      # two cut edges
        yield datetime.date(year, 4, 1), datetime.date(year, 6, 12)      # one cut edge
        yield datetime.date(year, 11, 20), datetime.date(year + 1, 1, 31)


def assert_same(catalog, years, todays):
    for today in todays:
        for units in UNIT_FILTERS:
            for start, end in periods(years):
                expected = scanned(catalog, start, end, today, units)
                assert catalog_figures(catalog, start, end, today, units).as_dict() == \
                    expected, (start, end, today, units)


def new_portal():
    db = ZODB.DB(None)
    conn = db.open()
    portal = get_portal(conn.root())
    seed(portal)
    return db, conn, portal


def close(conn, db):
    transaction.abort()
    conn.close()
    db.close()


def receive(portal, code, received, due, unit=UNITS[0], channel="in_person"):
    dossier = Dossier(code, "1.001193", {"name": "Trần Thị Bình", "id_number": "001203004567"},
                      channel, unit, received, "recv1", due, "h")
    portal.dossiers.add(code, dossier)
    dossier.record("receive", "recv1", received, unit, None, "received")
    return dossier


def known_histories(portal):
    """Dossiers whose figures fall in several months: received in March, ready in April,
    returned in May, rated in June; a reuse in April; a reschedule; a paused late one."""
    calendar = default_calendar()
    a = receive(portal, "A", at(3, 30), datetime.date(2026, 4, 10), channel="online")
    workflow.fire(a, "transfer", ADMIN, at(3, 31), calendar, processing_unit=DEPARTMENTS[0])
    a.record("reuse", "proc1", at(4, 2), DEPARTMENTS[0], "in_processing", "in_processing")
    a.results.append(Result(None, doc_type="TRÍCH LỤC", number_symbol="1/TL"))
    workflow.fire(a, "approve", ADMIN, at(4, 8), calendar)
    a.returned_electronically = True
    workflow.fire(a, "return", ADMIN, at(5, 3), calendar)
    a.rate("very_satisfied", "", at(6, 1))
    b = receive(portal, "B", at(3, 2), datetime.date(2026, 3, 6), unit=UNITS[1])
    workflow.fire(b, "transfer", ADMIN, at(3, 3), calendar, processing_unit=DEPARTMENTS[1])
    workflow.fire(b, "reschedule", ADMIN, at(3, 9), calendar, note="xin lỗi",
                  new_due=datetime.date(2026, 3, 20))
    c = receive(portal, "C", at(3, 2), datetime.date(2026, 3, 4))
    workflow.fire(c, "transfer", ADMIN, at(3, 3), calendar, processing_unit=DEPARTMENTS[0])
    workflow.fire(c, "request_supplement", ADMIN, at(3, 9), calendar, note="thiếu bản sao")
    receive(portal, "D", at(4, 14), datetime.date(2026, 4, 16), unit=UNITS[2])
    return a, b, c


def test_counters_equal_the_scan_on_known_histories():
    db, conn, portal = new_portal()
    a, b, c = known_histories(portal)
    catalog = portal.catalog
    today = datetime.date(2026, 4, 15)
    assert_same(catalog, [2026], [today, datetime.date(2026, 3, 5), datetime.date(2027, 1, 2)])
    march = catalog_figures(catalog, *month_bounds(2026, 3), today)
    assert (march.received, march.online, march.solved, march.reused) == (3, 1, 0, 0)
    april = catalog_figures(catalog, *month_bounds(2026, 4), today)
    assert (april.received, april.reused, april.solved, april.solved_on_time) == (1, 1, 1, 1)
    may, june = (catalog_figures(catalog, *month_bounds(2026, m), today) for m in (5, 6))
    assert (may.returned, may.returned_electronically) == (1, 1)
    assert june.ratings["very_satisfied"] == 1
    year = catalog_figures(catalog, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31),
                           today)
    assert (year.received, year.reused, year.returned) == (4, 1, 1)
    # B: rescheduled to the 20th (late by the 15th); C: paused after its due date; D: not due
    assert year.held_up == {("in_processing", DEPARTMENTS[1]): [1, 1],
                            ("supplement_requested", DEPARTMENTS[0]): [1, 1],
                            ("received", UNITS[2]): [1, 0]}
    close(conn, db)


def test_counters_follow_edits_unit_changes_reuses_ratings_ingest_and_removal():
    db, conn, portal = new_portal()
    rng = random.Random(11)
    known_histories(portal)
    generate(portal, 400, end=at(12, 20), days=420, rng=rng)
    catalog = portal.catalog
    years, todays = [2025, 2026], [datetime.date(2026, 12, 20), datetime.date(2026, 7, 9)]
    assert_same(catalog, years, todays)
    dossiers = list(portal.dossiers.values())
    for dossier in rng.sample(dossiers, 60):
        change = rng.choice(("unit", "channel", "reuse", "rating", "ingested", "due",
                             "received", "electronic"))
        when = dossier.received_at + datetime.timedelta(days=rng.randrange(1, 60))
        if change == "unit":
            dossier.processing_unit = rng.choice(DEPARTMENTS + (None,))
        elif change == "channel":
            dossier.channel = "online" if dossier.channel != "online" else "in_person"
        elif change == "reuse":
            dossier.record("reuse", "proc1", when, None, dossier.state, dossier.state)
            continue
        elif change == "rating" and dossier.rating is None:
            dossier.rate(rng.choice(("very_satisfied", "satisfied", "not_satisfied")), "", when)
            continue
        elif change == "ingested":
            dossier.ingested = True
        elif change == "due":
            dossier.due_at = dossier.due_at + datetime.timedelta(days=rng.randrange(-40, 40))
        elif change == "received":
            dossier.receiving_unit = rng.choice(UNITS)
        elif change == "electronic":
            dossier.returned_electronically = not dossier.returned_electronically
        dossier.changed()  # NB: as the tests and views do for changes made behind record()
    for dossier in rng.sample(dossiers, 10):
        catalog.unindex(dossier.code)
    assert_same(catalog, years, todays)
    close(conn, db)


def test_the_evolve_step_fills_the_counters_of_an_older_catalog():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        seed(portal)
        known_histories(portal)
        generate(portal, 150, end=at(12, 20), days=300, rng=random.Random(3))
        catalog = portal.catalog
        expected = {key: dict(t.counts) for tree in (catalog.period_tallies,
                                                     catalog.open_tallies)
                    for key, t in tree.items() if t.counts}
        del catalog.period_tallies, catalog.open_tallies   # a catalog made before them
        assert catalog.period_tallies is None
        catalog.index(portal.dossiers["A"])                 # changes before the step count none
        step = [n for n, _ in evolve.STEPS].index("dashboard-counters") + 1
        portal.generation = step - 1
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1
        catalog = portal.catalog
        assert {key: dict(t.counts) for tree in (catalog.period_tallies, catalog.open_tallies)
                for key, t in tree.items() if t.counts} == expected
        assert_same(catalog, [2026], [datetime.date(2026, 12, 20)])
    db.close()


def test_a_fresh_catalog_has_empty_counters():
    catalog = Catalog()
    assert len(catalog.period_tallies) == 0 and len(catalog.open_tallies) == 0


def test_concurrent_changes_to_a_tally_are_merged_not_conflicting(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs")))  # NB: resolves conflicts
    with db.transaction() as conn:
        conn.root()["tally"] = Tally()
        conn.root()["tally"].change({"received": 5, "online": 1})
    first, second = transaction.TransactionManager(), transaction.TransactionManager()
    one, two = db.open(transaction_manager=first), db.open(transaction_manager=second)
    one.root()["tally"].change({"received": 1, "online": 1})
    two.root()["tally"].change({"received": 2, "online": -1, "digitized": 1})
    first.commit()
    second.commit()  # NB: resolved by Tally._p_resolveConflict, not a ConflictError
    with db.transaction() as conn:
        assert conn.root()["tally"].counts == {"received": 8, "online": 1, "digitized": 1}
    db.close()


def test_a_period_splits_into_whole_months_and_cut_edges():
    d = datetime.date
    assert whole_months(d(2026, 1, 1), d(2026, 12, 31)) == (2026 * 12, 2026 * 12 + 11, [])
    assert whole_months(d(2026, 2, 15), d(2026, 5, 3)) == (
        2026 * 12 + 2, 2026 * 12 + 3, [(d(2026, 2, 15), d(2026, 2, 28)),
                                       (d(2026, 5, 1), d(2026, 5, 3))])
    first, last, edges = whole_months(d(2026, 3, 10), d(2026, 3, 20))
    assert first > last and edges == [(d(2026, 3, 10), d(2026, 3, 20))]
    first, last, edges = whole_months(d(2026, 3, 10), d(2026, 4, 20))
    assert first > last and edges == [(d(2026, 3, 10), d(2026, 4, 20))]
