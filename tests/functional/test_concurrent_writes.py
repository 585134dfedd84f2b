"""Many writers at once on one store: no ConflictError escapes the retries (issue "Scale on
real engines", point 5: "0 server errors" under load).

- Intake: threads in two processes receive dossiers at one branch at the same moment; every
  one gets a distinct code of the national format and none is answered 500.
- The structures every intake writes, against their consumers: threads append to the
  search outbox, the audit trail, the reading queue and the process index in slow
  transactions while a worker settles and drains the first three, as the delivery task, the
  sealer and the requeue sweep do; nothing a producer wrote conflicts with the worker's
  removals.
- The day's numbers (records.numbering): threads in two processes take numbers under one
  key; none is taken twice.

On RelStorage over SQLite and over a real PostgreSQL (the rig's).
"""
import datetime
import json
import multiprocessing
import re
import threading
import time
import types
import uuid

import pytest
import transaction
from webtest import TestApp
from ZODB.POSException import ConflictError

from records import audit, main
from records.audit import seal
from records.numbering import numbers_from_settings
from records.store import get_portal
from tests.conftest import BRANCH1, PASSWORD
from tests.functional.helpers import api_login
from tests.samples import pdf_bytes

pytestmark = pytest.mark.scale
BOTH_STORES = True
CODE = re.compile(r"^000\.00\.01\.H26-\d{6}-\d{4}$")
SPAWN = multiprocessing.get_context("spawn")  # NB: a child never shares the parent's store


def _intakes(settings, threads, each, results):
    """A child process: ``threads`` officers' clients, ``each`` intakes each, all starting
    together; puts ``(status, code or error text)`` per intake on ``results``."""
    app = main({}, **settings)
    barrier = threading.Barrier(threads)
    # NB: logged in one after the other (the intakes are what runs at once)
    clients = [TestApp(app) for _ in range(threads)]
    tokens = [api_login(web, "recv1", PASSWORD) for web in clients]

    def client(n):
        web, csrf = clients[n], tokens[n]
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            pass
        for i in range(each):
            data = {"procedure": "1.001193", "submission": uuid.uuid4().hex,
                    "applicant": {"kind": "person", "name": f"Công dân {n}-{i}",
                                  "id_number": f"0012{n:04d}{i:04d}"}}
            try:
                reply = web.post("/api/v1/dossiers", {"data": json.dumps(data)},
                                 upload_files=[("file.application", "don.pdf", pdf_bytes())],
                                 headers={"X-CSRF-Token": csrf}, status="*")
                results.put((reply.status_int, reply.json["code"] if reply.status_int == 201
                             else reply.text[-300:]))
            except Exception as e:  # NB: reported, so that the parent never waits for it
                results.put((0, repr(e)))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    app.registry.zodb.close()


def test_intakes_at_one_branch_from_two_processes_get_distinct_codes_and_no_500(
        wsgi, officers, settings, portal):
    threads, each = 6, 3
    results = SPAWN.Queue()
    children = [SPAWN.Process(target=_intakes, args=(settings, threads, each, results))
                for _ in range(2)]
    for child in children:
        child.start()
    replies = [results.get(timeout=600) for _ in range(2 * threads * each)]
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    failed = [r for r in replies if r[0] != 201]
    assert not failed, failed[:3]
    codes = [code for _, code in replies]
    assert len(set(codes)) == len(codes) == 2 * threads * each
    assert all(CODE.match(code) for code in codes)
    with portal() as p:
        assert all(code in p.dossiers for code in codes)
        assert set(codes) <= p.outbox.keys()


def _step(code, now):
    run = types.SimpleNamespace(code=code, procedure="1.001193", case="", field="Hộ tịch",
                                receiving_unit=BRANCH1)
    step = types.SimpleNamespace(key="receive", name="Tiếp nhận", unit="000.20.01.H26",
                                 role="processing", assigned=None, arrived_at=now,
                                 due_at=now + datetime.timedelta(days=3), budget_minutes=480,
                                 paused=False)
    return run, step


def _names(obj, path, out, depth=3):
    """oid → attribute path of the persistent objects under ``obj`` (a few levels)."""
    oid = getattr(obj, "_p_oid", None)
    if oid is None or oid in out:
        return
    out[oid] = path
    if depth == 0:
        return
    children = (getattr(obj, "__dict__", None) or {}).items()
    if hasattr(obj, "items") and hasattr(obj, "_p_jar") and depth > 1:
        children = list(children) + [(repr(k), v) for k, v in list(obj.items())[:50]]
    for name, child in children:
        if isinstance(child, tuple):
            for i, item in enumerate(child):
                _names(item, f"{path}.{name}[{i}]", out, depth - 1)
        else:
            _names(child, f"{path}.{name}", out, depth - 1)


