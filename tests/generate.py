"""Dossiers generated straight into the store (no HTTP), for catalog tests and bench_scale.

Each dossier goes through ``Dossiers.add`` and ``Dossier.record``, as intake and the
workflow do, so the catalog and the outbox see it exactly as they see a received one.
:func:`generate` spreads them at random over a period; :func:`generate_days` receives them
day by day in time order, as a centre does (codes and received times then grow together,
so a big transaction rewrites few index buckets: what makes a store of millions quick to
build), and seals the audit entries as the periodic sealer would.
"""
import datetime
import random

from records import audit, clock
from records.intake.receive import issue_code
from records.process.definitions import RECEIVING
from records.process.run import Run, StepRun
from records.process.worktime import default_worktime
from records.resources.dossiers import Dossier

UNITS = ("000.00.01.H26", "000.00.02.H26", "000.01.01.H26")
DEPARTMENTS = ("000.20.01.H26", "000.20.02.H26")
PROCEDURES = ("1.001193", "2.000815")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em")
# (state, share): most dossiers of a store that has run for years are closed
STATES = (("received", 2), ("in_processing", 3), ("supplement_requested", 1),
          ("result_ready", 1), ("returned", 90), ("rejected", 2), ("withdrawn", 1))


def dossier_at(portal, rng, received_at):
    unit = rng.choice(UNITS)
    # NB: the real issuer, on the store's own counters (one writer): no code taken twice
    code = issue_code(portal.sequences, portal, unit, received_at)
    applicant = {"kind": "person", "name": rng.choice(NAMES),
                 "id_number": f"001{rng.randrange(10 ** 9):09d}"}
    due = received_at.date() + datetime.timedelta(days=rng.choice((3, 5, 7, 15)))
    return Dossier(code, rng.choice(PROCEDURES), applicant,
                   "online" if rng.random() < 0.8 else "in_person", unit, received_at,
                   "gen", due, "x")


def add_generated(portal, rng, received_at, steps=False):
    """One dossier received at ``received_at`` and moved to a random state; with ``steps``,
    its passages through its procedure's process are indexed too (:func:`index_steps`)."""
    dossier = dossier_at(portal, rng, received_at)
    portal.dossiers.add(dossier.code, dossier)
    state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
    if state == "received":
        dossier.record("receive", "gen", received_at, dossier.receiving_unit, None, "received")
        if steps:
            index_steps(portal, dossier, rng, received_at)
        return dossier
    # NB: the earlier lines of the history are written as they would read; the last one
    # goes through record(), which indexes the dossier once, in its final state.
    line = {"user": "gen", "note": ""}
    dossier.history.append(dict(line, action="receive", at=received_at,
                                unit=dossier.receiving_unit, **{"from": None, "to": "received"}))
    dossier.processing_unit = rng.choice(DEPARTMENTS)
    at = received_at + datetime.timedelta(days=rng.randrange(1, 10))
    if state in ("result_ready", "returned"):
        dossier.history.append(dict(line, action="approve", at=at, unit=dossier.processing_unit,
                                    **{"from": "in_processing", "to": "result_ready"}))
    if state == "supplement_requested":
        dossier.paused_at = at
    dossier.state = state
    if state in ("returned", "rejected", "withdrawn"):
        dossier.closed_at = at
        dossier.returned_electronically = rng.random() < 0.55
    dossier.record(state, "gen", at, dossier.processing_unit, "received", state)
    if steps:
        index_steps(portal, dossier, rng, at)
    return dossier


# Per state: (passages finished, whether the next one is open) in the seed processes'
# four steps (receive, review, approve, return); rejected and withdrawn dossiers end after
# the first. Counts "resolved_*" when the approve step is among the finished ones.
STEPS_BY_STATE = {"received": (0, True), "in_processing": (1, True),
                  "supplement_requested": (1, True), "result_ready": (3, True),
                  "returned": (4, False), "rejected": (1, False), "withdrawn": (1, False)}
