"""Several web and worker processes under load, and what survives killing one of each.

Run: ``.venv/bin/python -m tests.bench.bench_load [--clients 50] [--seconds 60]
[--es-nodes 3] [--max-minutes 30]``

Starts the rig's PostgreSQL (durable), Redis and an Elasticsearch cluster (``--es-nodes``: 3,
one replica; 1 for a quick run), all on loopback, then 2 web processes (``records serve``,
16 threads each) and 2 worker processes (``records worker -n 1``; the first with ``--beat``,
which re-sends lost reading) on one store (RelStorage on PostgreSQL), one broker, one limiter
(Redis) and the cluster. Setup publishes a few e-results through the API.

Reading scales: ``--scaling-files`` scans are received with one worker running, then as many
with both; the time until every one is read gives files/min with 1 and with 2 workers.

Phase 1 (``--seconds``): ``--clients`` threads, each with its own HTTP connections, mix
intake with uploads (a born-digital PDF or, one time in ``1/--scan-every``, a scanned page),
officer search (Elasticsearch), citizen lookup (code + PIN, the public form) and e-result
download, as fast as the servers answer. Prints requests/s and p50/p95 per operation and
the count of server errors (5xx: must be 0).

Phase 2 (``--seconds`` again): the same load; halfway, the second web process and the
second worker are SIGKILLed (their whole process groups). NB: the clients fail over: a
request whose connection is refused or cut is sent once more to the other web process
(what a load balancer, or a client with two addresses, does). An intake carries a one-time
``submission`` token, so an intake that committed but lost its reply is answered 409 with
its code when sent again: it counts as accepted, never twice. Afterwards every intake that
got a 2xx (or that 409) must be in the store with its file (same SHA-256), and every file
must end ``done`` (a task taken by the killed worker is delivered again: late
acknowledgement; a lost send is re-sent by the beat's requeue sweep) within
``--drain-minutes``. Prints the counts; the exit status is 1 when anything was lost or any
server error was seen. Bounded: ``--max-minutes`` stops the whole run.
Not collected by pytest (no ``test_`` prefix).
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import requests

from records.resources.users import User
from records.security import hash_password
from records.settings import apply_environment
from records.store import bootstrap, get_portal, open_database
from tests.conftest import production_store_settings
from tests.rig import free_port, stop_group
from tests.rig.elasticsearch import ElasticsearchServer
from tests.rig.escluster import ElasticsearchCluster
from tests.rig.postgresql import PostgreSQLServer
from tests.rig.redis import RedisServer
from tests.rig.worker import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "load-password-123"
BRANCH, JUSTICE, CENTRE = "000.00.01.H26", "000.20.01.H26", "000.00.00.H26"
BRANCHES = (BRANCH, "000.00.02.H26", "000.01.01.H26")
# NB: receiving officers at three branches, as a centre has (the day's numbers of one unit
# are taken outside the store, records.numbering: intakes at one branch do not conflict).
USERS = {"load.recv": ({"receiving"}, BRANCH), "load.recv2": ({"receiving"}, BRANCHES[1]),
         "load.recv3": ({"receiving"}, BRANCHES[2]), "load.proc": ({"processing"}, JUSTICE),
         "load.lead": ({"leader"}, JUSTICE), "load.super": ({"supervisor"}, CENTRE)}
RECEIVERS = ("load.recv", "load.recv2", "load.recv3")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
         "Vũ Thị Gấm", "Đặng Văn Hùng", "Bùi Thị Lan")
# operation → weight in the mix
MIX = {"intake": 3, "search": 3, "lookup": 2, "download": 2}
INI = """[app:main]
use = egg:records
pyramid.default_locale_name = vi
records.var_dir = {var}
records.public_url = http://localhost:6543
records.max_upload_bytes = 10485760
retry.attempts = 8
search.backend = elasticsearch
search.replicas = {replicas}
search.timeout = 10
# NB: every citizen of the bench comes from 127.0.0.1; the limits count failures only,
# and the bench looks up with the right PIN, but set them high so no refusal is mistaken.
records.lookup_max_failures = 100000
records.lookup_max_failures_per_address = 100000

