"""The catalog at scale: lists, dashboard and intake over a large store on PostgreSQL.

Run: ``.venv/bin/python -m tests.bench.bench_scale [--dossiers 1000000] [--max-minutes 20]``

Starts the rig's PostgreSQL (durable: fsync on) and Redis, and generates the dossiers
straight into the store (RelStorage on PostgreSQL, config/zodb-postgresql.conf), in big
transactions (``--batch-days`` days each), through ``Dossiers.add`` and ``Dossier.record`` so
the catalog is kept as in production (tests.generate.generate_days: ``--per-day`` a day, in
time order within a day, newest days first, audit entries sealed per transaction; the
process index as the step engine keeps it, ``steps=True``). When ``--max-minutes`` are up
before ``--dossiers`` are made, it stops there (and says so): the store then covers the
most recent days. Then ``records serve`` runs on the store and each operation is timed over
HTTP: the dossier list, a filtered list, the dashboard for a month and for a year, the
held-up report by step (step figures, overdue and soon-due steps, the national monthly
report), the archive's records browse (all, and by year and unit) and disposal candidates,
and intake (``POST /api/v1/dossiers`` with a one-page PDF). Prints p50/p95 against the targets, the
web process's peak RSS, the generation time and the store's size in PostgreSQL.
``--keep DIR`` keeps the PostgreSQL cluster (and the store's blob cache) in ``DIR`` after the
run; ``--reuse DIR`` skips generation and times the store kept there (its generation figures
are read back from ``DIR/bench.json``), so the timing can be run again on a quiet machine;
with ``--dossiers`` above what it holds, the days before its oldest are generated first (a
run that stopped short is extended; the generation time printed is then the sum).
``--backlog N`` times it with N search outbox entries waiting, as while the index is down
(settled by the delivery, or ``--unsettled``: what a change cost for them before).
Not collected by pytest (no ``test_`` prefix).
"""
import argparse
import cProfile
import datetime
import json
import math
import os
import pstats
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import psycopg2
import requests
import transaction
from webtest import TestApp

from records import clock, main as records_main
from records.intake.receive import hash_pin, new_pin
from records.resources.users import User
from records.security import hash_password
from records.settings import apply_environment
from records.spread import ShardedQueue
from records.store import bootstrap, get_portal, open_database
from tests.conftest import production_store_settings
from tests.generate import generate_days
from tests.rig import free_port, stop_group
from tests.rig.postgresql import PostgreSQLServer
from tests.rig.redis import RedisServer
from tests.samples import pdf_bytes

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench-password-123"
TARGETS_MS = {"list": 200, "filtered list": 200, "dashboard month": 500,
              "dashboard year": 500, "held up by step": 500, "intake": 300,
              # NB: the archive's lists are lists too: the list's target
              "records": 200, "records by year": 200, "disposal": 200}
TARGET_RSS_MB = 500
APPLICANT = {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}


OID_RANGES = 2048  # RelStorage's ranges of 16 object ids, reserved per round trip


def reserve_oids(conn, dsn, low=20_000):
    """Give ``conn``'s RelStorage instance object ids in bulk when it has fewer than ``low``.

    NB: RelStorage takes 16 ids per round trip to PostgreSQL (``nextval('zoid_seq')``, its
    own transaction); a million dossiers need ~5 million ids, and on a loaded 2-core machine
    each round trip is 1–3 ms: minutes of the generation. Here the same sequence hands out
    ``OID_RANGES`` ranges at once, and the ids go where RelStorage keeps the ones it
    preallocated (largest first: ``pop()`` takes the smallest). Intake takes ~2 round trips
    a request, so production keeps RelStorage's own allocation."""
    oids = conn._storage._oids
    if len(oids.preallocated_oids) >= low:
        return
    with psycopg2.connect(dsn) as pg, pg.cursor() as cursor:
        cursor.execute("SELECT nextval('zoid_seq') FROM generate_series(1, %s)", (OID_RANGES,))
        reserved = [oid for (n,) in cursor.fetchall() for oid in range(n * 16, n * 16 - 16, -1)]
    oids.preallocated_oids = sorted(oids.preallocated_oids + reserved, reverse=True)
    oids.max_allocated_oid = max(oids.max_allocated_oid, oids.preallocated_oids[0])


