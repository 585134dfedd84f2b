"""A real PostgreSQL (Debian's ``postgresql`` package) as a cluster of its own.

``initdb`` makes a fresh cluster in a temp dir and ``postgres`` serves it on a free loopback
port, with its socket in that dir too, so it never touches the machine's own cluster.
PostgreSQL refuses to run as root: when we are root both run as the ``postgres`` system
user the package creates. The superuser is ``records`` (trust on loopback: test data only).

:meth:`create_database` hands each test a database of its own, copied from a template
that already holds RelStorage's schema (copying is much faster than creating the schema).
"""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time

from relstorage.adapters.postgresql import PostgreSQLAdapter
from relstorage.options import Options
from relstorage.storage import RelStorage

from tests.rig import ServiceUnavailable, free_port, stop_group

try:
    import psycopg2
except ImportError:  # NB: reported as an unavailable service by start(), not at import
    psycopg2 = None

PG_USER = "postgres"
SUPERUSER = "records"
TEMPLATE = "records_template"
START_TIMEOUT = 60.0

# NB: durability off for the tests (a crashed test cluster is thrown away anyway);
# a benchmark passes durable=True to measure what production would do.
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def bin_dir():
    """The newest installed server's bin dir (Debian keeps them per major version)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return os.path.dirname(found[-1])
    postgres = shutil.which("postgres")
    return os.path.dirname(os.path.realpath(postgres)) if postgres else None


class PostgreSQLServer:
    """``base_dir``: the cluster's directory (default: a new temp dir), reused as it is when it
    holds a cluster already; ``keep``: leave it in place on :meth:`stop` (bench_scale's
    ``--keep`` and ``--reuse``)."""

    def __init__(self, durable=False, max_connections=100, shared_buffers="128MB",
                 base_dir=None, keep=False, **settings):
        self.base_dir = None
        self.given_dir, self.keep = base_dir, keep
        self.port = None
        self.process = None
        self.options = {} if durable else dict(FAST)
        self.options.update(max_connections=str(max_connections),
                            shared_buffers=shared_buffers, **settings)
        self._log = None
        self._counter = 0

    def dsn(self, dbname="postgres"):
        return f"dbname='{dbname}' user='{SUPERUSER}' host='127.0.0.1' port={self.port}"

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def start(self, timeout=START_TIMEOUT):
        binaries = bin_dir()
        if psycopg2 is None:
            raise ServiceUnavailable("psycopg2 is not installed (pip install -e '.[test]')")
        if binaries is None:
            raise ServiceUnavailable("PostgreSQL is not installed (apt-get install postgresql)")
        user = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(PG_USER)
            except KeyError as error:
                raise ServiceUnavailable(f"no system user {PG_USER}") from error
            user = PG_USER
        if self.given_dir:
            self.base_dir = os.path.abspath(self.given_dir)
            os.makedirs(self.base_dir, exist_ok=True)
        else:
            self.base_dir = tempfile.mkdtemp(prefix="records-pg-")
        data, sock = os.path.join(self.base_dir, "data"), os.path.join(self.base_dir, "sock")
        existing = os.path.exists(os.path.join(data, "PG_VERSION"))
        os.makedirs(sock, exist_ok=True)
        if user:
            entry = pwd.getpwnam(user)
            for path in (self.base_dir, sock):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self._log = open(os.path.join(self.base_dir, "server.log"), "ab")
        if not existing:
            self._initdb(binaries, data, user, timeout)
        self.port = free_port()
        self._serve(binaries, data, sock, user, timeout, existing)
        return self

    def _initdb(self, binaries, data, user, timeout):
        init = subprocess.run(
            [os.path.join(binaries, "initdb"), "-D", data, "-U", SUPERUSER, "-A", "trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
            user=user, stdout=self._log, stderr=subprocess.STDOUT, cwd=self.base_dir,
            timeout=timeout)
        if init.returncode:
            raise ServiceUnavailable(f"initdb exited with {init.returncode}:\n{self.log_tail()}")

    def _serve(self, binaries, data, sock, user, timeout, existing):
        command = [os.path.join(binaries, "postgres"), "-D", data, "-p", str(self.port),
                   "-h", "127.0.0.1", "-k", sock]
        for key, value in self.options.items():
            command += ["-c", f"{key}={value}"]
        self.process = subprocess.Popen(
            command, user=user, cwd=self.base_dir, stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_ready(timeout)
        if not existing:
            self._make_template()

    def _wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServiceUnavailable(
                    f"postgres exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                psycopg2.connect(self.dsn(), connect_timeout=2).close()
                return
            except psycopg2.OperationalError:
                time.sleep(0.2)
        tail = self.log_tail()
        self.stop()
        raise ServiceUnavailable(f"postgres not ready after {timeout:.0f} s:\n{tail}")

    def execute(self, sql, dbname="postgres"):
        conn = psycopg2.connect(self.dsn(dbname))
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    def _make_template(self):
        """A database holding RelStorage's (history-preserving) schema, for copies."""
        self.execute(f"CREATE DATABASE {TEMPLATE}")
        options = Options(keep_history=True, shared_blob_dir=False,
                          blob_dir=os.path.join(self.base_dir, "template-blobs"))
        storage = RelStorage(PostgreSQLAdapter(dsn=self.dsn(TEMPLATE), options=options),
                             options=options)
        storage.close()

    def create_database(self):
        """A fresh, empty store database; returns its name."""
        self._counter += 1
        name = f"records_{os.getpid()}_{self._counter}"
        self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return name

    def drop_database(self, name):
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self, timeout=30):
        """Fast shutdown (SIGINT), SIGKILL of the group if it lingers; removes the temp dir."""
        if self.process is not None:
            stop_group(self.process, signal.SIGINT, timeout)
            self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.base_dir:
            if not self.keep:
                shutil.rmtree(self.base_dir, ignore_errors=True)
            self.base_dir = None

    def log_tail(self, lines=30):
        try:
            with open(os.path.join(self.base_dir, "server.log"), "rb") as log:
                text = log.read()[-20000:].decode("utf-8", "replace")
        except (OSError, TypeError):
            return ""
        return "\n".join(text.splitlines()[-lines:])