[server:main]
use = egg:waitress#main
threads = 16
"""


# -- processes ----------------------------------------------------------------------------

class Web:
    """One ``records serve`` in a process group of its own (so a SIGKILL takes it whole)."""

    def __init__(self, ini, env, log_path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "records.cli", "-c", str(ini), "serve", "--listen",
             f"127.0.0.1:{self.port}"], env=env, cwd=ROOT, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, timeout=300):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"records serve exited; see {self.log.name}")
            try:
                requests.get(self.url + "/login", timeout=5)
                return self
            except requests.ConnectionError:
                time.sleep(0.5)
        raise SystemExit("records serve did not answer")

    def kill(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stop(self):
        stop_group(self.process)
        self.log.close()


# -- sample files -------------------------------------------------------------------------

def sample_files(count=3):
    """``(born-digital PDFs, scanned PDFs)``: small real documents (tests.docgen)."""
    from tests import docgen  # NB: PIL and fonts; only the bench needs them
    docs = docgen.documents()[:count]
    born = [docgen.born_digital_bytes([doc]) for doc in docs]
    scans = [docgen.image_pdf_bytes([docgen.low_dpi(docgen.scan_image(doc, seed=i, grey=True),
                                                    200)])
             for i, doc in enumerate(docs)]
    return born, scans


# -- the clients --------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)       # operation → ms of the successful ones
        self.statuses = Counter()            # (operation, status) of every reply
        self.server_errors = []              # (operation, status, url, body head)
        self.failovers = 0                   # requests sent again to the other web process
        self.unreachable = Counter()         # operation → requests no web process answered
        self.timed_out = Counter()           # operation → requests not answered in REPLY_S
        self.accepted = {}                   # dossier code → sha256 of its file
        self.refused_twice = 0               # an intake's resend answered 409 (committed)

    def reply(self, op, status, ms, url="", body=""):
        with self.lock:
            self.statuses[(op, status)] += 1
            if status >= 500:
                self.server_errors.append((op, status, url, body[:200]))
            elif status < 400:
                self.times[op].append(ms)


class Unreachable(Exception):
    pass


class NoReply(Exception):
    """A request a web process took but did not answer within :data:`REPLY_S`."""


REPLY_S = 120


class Client(threading.Thread):
    """One simulated user at a time: a receiving officer, a processing officer searching, or
    a citizen with a receipt; ``order`` is its list of web addresses, preferred first."""

    def __init__(self, index, order, shared, stats, until, rng_seed):
        super().__init__(daemon=True)
        self.order = list(order)
        self.shared = shared
        self.stats = stats
        self.until = until
        self.rng = random.Random(rng_seed)
        self.index = index
        self.officer = self._session(shared["cookies"][RECEIVERS[index % len(RECEIVERS)]])
        self.searcher = self._session(shared["cookies"]["load.super"])
        self.citizen = None   # (session, code, result_id) after a lookup
        self.sequence = 0

    @staticmethod
    def _session(cookies):
        s = requests.Session()
        s.cookies.update(cookies["cookies"])
        s.headers["X-CSRF-Token"] = cookies["csrf"]
        return s

    def send(self, session, method, path, **kw):
        """The request on the preferred address; on a refused or cut connection, once more
        on the next one (which then becomes the preferred one)."""
        for attempt, base in enumerate(list(self.order)):
            try:
                return session.request(method, base + path, timeout=REPLY_S, **kw)
            except requests.exceptions.Timeout:
                raise NoReply(path) from None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                if attempt == len(self.order) - 1:
                    raise Unreachable(path) from None
                with self.stats.lock:
                    self.stats.failovers += 1
                self.order.append(self.order.pop(0))
        raise Unreachable(path)

    def run(self):
        ops, weights = list(MIX), list(MIX.values())
        while time.monotonic() < self.until:
            op = self.rng.choices(ops, weights)[0]
            if op in ("lookup", "download") and not self.shared["published"]:
                op = "search"
            try:
                getattr(self, op)()
            except Unreachable:
                with self.stats.lock:
                    self.stats.unreachable[op] += 1
            except NoReply:
                with self.stats.lock:
                    self.stats.timed_out[op] += 1

    def timed(self, op, session, method, path, ok=(200,), **kw):
        start = time.perf_counter()
        reply = self.send(session, method, path, **kw)
        ms = (time.perf_counter() - start) * 1000
        self.stats.reply(op, reply.status_code, ms, path, reply.text if
                         reply.status_code >= 500 else "")
        return reply

    def intake(self):
        self.sequence += 1
        scan = self.rng.random() < self.shared["scan_share"]
        pool = self.shared["scans" if scan else "born"]
        body = pool[self.rng.randrange(len(pool))]
        token = uuid.uuid4().hex
        data = {"procedure": "1.001193", "submission": token,
                "applicant": {"kind": "person", "name": self.rng.choice(NAMES),
                              "id_number": f"001{self.rng.randrange(10 ** 9):09d}"}}
        reply = self.timed("intake", self.officer, "POST", "/api/v1/dossiers",
                           data={"data": json.dumps(data)},
                           files={"file.application": ("ho-so.pdf", body, "application/pdf")})
        sha = self.shared["sha"][body]
        if reply.status_code == 201:
            code = reply.json()["code"]
        elif reply.status_code == 409 and "code" in reply.text:
            # NB: the first send committed and its reply was lost (the web process died)
            code = re.search(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}", reply.text)[0]
            with self.stats.lock:
                self.stats.refused_twice += 1
        else:
            return
        with self.stats.lock:
            self.stats.accepted[code] = sha

    def search(self):
        self.timed("search", self.searcher, "POST", "/api/v1/search",
                   json={"q": self.rng.choice(NAMES).split()[-1].lower(), "kind": "dossier"})

    def _look_up(self, op):
        code, pin, result_id = self.rng.choice(self.shared["published"])
        session = requests.Session()
        form = self.send(session, "GET", "/lookup", params={"code": code})
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        reply = self.timed(op, session, "POST", "/lookup",
                           data={"code": code, "pin": pin,
                                 "csrf_token": csrf[1] if csrf else ""})
        if reply.status_code == 200 and reply.url.endswith("/lookup/status"):
            self.citizen = (session, code, result_id)
        else:
            self.citizen = None

    def lookup(self):
        self._look_up("lookup")

    def download(self):
        if self.citizen is None:
            self._look_up("lookup")
            if self.citizen is None:
                return
        session, _, result_id = self.citizen
        reply = self.timed("download", session, "GET", f"/lookup/download/{result_id}")
        if reply.status_code == 200 and not reply.content.startswith(b"%PDF"):
            with self.stats.lock:
                self.stats.statuses[("download", "not a PDF")] += 1
        if reply.status_code == 401:
            self.citizen = None


class Waits(threading.Thread):
    """Samples PostgreSQL's backends every 2 s while the load runs: the longest any waited
    on a lock or ran one statement, with what it ran (to tell a stall from a slow machine)."""

    def __init__(self, dsn):
        super().__init__(daemon=True)
        self.dsn = dsn
        self.longest = {}        # (wait event, query head) → longest seconds seen
        self.stop = threading.Event()

    def run(self):
        import psycopg2
        conn = psycopg2.connect(self.dsn)
        conn.autocommit = True
        while not self.stop.wait(2):
            with conn.cursor() as cur:
                cur.execute("SELECT coalesce(wait_event_type || ':' || wait_event, state), "
                            "left(regexp_replace(query, '\\s+', ' ', 'g'), 70), "
                            "extract(epoch FROM now() - coalesce(query_start, now())) "
                            "FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
                            "AND state = 'active' AND backend_type = 'client backend'")
                for wait, query, secs in cur.fetchall():
                    key = (wait, query)
                    self.longest[key] = max(self.longest.get(key, 0), float(secs))
        conn.close()

    def report(self, over=5):
        """Print what was seen since the last report, and start again."""
        seen, self.longest = self.longest, {}
        slow = sorted(((s, k) for k, s in seen.items() if s >= over), reverse=True)
        print(f"PostgreSQL statements active {over} s or longer: {len(slow)}")
        for secs, (wait, query) in slow[:8]:
            print(f"  {secs:6.1f} s  {wait:<28} {query}")


def run_phase(label, webs, shared, clients, seconds, midway=None):
    """``clients`` threads for ``seconds``; ``midway()`` is called halfway (the kills)."""
    stats = Stats()
    until = time.monotonic() + seconds
    threads = []
    for i in range(clients):
        order = [webs[(i + k) % len(webs)].url for k in range(len(webs))]
        threads.append(Client(i, order, shared, stats, until, rng_seed=hash((label, i))))
    start = time.monotonic()
    for t in threads:
        t.start()
    if midway is not None:
        time.sleep(seconds / 2)
        midway()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    report(label, stats, elapsed)
    return stats


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))]


def report(label, stats, elapsed):
    total = sum(stats.statuses.values())
    print(f"\n{label}: {total:,} replies in {elapsed:.0f} s = {total / elapsed:.1f} requests/s "
          f"(load {' '.join(f'{x:.1f}' for x in os.getloadavg())})")
    print(f"{'operation':<10} {'ok':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}  other replies")
    for op in MIX:
        times = stats.times.get(op, [])
        other = {s: n for (o, s), n in stats.statuses.items() if o == op and
                 not (isinstance(s, int) and s < 400)}
        line = (f"{op:<10} {len(times):>6} {len(times) / elapsed:>7.1f} "
                f"{statistics.median(times) if times else 0:>8.0f} "
                f"{pct(times, 0.95) if times else 0:>8.0f}  {other or ''}")
        print(line)
    print(f"server errors (5xx): {len(stats.server_errors)}; failed over to the other web "
          f"process: {stats.failovers}; answered by no web process: "
          f"{sum(stats.unreachable.values())}; not answered in {REPLY_S} s: "
          f"{sum(stats.timed_out.values())} {dict(stats.timed_out) or ''}; "
          f"intakes accepted: {len(stats.accepted)}"
          + (f" ({stats.refused_twice} of them when sent again: 409 naming the code)"
             if stats.refused_twice else ""))
    for op, status, url, body in stats.server_errors[:5]:
        print(f"  {status} {op} {url}: {body!r}")


# -- setup and checks ---------------------------------------------------------------------

def make_users(settings):
    db = open_database(settings)
    bootstrap(db)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        digest = hash_password(PASSWORD)
        for login, (roles, unit) in USERS.items():
            portal.users.add(login, User(login, login, digest, roles, unit))
    db.close()


def api_session(url, login):
    s = requests.Session()
    reply = s.post(url + "/api/v1/session", json={"login": login, "password": PASSWORD},
                   timeout=60)
    reply.raise_for_status()
    s.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
    return s


def ok(reply, status=(200,)):
    if reply.status_code not in status:
        raise SystemExit(f"{reply.request.method} {reply.url}: {reply.status_code} "
                         f"{reply.text[:400]}")
    return reply


def publish_results(url, count, born):
    """``count`` dossiers taken to a published e-result through the API: [(code, pin, id)]."""
    recv, proc, lead = (api_session(url, u) for u in ("load.recv", "load.proc", "load.lead"))
    out = []
    for i in range(count):
        data = {"procedure": "1.001193",
                "applicant": {"kind": "person", "name": NAMES[i % len(NAMES)],
                              "id_number": f"0012030{i:05d}"}}
        reply = ok(recv.post(url + "/api/v1/dossiers", data={"data": json.dumps(data)},
                             files={"file.application": ("tk.pdf", born[0], "application/pdf")}),
                   (201,)).json()
        code, pin = reply["code"], reply["pin"]
        ok(recv.post(f"{url}/api/v1/dossiers/{code}/actions",
                     json={"action": "transfer", "processing_unit": JUSTICE}))
        result = ok(proc.post(f"{url}/api/v1/dossiers/{code}/results",
                              data={"doc_type": "TRÍCH LỤC KHAI SINH",
                                    "number_symbol": f"{i + 1}/TLKS-UBND",
                                    "issuer": "UBND phường Hàng Bạc",
                                    "issue_date": "2026-01-05"},
                              files={"file": ("ket-qua.pdf", born[1 % len(born)],
                                              "application/pdf")}), (201,)).json()
        ok(lead.post(f"{url}/api/v1/dossiers/{code}/actions", json={"action": "approve"}))
        ok(lead.post(f"{url}/api/v1/dossiers/{code}/results/{result['result_id']}/publish"))
        out.append((code, pin, result["result_id"]))
    return out


def reading_states(db, codes):
    """{code: (present, sha256s of its component files, their reading states)} from the store."""
    out = {}
    with db.transaction() as conn:
        dossiers = get_portal(conn.root()).dossiers
        for code in codes:
            dossier = dossiers.get(code)
            if dossier is None:
                out[code] = (False, (), ())
                continue
            versions = [v for c in dossier.ordered_components() for v in c.versions]
            out[code] = (True, tuple(v.sha256 for v in versions),
                         tuple(v.reading.state for v in versions))
    return out


def wait_read(db, codes, minutes, label):
    """Seconds until every file of ``codes`` is read (or None when ``minutes`` run out)."""
    start = time.monotonic()
    deadline = start + minutes * 60
    while True:
        states = reading_states(db, codes)
        pending = sum(1 for _, _, s in states.values() for x in s if x not in ("done", "failed"))
        if not pending:
            return time.monotonic() - start, states
        if time.monotonic() > deadline:
            print(f"{label}: {pending} files still not read after {minutes} min")
            return None, states
        time.sleep(2)


def scaling(db, webs, workers, shared, count, drain_minutes):
    """Files/min read with one worker, then with two (scans: OCR is the slow part)."""
    recv = api_session(webs[0].url, "load.recv")
    rates = []
    for running in (1, 2):
        if running == 2:
            workers[1].start()
        codes = []
        for i in range(count):
            data = {"procedure": "1.001193",
                    "applicant": {"kind": "person", "name": NAMES[i % len(NAMES)],
                                  "id_number": f"0019{running}{i:07d}"}}
            scan = shared["scans"][i % len(shared["scans"])]
            codes.append(ok(recv.post(webs[0].url + "/api/v1/dossiers",
                                      data={"data": json.dumps(data)},
                                      files={"file.application": ("scan.pdf", scan,
                                                                  "application/pdf")}),
                            (201,)).json()["code"])
        seconds, _ = wait_read(db, codes, drain_minutes, f"{running} worker(s)")
        rates.append(count / seconds * 60 if seconds else None)
        print(f"reading {count} scans with {running} worker process(es): "
              + (f"{seconds:.0f} s, {rates[-1]:.1f} files/min" if seconds else "not finished"),
              flush=True)
    if all(rates):
        print(f"scaling 1 → 2 workers: ×{rates[1] / rates[0]:.2f} "
              f"(load {' '.join(f'{x:.1f}' for x in os.getloadavg())})")


def _object_names(obj, path, out, depth):
    """oid → a name (``portal.catalog.received``, ``… bucket``) for the persistent objects
    under ``obj``: attributes, fixed shards, and the inner nodes and buckets of BTrees."""
    oid = getattr(obj, "_p_oid", None)
    if oid is None or oid in out or depth < 0:
        return
    out[oid] = path
    obj._p_activate()  # NB: a ghost's __dict__ is empty
    if type(obj).__name__.endswith(("BTree", "TreeSet")):
        state = obj.__getstate__()
        if state and len(state) == 2:  # NB: not a single inline bucket
            for child in state[0][::2]:
                _object_names(child, path + " bucket", out, depth - 1)
        if depth > 2:
            for key, value in (obj.items() if hasattr(obj, "items") else ())[:200]:
                _object_names(value, f"{path}[…]", out, depth - 2)
        return
    for name, child in (getattr(obj, "__dict__", None) or {}).items():
        for i, item in enumerate(child if isinstance(child, tuple) else (child,)):
            _object_names(item, f"{path}.{name}" + (f"[{i}]" if isinstance(child, tuple)
                                                    else ""), out, depth - 1)


def error_causes(db, log_text):
    """The exceptions in a web log, counted by cause; a ConflictError by the object it names
    (``0x…`` oid resolved against the store)."""
    names = {}
    with db.transaction() as conn:
        _object_names(conn.root()["portal"], "portal", names, 5)
        names = {int.from_bytes(oid, "big"): name for oid, name in names.items()}
    causes = Counter()
    for line in log_text.splitlines():
        line = line.strip()
        if not re.match(r"\w+(\.\w+)*(Error|Exception)\b", line):
            continue
        found = re.search(r"oid (0x[0-9a-f]+), class ([\w.]+)", line)
        if found:
            oid = int(found[1], 16)
            line = (f"{line.split(':')[0]} {found[2].rsplit('.', 1)[-1]} "
                    f"{names.get(oid, hex(oid))}")
        causes[line[:160]] += 1
    return causes


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="length of each phase")
    parser.add_argument("--es-nodes", type=int, default=3, choices=(1, 3))
    parser.add_argument("--published", type=int, default=8, help="e-results set up first")
    parser.add_argument("--scan-every", type=int, default=10,
                        help="one intake in N uploads a scanned page (the rest born-digital)")
    parser.add_argument("--scaling-files", type=int, default=6,
                        help="scans read with 1 and with 2 workers (0: skip)")
    parser.add_argument("--drain-minutes", type=float, default=10,
                        help="how long the files may take to be read after the load")
    parser.add_argument("--max-minutes", type=float, default=30, help="the whole run")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    signal.signal(signal.SIGALRM, lambda *_: sys.exit("--max-minutes are up"))
    signal.alarm(int(args.max_minutes * 60))
    print(f"bench_load: {args.clients} clients, {args.seconds:.0f} s per phase, "
          f"{args.es_nodes} Elasticsearch node(s); load "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores",
          flush=True)
    base = Path(tempfile.mkdtemp(prefix="records-bench-load-"))
    pg = redis = es = db = None
    webs, workers = [], []
    failed = False
    try:
        pg = PostgreSQLServer(durable=True, max_connections=300).start()
        redis = RedisServer(base).start()
        # NB: a JVM starting on a busy 2-core machine may take minutes
        es = (ElasticsearchCluster(3) if args.es_nodes == 3
              else ElasticsearchServer(heap=("512m", "512m"))).start(timeout=600)
        urls = es.urls if args.es_nodes == 3 else [es.url]
        print(f"rig: PostgreSQL :{pg.port}, Redis :{redis.port}, Elasticsearch "
              f"{' '.join(urls)}", flush=True)
        name = pg.create_database()
        store = production_store_settings(pg.dsn(name))
        var = base / "var"
        ini = base / "load.ini"
        ini.write_text(INI.format(var=var, replicas=1 if args.es_nodes == 3 else 0))
        broker = redis.url
        env = dict(os.environ, RECORDS_VAR_DIR=str(var), RECORDS_ZODB_URI=store["zodbconn.uri"],
                   RECORDS_STORE_DSN=store["zodbconn.dsn"], CELERY_BROKER_URL=broker,
                   CELERY_VISIBILITY_TIMEOUT="30",
                   RECORDS_LIMITS_URL=broker.rsplit("/", 1)[0] + "/1",
                   SEARCH_URL=" ".join(urls), SEARCH_PREFIX=f"l{uuid.uuid4().hex[:8]}",
                   RECORDS_SECRET="l" * 40, RECORDS_REQUEUE_AFTER="90",
                   RECORDS_REQUEUE_EVERY="30")
        settings = apply_environment(dict(store, **{"records.var_dir": str(var)}), env)
        make_users(settings)
        db = open_database(settings)
        born, scans = sample_files()
        shared = {"born": born, "scans": scans, "scan_share": 1 / max(args.scan_every, 1),
                  "sha": {b: hashlib.sha256(b).hexdigest() for b in born + scans}}
        webs = [Web(ini, env, base / f"web{i}.log") for i in (1, 2)]
        workers = [WorkerProcess(env, base / f"worker{i}.log", concurrency=1, config=str(ini),
                                 beat=(i == 1)) for i in (1, 2)]
        workers[0].start()
        for web in webs:
            web.wait()
        print(f"web processes {' '.join(w.url for w in webs)} (pids "
              f"{' '.join(str(w.process.pid) for w in webs)}); worker 1 (beat) started",
              flush=True)
        shared["published"] = publish_results(webs[0].url, args.published, born)
        print(f"published {len(shared['published'])} e-results", flush=True)
        if args.scaling_files:
            scaling(db, webs, workers, shared, args.scaling_files,
                    args.drain_minutes)
        else:
            workers[1].start()
        shared["cookies"] = {}
        for login in RECEIVERS + ("load.super",):
            s = api_session(webs[0].url, login)
            shared["cookies"][login] = {"cookies": s.cookies.get_dict(),
                                        "csrf": s.headers["X-CSRF-Token"]}

        waits = Waits(pg.dsn(name))
        waits.start()
        phase1 = run_phase("phase 1 (2 web, 2 workers)", webs, shared, args.clients,
                           args.seconds)
        waits.report()

        def kill():
            webs[1].kill()
            workers[1].kill()
            print(f"  ... {time.strftime('%H:%M:%S')}: SIGKILLed web process 2 (pid "
                  f"{webs[1].process.pid}) and worker 2", flush=True)

        phase2 = run_phase("phase 2 (web 2 and worker 2 SIGKILLed halfway)", webs, shared,
                           args.clients, args.seconds, midway=kill)
        waits.stop.set()
        waits.report()

        accepted = dict(phase1.accepted, **phase2.accepted)
        print(f"\nafter the load: {len(accepted)} accepted intakes; waiting for their files "
              f"to be read (at most {args.drain_minutes} min) ...", flush=True)
        seconds, states = wait_read(db, list(accepted), args.drain_minutes, "drain")
        missing = [c for c, (present, _, _) in states.items() if not present]
        wrong = [c for c, (present, shas, _) in states.items()
                 if present and accepted[c] not in shas]
        unread = Counter(s for _, _, ss in states.values() for s in ss)
        print(f"in the store: {len(accepted) - len(missing)} of {len(accepted)} accepted "
              f"dossiers; missing {len(missing)}; file missing or changed {len(wrong)}; "
              f"file readings {dict(unread)}"
              + (f"; all read {seconds:.0f} s after the load" if seconds is not None else ""))
        errors = len(phase1.server_errors) + len(phase2.server_errors)
        unreachable = sum(phase1.unreachable.values()) + sum(phase2.unreachable.values())
        timed_out = sum(phase1.timed_out.values()) + sum(phase2.timed_out.values())
        lost = bool(missing or wrong or set(unread) - {"done"})
        print(f"server errors {errors}; requests no web process answered {unreachable}; "
              f"not answered in {REPLY_S} s {timed_out}; "
              f"lost {'SOMETHING' if lost else 'nothing'}")
        failed = bool(errors or lost or unreachable or timed_out)
        if errors or timed_out:
            for web in webs:
                causes = error_causes(db, Path(web.log.name).read_text(errors="replace"))
                print(f"{web.url} log, exceptions by cause: {dict(causes.most_common(12))}")
    finally:
        signal.alarm(0)
        for web in webs:
            web.stop()
        for worker in workers:
            worker.stop()
        if db is not None:
            db.close()
        if es is not None:
            es.close()
        for service in (redis, pg):
            if service is not None:
                service.stop()
        if args.keep:
            print(f"kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