def generate_store(settings, wanted, per_day, batch_days, max_minutes, rng_seed=2025,
                   before=None):
    """Generate up to ``wanted`` dossiers, ``per_day`` a day, newest days first, ``batch_days``
    days per transaction; stops when ``max_minutes`` are up. Returns (count, seconds, first
    day). The store always ends today: stopping early leaves out the oldest days. With
    ``before`` (a date), a kept store is extended: the days before it are generated."""
    db = open_database(settings)
    bootstrap(db)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    dsn = settings["zodbconn.dsn"]
    rng = random.Random(rng_seed if before is None else before.toordinal())
    if before is None:
        with tm:
            portal = get_portal(conn.root())
            digest = hash_password(PASSWORD)
            for login, role, unit in (("bench.super", "supervisor", "000.00.00.H26"),
                                      ("bench.recv", "receiving", "000.00.01.H26"),
                                      ("bench.arch", "archivist", "000.00.00.H26")):
                portal.users.add(login, User(login, "Bench", digest, {role}, unit))
    done, started, batches = 0, time.monotonic(), 0
    last = clock.today() if before is None else before - datetime.timedelta(days=1)
    first = last
    reported = started
    while done < wanted:
        days = min(batch_days, max(1, math.ceil((wanted - done) / per_day)))
        first = last - datetime.timedelta(days=days - 1)
        with tm:
            reserve_oids(conn, dsn)
            done += generate_days(get_portal(conn.root()), first, days, per_day, rng,
                                  steps=True)
        conn.cacheGC()
        batches += 1
        last = first - datetime.timedelta(days=1)
        elapsed = time.monotonic() - started
        if time.monotonic() - reported > 60 or batches == 1:
            reported = time.monotonic()
            print(f"generation: {done:,} in {elapsed:.0f} s ({done / elapsed:,.0f}/s overall), "
                  f"back to {first}", flush=True)
        if elapsed > max_minutes * 60 and done < wanted:
            print(f"generation: {max_minutes} min are up; stopping at {done:,} "
                  f"(the store covers {first} to {clock.today()})", flush=True)
            break
    seconds = time.monotonic() - started
    conn.close()
    db.close()
    return done, seconds, first


