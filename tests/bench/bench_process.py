"""Held-up report at scale: the per-step index for N dossiers, and the time to build the
dashboard's tables from it (no dossier is read).

    .venv/bin/python -m tests.bench.bench_process [--dossiers 1000000] [--open 0.03]

Each dossier passes the 4 steps of its procedure's seed process (procedure, receiving unit,
month over 12 months and working minutes drawn with a fixed seed); a share of them stays
open at a step due around now (half of them late). The index is filled directly through
:class:`StepIndex` (what the engine calls), in an in-memory ZODB committed every 20,000
dossiers; then the report functions run as the page does (period of one month and of a
year, one unit filter) and the median of 5 runs is printed; then the national month again
with the due-day counts of ten years (every calendar day, every field).
"""
import argparse
import datetime
import random
import statistics
import time
from types import SimpleNamespace

import transaction
import ZODB
from BTrees.Length import Length

from records import clock
from records.process.index import StepIndex, month_of
from records.process.seed import load_processes
from records.process.worktime import default_worktime
from records.reports import steps as report
from records.seed import load_json

YEARS_OF_DUE_DAYS = 10
RECEIVING = ["000.00.01.H26", "000.00.02.H26", "000.00.03.H26", "000.01.01.H26",
             "000.01.02.H26"]


def fill(index, count, open_share, now, rng):
    processes = load_processes()
    worktime = default_worktime()
    fields = {p["code"]: p["field"] for p in load_json("procedures.json")["procedures"]}
    year_ago = now - datetime.timedelta(days=365)
    for i in range(count):
        process = processes[i % len(processes)]
        case = process["cases"][0]
        code = f"{RECEIVING[i % 5]}-{i:08d}"
        run = SimpleNamespace(code=code, procedure=process["procedure"], case=case["key"],
                              field=fields[process["procedure"]],
                              receiving_unit=RECEIVING[i % 5])
        ended = year_ago + datetime.timedelta(minutes=rng.randrange(365 * 24 * 60))
        steps = case["steps"]
        stays_open = rng.random() < open_share
        for number, step in enumerate(steps):
            budget = worktime.budget_minutes(step["budget"])
            unit = run.receiving_unit if step["unit"] == "receiving" else step["unit"]
            if stays_open and number == 1:
                due = now + datetime.timedelta(minutes=rng.randrange(-6000, 6000))
                index.note(run, SimpleNamespace(
                    key=step["key"], name=step["name"], unit=unit, role=step["role"],
                    assigned=None if i % 3 else "proc1", arrived_at=due, due_at=due,
                    budget_minutes=budget, paused=False))
                index.hold(code, run.field, due.date(), now)
                break
            minutes = int(rng.expovariate(1 / (budget * 0.7))) + 1
            index.finished(run, SimpleNamespace(key=step["key"], unit=unit, ended_at=ended,
                                                budget_minutes=budget), minutes)
        index.count(ended, run.field, "received_online" if i % 5 else "received_in_person",
                    code)
        if (i + 1) % 20000 == 0:
            transaction.commit()
    transaction.commit()


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--open", type=float, default=0.03)
    args = parser.parse_args()
    db = ZODB.DB(None)
    conn = db.open()
    root = conn.root()
    root["index"] = index = StepIndex()
    now = clock.now()
    # NB: the fill writes a year out of order, so no month closes while it runs; then last
    # month closes with the fill's open dossiers, as the first change of this month would.
    index.last_month = month_of(now)
    t0 = time.perf_counter()
    fill(index, args.dossiers, args.open, now, random.Random(11))
    index.last_month = month_of(now.replace(day=1) - datetime.timedelta(days=1))
    t1 = time.perf_counter()
    index.close_months(now)
    transaction.commit()
    print(f"closing last month ({len(index.pending):,} open): "
          f"{(time.perf_counter() - t1) * 1000:.0f} ms")
    print(f"filled {args.dossiers:,} dossiers in {time.perf_counter() - t0:.0f} s; "
          f"{len(index.stats):,} step aggregates, {len(index.open):,} open steps")
    conn.cacheMinimize()  # NB: as a fresh web process would: objects load from storage
    worktime = default_worktime()
    fields = sorted({p["field"] for p in load_json("procedures.json")["procedures"]})
    month = report.Filters(now.date().replace(day=1) - datetime.timedelta(days=1),
                           now.date())
    year = report.Filters(now.date() - datetime.timedelta(days=365), now.date())
    unit = report.Filters(now.date() - datetime.timedelta(days=365), now.date(),
                          unit="000.20.01.H26")
    for name, fn in (
        ("steps, one month", lambda: report.step_rows(index, month)),
        ("steps, one year", lambda: report.step_rows(index, year)),
        ("steps, one year, one unit", lambda: report.step_rows(index, unit)),
        ("overdue, first 200", lambda: report.overdue(index, year, now, worktime, 200)),
        ("due within 2 days, first 200",
         lambda: report.due_within(index, year, now, 2, worktime, 200)),
        ("national month", lambda: report.national_month(index, now.date().replace(day=1),
                                                         fields, now)),
        ("trend, one year", lambda: report.trend(index, year)),
        ("national month, carried over list",
         lambda: report.national_codes(index, now.date().replace(day=1), fields[0],
                                       "carried_over", now)),
        ("national month, pending late list",
         lambda: report.national_codes(index, now.date().replace(day=1), fields[0],
                                       "pending_late", now)),
    ):
        print(f"{name:32s} {timed(fn):8.1f} ms (median of 5)")
    # NB: a store that has run for years keeps a (zero) count for every field and due day
    # it has seen (records.process.held): the national month sums them all.
    for field in fields:
        for day in range(YEARS_OF_DUE_DAYS * 365):
            due = now.date() - datetime.timedelta(days=30 + day)
            index.held.by_due.setdefault((field, due.isoformat()), Length())
    transaction.commit()
    conn.cacheMinimize()
    took = timed(lambda: report.national_month(index, now.date().replace(day=1), fields, now))
    print(f"national month, {len(index.held.by_due):,} due-day counts {took:8.1f} ms "
          "(median of 5)")
    conn.close()
    db.close()


if __name__ == "__main__":
    main()
