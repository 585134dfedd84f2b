"""The workers' access to the object store: one database per worker process.

Reads and writes are short transactions; slow work (OCR) happens between them, outside
any transaction. Writes retry on conflict (``transaction.manager.attempts``).
"""
import os

import transaction
from celery.signals import worker_process_shutdown

from records.store import get_portal, open_database

_db = {}


def database(settings):
    """The process's database, opened on first use (after the worker forked)."""
    pid = os.getpid()
    if _db.get("pid") != pid:
        _db["db"] = open_database(settings)
        _db["pid"] = pid
    return _db["db"]


@worker_process_shutdown.connect
def _close(**_):
    db = _db.pop("db", None)
    if db is not None:
        db.close()


def write(settings, fn, attempts=5):
    """Run ``fn(portal)`` in a transaction, retried on conflict; returns what it returns.

    ``fn`` must be safe to run again (it sees fresh state each attempt).
    """
    tm = transaction.TransactionManager()
    conn = database(settings).open(transaction_manager=tm)
    try:
        for attempt in tm.attempts(attempts):
            with attempt as txn:
                result = fn(get_portal(conn.root()), txn)
        return result
    finally:
        conn.close()


def read(settings, fn):
    """Run ``fn(portal)`` in a transaction that is aborted afterwards (no writes)."""
    tm = transaction.TransactionManager()
    conn = database(settings).open(transaction_manager=tm)
    try:
        tm.begin()
        try:
            return fn(get_portal(conn.root()))
        finally:
            tm.abort()
    finally:
        conn.close()