LATE_SHARE = 0.15  # passages over their budget


def index_steps(portal, dossier, rng, until):
    """The process index as the step engine leaves it for ``dossier`` (records.process
    .engine: begin, finish, pause), without storing the run: its finished passages between
    receipt and ``until`` in the step statistics, the open step in the open-step indexes (in
    its unit's queue, or assigned), the monthly counts of the national report and the
    pending list. Working minutes are drawn around each step's budget, not computed from
    the calendar (the reports only read the index)."""
    entry = portal.processes.current(dossier.procedure_code)
    if entry is None:
        return
    case = entry["definition"]["cases"][0]
    procedure = portal.procedures.get(dossier.procedure_code)
    run = Run(dossier.code, dossier.procedure_code, entry["version"], case["key"],
              procedure.field if procedure is not None else "", dossier.receiving_unit)
    index, received = portal.process_index, dossier.received_at
    index.count(received, run.field, "received_" + dossier.channel, dossier.code)
    finished, still_open = STEPS_BY_STATE[dossier.state]
    definitions = case["steps"]
    span = (until - received) / max(finished, 1)
    arrived = received
    for position, definition in enumerate(definitions[:finished]):
        step = _passage(run, position, definition, arrived, dossier)
        step.ended_at = arrived = received + span * (position + 1)
        late = rng.random() < LATE_SHARE
        minutes = round(step.budget_minutes * (rng.uniform(1.05, 3) if late
                                               else rng.uniform(0.2, 1)))
        index.finished(run, step, max(1, minutes))
        if definition["key"] == "approve":
            day = step.ended_at.date()
            index.count(step.ended_at, run.field, "resolved_early" if day < dossier.due_at
                        else "resolved_on_time" if day == dossier.due_at else "resolved_late",
                        dossier.code)
    if dossier.state in ("rejected", "withdrawn"):
        index.count(until, run.field, dossier.state, dossier.code)
    if not still_open:
        return
    step = _passage(run, finished, definitions[finished], arrived, dossier)
    step.due_at = default_worktime().add(arrived, step.budget_minutes)
    if dossier.state == "supplement_requested":
        step.pauses.append([until, None])
        step.due_at = None
    elif finished == 0 or rng.random() < 0.5:
        step.assigned = "gen"  # the receiving officer keeps the first step, as begin() does
    index.note(run, step)
    index.hold(dossier.code, run.field, dossier.due_at, until)


def _passage(run, position, definition, arrived, dossier):
    unit = dossier.receiving_unit if definition["unit"] == RECEIVING else definition["unit"]
    return StepRun(position, definition["key"], definition["name"], unit, definition["role"],
                   definition["minutes"], arrived, None)


def generate(portal, count, end=None, days=365, rng=None):
    """``count`` dossiers received over the ``days`` days before ``end`` (default now);
    codes come from the portal's own sequences, as intake issues them."""
    rng = rng or random.Random(7)
    end = end or clock.now()
    span = days * 86400
    for _ in range(count):
        at = end - datetime.timedelta(seconds=rng.randrange(span))
        add_generated(portal, rng, at)


def generate_days(portal, first_day, days, per_day, rng, steps=False):
    """``per_day`` dossiers (± 20 %) on each of ``days`` days from ``first_day`` (a date), in
    time order within each day (08:00–17:00 local time); then seals the pending audit entries
    (``records audit`` and the periodic task do the same in production); ``steps``: see
    :func:`add_generated`. Returns the count."""
    zone = datetime.timezone(datetime.timedelta(hours=7))
    count = 0
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        opens = datetime.datetime.combine(day, datetime.time(8), tzinfo=zone)
        n = max(1, round(per_day * rng.uniform(0.8, 1.2)))
        for second in sorted(rng.randrange(9 * 3600) for _ in range(n)):
            add_generated(portal, rng, opens + datetime.timedelta(seconds=second), steps)
        count += n
    audit.seal(portal.audit)
    return count
