"""Process definitions (validation, seed data, versions), working time, and the evolve step
that brings an existing portal to processes (on an in-memory database)."""
import copy
import datetime

import pytest
import transaction
import ZODB

from records import evolve
from records.calendar import default_calendar
from records.clock import TIMEZONE
from records.i18n import english
from records.process.definitions import ProcessInvalid, validate
from records.process.seed import load_processes
from records.process.worktime import default_worktime
from records.resources.procedures import Procedure
from records.seed import load_json, seed
from records.store import get_portal

pytestmark = pytest.mark.process

UNITS = {u["identifier"] for u in load_json("units.json")["units"]}
BIRTH = Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1)


def birth_definition():
    return copy.deepcopy(next(p for p in load_processes() if p["procedure"] == "1.001193"))


def problems(definition, procedure=BIRTH):
    with pytest.raises(ProcessInvalid) as e:
        validate(definition, procedure, UNITS, default_worktime())
    return [english(p) for p in e.value.problems]


def test_every_seed_procedure_has_a_valid_process():
    procedures = {p["code"]: p for p in load_json("procedures.json")["procedures"]}
    processes = {p["procedure"]: p for p in load_processes()}
    assert set(processes) == set(procedures)
    for code, definition in processes.items():
        p = procedures[code]
        checked = validate(definition, Procedure(code, p["name"], p["field"], p["days"]), UNITS,
                           default_worktime())
        for case in checked["cases"]:
            assert sum(s["minutes"] for s in case["steps"]) <= case["legal_minutes"]
    marriage = processes["1.000894"]["cases"]
    assert [(c["key"], c["legal_days"]) for c in marriage] == [("standard", 1),
                                                               ("verification", 5)]


def test_budgets_must_fit_the_legal_time():
    definition = birth_definition()
    definition["cases"][0]["steps"][1]["budget"] = {"hours": 5}   # 1 + 5 + 2 + 1 > 8
    assert problems(definition) == [
        "case standard: the steps take 9 working hours, more than the legal time of 1 "
        "working days"]


def test_every_problem_is_named():
    definition = birth_definition()
    steps = definition["cases"][0]["steps"]
    steps[0]["send_back"] = True
    steps[1].update(unit="nowhere", role="archivist", budget={"weeks": 1})
    steps[2]["key"] = steps[1]["key"]
    steps[3]["transition"] = None
    found = problems(definition)
    assert found == [
        "case standard: the first step cannot send a dossier back",
        "case standard, step 2: unknown unit 'nowhere'",
        "case standard, step 2: the role must be one of receiving, processing, leader",
        'case standard, step 2: the budget is {"days": n} or {"hours": n}, more than zero',
        "case standard, step 3 needs a unique key",
        "case standard: the steps must transfer (optional), then approve, and return the "
        "result in the last step",
    ]
    assert problems({"cases": []}) == ["a process needs at least one case"]
    assert problems([]) == ["a process is a JSON object with its cases"]


def test_working_time_skips_nights_weekends_and_holidays():
    wt = default_worktime()
    assert wt.minutes_per_day == 480
    wed = datetime.datetime(2026, 4, 29, 16, 0, tzinfo=TIMEZONE)
    # Thursday 30/4 and Friday 1/5 are holidays, then a weekend: next is Monday 4/5.
    assert wt.add(wed, 120) == datetime.datetime(2026, 5, 4, 8, 30, tzinfo=TIMEZONE)
    assert wt.minutes_between(wed, datetime.datetime(2026, 5, 4, 8, 30, tzinfo=TIMEZONE)) == 120
    lunch = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=TIMEZONE)
    assert wt.add(lunch, 0) == datetime.datetime(2026, 5, 4, 13, 0, tzinfo=TIMEZONE)
    assert wt.add_days(wed, 1) == datetime.datetime(2026, 5, 4, 16, 0, tzinfo=TIMEZONE)
    assert wt.budget_minutes({"days": 1.5}) == 720 and wt.budget_minutes({"hours": 2}) == 120
    assert default_calendar().is_working_day(datetime.date(2026, 5, 4))


def test_evolve_brings_an_old_portal_to_processes():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        seed(portal)
        # Back to generation 4: as a portal stored before processes existed.
        for name in ("processes", "process_runs", "process_index"):
            delattr(portal, name)
        portal.generation = 4
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) == len(evolve.STEPS) - 4
        assert len(portal.processes.versions) == len(portal.procedures)
        assert portal.processes.current("1.001193")["version"] == 1
        assert len(portal.process_runs) == 0 and len(portal.process_index.open) == 0
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) == 0
        assert portal.processes.current("1.001193")["version"] == 1   # not seeded twice
    transaction.abort()
    db.close()


def test_evolve_gives_an_old_step_index_its_monthly_lists_and_closes():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        seed(portal)
        index = portal.process_index
        for name in ("monthly_codes", "closes", "closed_months", "last_month"):
            delattr(index, name)
        index.pending["000.00.01.H26-260420-0001"] = ("Hộ tịch", datetime.date(2026, 4, 21))
        portal.generation = 13
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) == len(evolve.STEPS) - 13  # this step and any after it
        index = portal.process_index
        assert index.last_month == f"{datetime.date.today():%Y-%m}"
        assert len(index.monthly_codes) == len(index.closes) == len(index.closed_months) == 0
        # The month before the step is not known; the first change in a later month closes
        # the current one with what was open.
        month = index.last_month
        later = datetime.datetime.now(TIMEZONE) + datetime.timedelta(days=40)
        index.hold("000.00.01.H26-260420-0002", "Hộ tịch", later.date(), later)
        assert month in index.closed_months
        assert index.pending_at_end(month) == {"Hộ tịch": {
            "pending_late": {"000.00.01.H26-260420-0001"}, "pending_in_time": set()}}
    transaction.abort()
    db.close()
