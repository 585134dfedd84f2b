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
    """The process's database for these settings, opened on first use (after the fork)."""
    key = (os.getpid(), settings.get("zodbconn.uri") or settings["records.var_dir"])
    if key not in _db:
        _db[key] = open_database(settings)
    return _db[key]


@worker_process_shutdown.connect
def _close(**_):
    while _db:
        _db.popitem()[1].close()


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
