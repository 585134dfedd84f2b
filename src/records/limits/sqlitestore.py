"""Failure counts in one SQLite file under the var dir, shared by the processes of one
machine (the embedded default). ``BEGIN IMMEDIATE`` makes each check-and-count atomic
across processes."""
import sqlite3
import threading

from records.limits.window import wait_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS tries (
    key TEXT NOT NULL, token TEXT NOT NULL, at REAL NOT NULL, failed INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tries_key ON tries (key, failed, at);
CREATE INDEX IF NOT EXISTS tries_token ON tries (token);
CREATE INDEX IF NOT EXISTS tries_at ON tries (at);
"""


class SQLiteBackend:
    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()
        self._connection().executescript(SCHEMA)

    def _connection(self):
        # NB: one connection per thread (sqlite3 connections are not shared across threads).
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def _connect(self):
        return _Transaction(self._connection())

    def acquire(self, keys, token, now, pending_ttl):
        """None when the try is counted in flight under every key, else each key's wait."""
        with self._connect() as conn:
            longest = max(window for _, _, window in keys)
            conn.execute("DELETE FROM tries WHERE at <= ? AND (failed = 1 OR at <= ?)",
                         (now - max(longest, pending_ttl), now - pending_ttl))
            waits = []
            for key, limit, window in keys:
                conn.execute("DELETE FROM tries WHERE key = ? AND ((failed = 1 AND at <= ?) "
                             "OR (failed = 0 AND at <= ?))", (key, now - window,
                                                              now - pending_ttl))
                times = [at for (at,) in conn.execute(
                    "SELECT at FROM tries WHERE key = ? AND failed = 1 ORDER BY at", (key,))]
                (pending,) = conn.execute("SELECT count(*) FROM tries WHERE key = ? AND "
                                          "failed = 0", (key,)).fetchone()
                waits.append(wait_of(times, pending, limit, window, now))
            if any(waits):
                return waits
            conn.executemany("INSERT INTO tries (key, token, at, failed) VALUES (?, ?, ?, 0)",
                             [(key, token, now) for key, _, _ in keys])
            return None

    def release(self, keys, token, failed, now):
        with self._connect() as conn:
            if failed:
                conn.execute("UPDATE tries SET failed = 1, at = ? WHERE token = ?",
                             (now, token))
            else:
                conn.execute("DELETE FROM tries WHERE token = ?", (token,))

    def status(self, key, limit, window, now):
        with self._connect() as conn:
            times = [at for (at,) in conn.execute(
                "SELECT at FROM tries WHERE key = ? AND failed = 1 AND at > ? ORDER BY at",
                (key, now - window))]
        return len(times), wait_of(times, 0, limit, window, now)

    def clear(self, key):
        with self._connect() as conn:
            conn.execute("DELETE FROM tries WHERE key = ?", (key,))


class _Transaction:
    """``with``: BEGIN IMMEDIATE (the write lock, so check and count are one step) …
    COMMIT, or ROLLBACK on error."""

    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind, value, tb):
        self.conn.execute("COMMIT" if kind is None else "ROLLBACK")
