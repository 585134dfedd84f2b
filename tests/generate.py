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


def add_generated(portal, rng, received_at):
    """One dossier received at ``received_at`` and moved to a random state."""
    dossier = dossier_at(portal, rng, received_at)
    portal.dossiers.add(dossier.code, dossier)
    state = rng.choices([s for s, _ in STATES], [w for _, w in STATES])[0]
    if state == "received":
        dossier.record("receive", "gen", received_at, dossier.receiving_unit, None, "received")
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
    return dossier


def generate(portal, count, end=None, days=365, rng=None):
    """``count`` dossiers received over the ``days`` days before ``end`` (default now);
    codes come from the portal's own sequences, as intake issues them."""
    rng = rng or random.Random(7)
    end = end or clock.now()
    span = days * 86400
    for _ in range(count):
        at = end - datetime.timedelta(seconds=rng.randrange(span))
        add_generated(portal, rng, at)


def generate_days(portal, first_day, days, per_day, rng):
    """``per_day`` dossiers (± 20 %) on each of ``days`` days from ``first_day`` (a date), in
    time order within each day (08:00–17:00 local time); then seals the pending audit entries
    (``records audit`` and the periodic task do the same in production). Returns the count."""
    zone = datetime.timezone(datetime.timedelta(hours=7))
    count = 0
    for offset in range(days):
        day = first_day + datetime.timedelta(days=offset)
        opens = datetime.datetime.combine(day, datetime.time(8), tzinfo=zone)
        n = max(1, round(per_day * rng.uniform(0.8, 1.2)))
        for second in sorted(rng.randrange(9 * 3600) for _ in range(n)):
            add_generated(portal, rng, opens + datetime.timedelta(seconds=second))
        count += n
    audit.seal(portal.audit)
    return count