class Server:
    def __init__(self, env, log_path):
        self.port = free_port()
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "records.cli", "-c", str(ROOT / "config/testing.ini"),
             "serve", "--listen", f"127.0.0.1:{self.port}"],
            env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}"
        self.peak = 0
        self._stop = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self):
        proc = psutil.Process(self.process.pid)
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, proc.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)

    def wait(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit("records serve exited; see its log")
            try:
                requests.get(self.url + "/login", timeout=5)
                return
            except requests.ConnectionError:
                time.sleep(0.5)
        raise SystemExit("records serve did not answer")

    def stop(self):
        self._stop.set()
        stop_group(self.process)
        self.log.close()


def session(url, login):
    s = requests.Session()
    reply = s.post(url + "/api/v1/session", json={"login": login, "password": PASSWORD})
    reply.raise_for_status()
    s.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
    return s


def deliver_outbox(settings, backlog=0, settled=True):
    """Empty the search outbox as the worker's delivery keeps it (no worker runs here, so
    the generated dossiers' entries stay queued); then, with ``backlog``, leave that many
    entries waiting, as while the index is down (``settled``: into the backlog, as the
    delivery does then; else all in the queues the requests put into, as before it did).
    Returns how many entries there were.

    NB: an unsettled entry is rewritten with its shard at every put (records.spread): with
    the 828,665 generated dossiers' entries left there, each intake pickled ~2.6 MB (its
    shards' queues) and missed its budget. The search index itself is not this bench's."""
    db = open_database(settings)
    try:
        with db.transaction() as conn:
            outbox = conn.root()["portal"].outbox
            count = len(outbox.queue)
            if count:
                outbox.queue = ShardedQueue()
            stamp = time.time_ns()
            for n in range(backlog):
                key = f"backlog-{n:08d}"
                outbox.queue.put((key, stamp + n), key)
            if settled:
                outbox.settle(always=True)
        return count
    finally:
        db.close()


def profile_intake(settings, pdf, data, count, top=30):
    """Profile ``count`` intakes in this process (WebTest over the same app and store as the
    server): where an intake's time goes, commit on PostgreSQL included."""
    app = TestApp(records_main({}, **settings))
    app.post_json("/api/v1/session", {"login": "bench.recv", "password": PASSWORD})
    csrf = app.post_json("/api/v1/session", {"login": "bench.recv",
                                             "password": PASSWORD}).json["csrf_token"]

    def intake():
        app.post("/api/v1/dossiers", {"data": data},
                 upload_files=[("file.application", "tk.pdf", pdf)],
                 headers={"X-CSRF-Token": csrf}, status=201)
    intake()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        intake()
    profiler.disable()
    print(f"\nintake in process: {(time.perf_counter() - start) / count * 1000:.0f} ms each "
          f"(under the profiler); cumulative time per call:")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    print("own time per function:")
    stats.sort_stats("tottime").print_stats(top)
    app.app.registry.zodb.close()


def timed(call, reps, warmup=2):
    for _ in range(warmup):
        call()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def ok(reply, status=200):
    if reply.status_code != status:
        raise SystemExit(f"{reply.request.method} {reply.url}: {reply.status_code} "
                         f"{reply.text[:300]}")
    return reply


def main():
    # NB: SIGTERM ends the run through the finally below, which stops PostgreSQL and Redis.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--per-day", type=int, default=1040,
                        help="dossiers a day (Quảng Ninh, 7/2025: 31,637 a month)")
    parser.add_argument("--batch-days", type=int, default=5,
                        help="days generated per transaction")
    parser.add_argument("--max-minutes", type=float, default=20)
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--profile-intake", type=int, default=0, metavar="N",
                        help="then profile N intakes in this process and print where the "
                             "time goes")
    parser.add_argument("--skip", action="append", default=[], metavar="OPERATION",
                        help="leave out an operation (e.g. 'records by year'); repeatable")
    parser.add_argument("--backlog", type=int, default=0, metavar="N",
                        help="time with N search outbox entries waiting (the index down)")
    parser.add_argument("--unsettled", action="store_true",
                        help="with --backlog: left where the requests put them, as before "
                             "the delivery settled them")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", metavar="DIR", type=Path,
                      help="keep the PostgreSQL cluster in DIR (new) after the run")
    kept.add_argument("--reuse", metavar="DIR", type=Path,
                      help="time the store kept in DIR by --keep: no generation")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    base = Path(tempfile.mkdtemp(prefix="records-bench-scale-"))
    kept_dir = args.keep or args.reuse
    if args.keep and args.keep.exists() and any(args.keep.iterdir()):
        raise SystemExit(f"--keep {args.keep}: not empty (use --reuse to time it)")
    if args.reuse and not (args.reuse / "bench.json").exists():
        raise SystemExit(f"--reuse {args.reuse}: no bench.json (not made by --keep)")
    # NB: RelStorage takes an advisory lock per changed object at commit; a big generating
    # transaction changes tens of thousands (PostgreSQL's default allows ~6,400 in all).
    # Checkpoints spaced out as a bulk load wants them (fsync stays on: durable).
    pg = PostgreSQLServer(durable=True, shared_buffers="512MB",
                          max_locks_per_transaction="8192", max_wal_size="8GB",
                          checkpoint_timeout="30min",
                          base_dir=kept_dir and kept_dir / "postgresql", keep=bool(kept_dir))
    pg.start()
    redis = RedisServer(base).start()
    server = None
    var_dir = kept_dir / "var" if kept_dir else base / "var"
    try:
        if args.reuse:
            kept_run = json.loads((args.reuse / "bench.json").read_text())
            name, count, seconds = kept_run["database"], kept_run["count"], kept_run["seconds"]
            first_day = datetime.date.fromisoformat(kept_run["first_day"])
        else:
            name = pg.create_database()
        store = production_store_settings(pg.dsn(name))
        settings = apply_environment(dict(store, **{"records.var_dir": str(var_dir),
                                                    "records.secret": "b" * 40}))
        if args.reuse:
            print(f"reusing {args.reuse}: {count:,} dossiers generated in {seconds:.0f} s "
                  f"({count / seconds:,.0f}/s) back to {first_day}, on {kept_run['date']}")
            if args.dossiers > count:  # NB: a kept store that stopped short is extended
                more, more_seconds, first_day = generate_store(
                    settings, args.dossiers - count, args.per_day, args.batch_days,
                    args.max_minutes, before=first_day)
                print(f"extended by {more:,} dossiers in {more_seconds:.0f} s "
                      f"({more / more_seconds:,.0f}/s), back to {first_day}")
                count, seconds = count + more, seconds + more_seconds
                kept_run.update(count=count, seconds=seconds, first_day=first_day.isoformat(),
                                extended=kept_run.get("extended", []) + [
                                    {"count": more, "seconds": more_seconds,
                                     "date": clock.today().isoformat()}])
                (args.reuse / "bench.json").write_text(json.dumps(kept_run))
            # NB: evolve here, as `records evolve` would before the web starts: a step that
            # builds an index over a million entries must not run in the web process timed.
            started = time.monotonic()
            db = open_database(settings)
            generation = bootstrap(db)
            db.close()
            print(f"store at generation {generation} ({time.monotonic() - started:.0f} s)")
        else:
            count, seconds, first_day = generate_store(settings, args.dossiers, args.per_day,
                                                       args.batch_days, args.max_minutes)
            print(f"generated {count:,} dossiers in {seconds:.0f} s ({count / seconds:,.0f}/s)")
        print(f"search outbox: {deliver_outbox(settings, args.backlog, not args.unsettled):,} "
              f"entries taken as delivered; {args.backlog:,} left waiting"
              f"{' (unsettled)' if args.unsettled else ''}")
        if args.keep:
            (args.keep / "bench.json").write_text(json.dumps({
                "database": name, "count": count, "seconds": seconds,
                "first_day": first_day.isoformat(), "date": clock.today().isoformat()}))
        size = pg.execute(f"SELECT pg_database_size('{name}')")[0][0]
        print(f"store in PostgreSQL: {size / 2**20:,.0f} MiB "
              f"({size / count / 1024:.1f} KiB per dossier, history kept)")
        env = dict(os.environ, RECORDS_VAR_DIR=str(var_dir),
                   RECORDS_ZODB_URI=store["zodbconn.uri"], RECORDS_STORE_DSN=store["zodbconn.dsn"],
                   CELERY_BROKER_URL=redis.url, SEARCH_BACKEND="embedded",
                   RECORDS_SECRET="b" * 40)
        server = Server(env, base / "serve.log")
        server.wait()
        officer, clerk = session(server.url, "bench.super"), session(server.url, "bench.recv")
        archivist = session(server.url, "bench.arch")
        today = clock.today()
        last_month = (today.replace(day=1) - datetime.timedelta(days=1))
        # NB: the year before this one when the store covers it whole, else this year
        year = today.year - 1 if first_day <= datetime.date(today.year - 1, 1, 1) else today.year
        pdf = pdf_bytes("Tờ khai")
        data = json.dumps({"procedure": "1.001193", "applicant": APPLICANT})
        operations = {
            "list": lambda: ok(officer.get(server.url + "/api/v1/dossiers")),
            "filtered list": lambda: ok(officer.get(
                server.url + "/api/v1/dossiers",
                params={"state": "in_processing", "unit": "000.20.01.H26"})),
            "dashboard month": lambda: ok(officer.get(
                server.url + "/api/v1/dashboard", params={"month": f"{last_month:%Y-%m}"})),
            "dashboard year": lambda: ok(officer.get(
                server.url + "/api/v1/dashboard", params={"year": str(year)})),
            # where dossiers are held up, per step (records.reports): the step figures of
            # last month, the overdue and soon-due steps, the national monthly report, trend
            "held up by step": lambda: ok(officer.get(
                server.url + "/api/v1/reports/steps",
                params={"from": f"{last_month:%Y-%m}-01", "to": last_month.isoformat()})),
            # the archive browse (records.archive.browse) and its disposal candidates
            "records": lambda: ok(archivist.get(server.url + "/api/v1/archive/records")),
            "records by year": lambda: ok(archivist.get(
                server.url + "/api/v1/archive/records",
                params={"year": str(year), "unit": "000.20.01.H26", "page": "3"})),
            "disposal": lambda: ok(archivist.get(server.url + "/api/v1/archive/disposal")),
            "intake": lambda: ok(clerk.post(
                server.url + "/api/v1/dossiers", data={"data": data},
                files={"file.application": ("tk.pdf", pdf, "application/pdf")}), 201),
        }
        # NB: the baseline, in the same run: a reply that reads nothing of the store (the HTTP
        # round trip, the session, a JSON body), and the PIN hash that every intake computes
        # (argon2id, in this process: the machine's speed at this moment).
        base_http = timed(lambda: ok(officer.get(server.url + "/api/v1/openapi.json")), args.reps)
        base_pin = timed(lambda: hash_pin(new_pin()), args.reps)
        print(f"\nbaseline: GET /api/v1/openapi.json p50/p95 {base_http[0]:.0f}/"
              f"{base_http[1]:.0f} ms; argon2id PIN hash {base_pin[0]:.0f}/{base_pin[1]:.0f} ms")
        print(f"\n{'operation':<17} {'p50 ms':>8} {'p95 ms':>8} {'target p95':>11}"
              f"  {'web RSS after':>14}")
        failed = False
        for label, call in operations.items():
            if label in args.skip:
                print(f"{label:<17} {'skipped':>17}")
                continue
            p50, p95 = timed(call, args.reps)
            meets = p95 <= TARGETS_MS[label]
            failed |= not meets
            print(f"{label:<17} {p50:>8.0f} {p95:>8.0f} {TARGETS_MS[label]:>8} ms "
                  f"{'ok' if meets else 'MISSED':<6} {server.peak / 2**20:>6.0f} MB peak")
        total = ok(officer.get(server.url + "/api/v1/dossiers")).json()["total"]
        received = ok(officer.get(server.url + "/api/v1/dashboard",
                              params={"year": str(year)})).json()["received"]
        print(f"\nlist total {total:,}; dashboard {year}: {received:,} received")
        rss = server.peak / 2**20
        print(f"web process peak RSS {rss:.0f} MB (target < {TARGET_RSS_MB} MB) "
              f"{'ok' if rss < TARGET_RSS_MB else 'MISSED'}")
        print(f"dossiers {count:,}; generation {seconds:.0f} s ({count / seconds:,.0f}/s); "
              f"load {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
              f"{os.getloadavg()[2]:.1f} on {os.cpu_count()} cores")
        if args.profile_intake:
            server.stop()
            server = None
            profile_intake(dict(settings, **{"celery.broker_url": redis.url,
                                             "search.backend": "embedded"}),
                           pdf, data, args.profile_intake)
        return 1 if failed or rss >= TARGET_RSS_MB else 0
    finally:
        if server is not None:
            server.stop()
        redis.stop()
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