def _what(conn, error):
    """The class and the place of the object a ConflictError names (for the message)."""
    oid = getattr(error, "oid", None)
    names = {}
    try:
        _names(conn.root()["portal"], "portal", names)
    except Exception:  # NB: only a better message
        pass
    return f"{getattr(error, 'class_name', '?')} {names.get(oid, repr(oid))}"


def _attempts(db, write, attempts, counts, pause=0.0):
    """``write(portal)`` in a transaction of its own, ``pause`` seconds before its commit
    (a slow request), retried on conflict; counts retries and conflicts left."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in range(attempts):
            try:
                with tm:
                    write(conn.root()["portal"])
                    time.sleep(pause)
                return
            except ConflictError as e:
                counts["retried" if attempt < attempts - 1 else "escaped"] += 1
                counts.setdefault("why", []).append(_what(conn, e))
    finally:
        conn.close()


def test_producers_never_conflict_with_the_workers_draining_the_queues(wsgi, db):
    producers, each, retries = 6, 15, 5
    with db.transaction() as conn:
        # NB: the month's close was done by the periodic task, as in production
        get_portal(conn.root()).process_index.close_months(
            datetime.datetime(2026, 12, 2, 0, 1, tzinfo=datetime.timezone.utc))
    counts = {"retried": 0, "escaped": 0}
    drained = {"retried": 0, "escaped": 0}
    done = threading.Event()
    serial = iter(range(1, 10 ** 6))
    lock = threading.Lock()

    def produce(n):
        for _ in range(each):
            with lock:
                code = f"{BRANCH1}-261202-{next(serial):04d}"

            def write(p):
                now = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.timezone.utc)
                p.outbox.add(code)
                audit.record(p, "receive", f"recv{n}", BRANCH1, code)
                p.reading_queue.note(uuid.uuid4().hex, time.time() - 7200)
                index = p.process_index
                index.note(*_step(code, now))
                index.hold(code, "Hộ tịch", now.date(), now)
                index.count(now, "Hộ tịch", "received_online", code)
            _attempts(db, write, retries, counts, pause=0.05)

    def drain(p):
        # NB: settling too, as a delivery does while the index is down (records.spread)
        p.outbox.settle(always=True)
        p.reading_queue.settle()
        p.outbox.done(p.outbox.batch(100))
        seal(p.audit)
        for file_id in p.reading_queue.older_than(time.time()):
            p.reading_queue.forget(file_id)

    def worker():
        while not done.is_set():
            _attempts(db, drain, 10, drained)
            time.sleep(0.01)

    consumer = threading.Thread(target=worker)
    consumer.start()
    threads = [threading.Thread(target=produce, args=(n,)) for n in range(producers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    consumer.join()
    _attempts(db, drain, 10, drained)
    total = producers * each
    print(f"producers: {total} transactions, {counts['retried']} retried; "
          f"worker: {drained['retried']} retried", counts.get("why"), drained.get("why"))
    assert counts["escaped"] == 0
    # NB: a few retries are left (two producers' keys meeting in a shard that splits); the
    # BTrees these replaced made nearly every producer retry while the worker drained them.
    assert counts["retried"] <= total // 10, counts
    with db.transaction() as conn:
        p = conn.root()["portal"]
        assert len(p.outbox) == 0 and len(p.reading_queue) == 0
        assert len(p.audit.pending) == 0 and p.audit.head_seq == total
        assert not audit.verify(p.audit)
        index = p.process_index
        assert len(index.open) == len(index.pending) == total
        assert len(index.codes("2026-12", "Hộ tịch", "received_online")) == total
        assert len(index.queued_at("000.20.01.H26")) == total


def _take(settings, key, count, results):
    numbers = numbers_from_settings(settings)
    barrier = threading.Barrier(4)
    taken = []

    def taker():
        barrier.wait()
        for _ in range(count):
            taken.append(numbers.take(key))

    threads = [threading.Thread(target=taker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(taken)


def test_numbers_taken_by_threads_of_two_processes_are_never_the_same(settings, store_engine):
    results = SPAWN.Queue()
    children = [SPAWN.Process(target=_take, args=(settings, "000.00.01.H26-261202", 50,
                                                  results)) for _ in range(2)]
    for child in children:
        child.start()
    taken = results.get(timeout=120) + results.get(timeout=120)
    for child in children:
        child.join(60)
    assert sorted(taken) == list(range(1, 401))
    numbers = numbers_from_settings(settings)
    assert numbers.take("000.00.01.H26-261202") == 401
    assert numbers.take("000.00.01.H26-261202", after=500) == 501  # the store's floor
    assert numbers.take("000.00.02.H26-261202") == 1  # per unit and day
    assert type(numbers).__name__ == {"sqlite": "SQLiteNumbers",
                                      "postgresql": "PostgreSQLNumbers"}[store_engine]
