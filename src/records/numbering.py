"""The day's dossier numbers, taken outside the object store's transaction.

A dossier code (TT 01/2018/TT-VPCP Art. 19) ends with the dossier's number within its
receiving unit and day. A counter object in the store made two intakes at one branch
conflict on it by design (the second one was retried whole, tens of seconds under load).
Here each number is taken by one atomic statement in a database connection of its own,
committed at once (autocommit): two intakes at once get two numbers and neither waits for
the other's transaction.

NB: gaps. A number taken by an intake whose transaction then aborts (an input refused late,
a conflict retried by pyramid_retry, a crash) is never used: the day's numbers are unique
and increasing, not gapless (``…-0007`` may be followed by ``…-0009``). The circular asks
for a unique code; a centre that counts its dossiers counts them in the store, not from
the last number.

One interface, :class:`Numbers` (``take(key, after=0)``), three implementations:

- :class:`PostgreSQLNumbers`: a table in the store's own PostgreSQL database (RelStorage on
  PostgreSQL, production), ``INSERT … ON CONFLICT DO UPDATE … RETURNING``;
- :class:`SQLiteNumbers`: a SQLite file in the var dir, shared by the processes of one
  machine (the embedded default), the same statement;
- ``records.resources.dossiers.Sequences``: the store's own counters, for a single writer
  (the test data generator); every other writer passes the store's counter of a key as
  ``after`` so that numbers it gave out are never given again.

Chosen by :func:`numbers_from_settings`. When the numbers' database cannot be reached,
``take`` raises :class:`NumbersUnavailable` (a 503): the intake receives nothing, and its
transaction, doomed, keeps nothing.
"""
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Protocol

from records.errors import UserError
from records.i18n import _

try:
    import psycopg2
except ImportError:  # NB: only the PostgreSQL store needs it (extra "production")
    psycopg2 = None


class NumbersUnavailable(UserError):
    """The day's numbers cannot be taken (their database is down or unreachable): no
    dossier can be received until it is back."""

    status = 503

    def __init__(self):
        super().__init__(_("The dossier numbering database cannot be reached, so no dossier "
                           "code can be issued: nothing was received. Try again in a few "
                           "minutes; if it goes on, tell the administrator."))


class Numbers(Protocol):
    def take(self, key: str, after: int = 0) -> int:
        """The next number under ``key``: larger than every number taken before under it
        and than ``after``; never the same twice, whatever process or thread asks."""


class _PerThread:
    """One connection per thread and process (a forked worker makes its own)."""

    def __init__(self):
        self._local = threading.local()

    def connection(self):
        owner = (os.getpid(), threading.get_ident())
        if getattr(self._local, "owner", None) != owner:
            self._local.conn, self._local.owner = self.connect(), owner
        return self._local.conn

    def forget(self):
        conn = getattr(self._local, "conn", None)
        self._local.conn = self._local.owner = None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # NB: already broken; a new one is made next time
                pass


class SQLiteNumbers(_PerThread):
    TAKE = ("INSERT INTO numbers (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = max(numbers.value + 1, excluded.value) RETURNING value")

    def __init__(self, path):
        super().__init__()
        self.path = str(path)
        self.connection().execute(
            "CREATE TABLE IF NOT EXISTS numbers (key TEXT PRIMARY KEY, value INTEGER NOT NULL)")

    # NB: switching a file to WAL needs it alone, and SQLite answers "database is locked" at
    # once, without waiting its busy timeout, to a second process doing the same at the same
    # moment (two workers opening a new file: seen in CI). The mode is kept in the file, so
    # it is set only when the file is not in it yet, and tried again after a short wait.
    WAL_ATTEMPTS = 20
    WAL_WAIT = 0.05

    def connect(self):
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        for attempt in range(self.WAL_ATTEMPTS):
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode=WAL")
                return conn
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or attempt == self.WAL_ATTEMPTS - 1:
                    conn.close()
                    raise
                time.sleep(self.WAL_WAIT * (attempt + 1))

    def take(self, key, after=0):
        try:
            (value,) = self.connection().execute(self.TAKE, (key, after + 1)).fetchone()
        except sqlite3.OperationalError as e:  # NB: the file cannot be opened, or stays locked
            self.forget()
            raise NumbersUnavailable() from e
        return value


class PostgreSQLNumbers(_PerThread):
    TABLE = "records_numbers"
    TAKE = (f"INSERT INTO {TABLE} (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
            f"SET value = greatest({TABLE}.value + 1, excluded.value) RETURNING value")

    def __init__(self, dsn):
        if psycopg2 is None:
            raise RuntimeError("psycopg2 is not installed (pip install -e '.[production]')")
        super().__init__()
        self.dsn = dsn
        with self.connection().cursor() as cursor:
            try:
                cursor.execute(f"CREATE TABLE IF NOT EXISTS {self.TABLE} "
                               "(key TEXT PRIMARY KEY, value INTEGER NOT NULL)")
            except psycopg2.IntegrityError:
                pass  # NB: another process created it at the same moment

    def connect(self):
        conn = psycopg2.connect(self.dsn)
        conn.autocommit = True
        return conn

    def take(self, key, after=0):
        for attempt in (1, 2):
            try:
                with self.connection().cursor() as cursor:
                    cursor.execute(self.TAKE, (key, after + 1))
                    return cursor.fetchone()[0]
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as e:
                # NB: the connection dropped (a database restart): one new one, then give up
                self.forget()
                if attempt == 2:
                    raise NumbersUnavailable() from e
        raise AssertionError("unreachable")


def numbers_from_settings(settings):
    """The store's PostgreSQL database when the store is RelStorage on PostgreSQL
    (``zodbconn.dsn``), else ``numbers.sqlite`` in the var dir."""
    dsn = settings.get("zodbconn.dsn")
    if dsn:
        return PostgreSQLNumbers(dsn)
    var = Path(settings["records.var_dir"])
    var.mkdir(parents=True, exist_ok=True)
    return SQLiteNumbers(var / "numbers.sqlite")
