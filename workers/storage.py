"""The workers' access to the object store: one database per worker process.

Reads and writes are short transactions; slow work (OCR) happens between them, outside
any transaction. Writes retry on conflict (``transaction.manager.attempts``). Workers
never evolve the store: they check its generation (records.store.current_portal).
"""
import os
import random
import time

import transaction
from transaction.interfaces import TransientError
from celery.signals import worker_process_shutdown

from records.store import current_portal, open_database

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


def write(settings, fn, attempts=10):
    """Run ``fn(portal, txn)`` in a transaction, retried on conflict; returns its result.

    ``fn`` must be safe to run again (it sees fresh state each attempt). NB: workers
    finishing pages of one file write the same Reading; a short random pause before each
    retry keeps two of them from conflicting again and again in lockstep.
    """
    tm = transaction.TransactionManager()
    conn = database(settings).open(transaction_manager=tm)
    try:
        for attempt in range(attempts):
            try:
                with tm as txn:
                    return fn(current_portal(conn.root()), txn)
            except TransientError:
                if attempt == attempts - 1:
                    raise
                time.sleep(random.uniform(0, 0.02 * 2 ** min(attempt, 6)))
    finally:
        conn.close()


def read(settings, fn):
    """Run ``fn(portal)`` in a transaction that is aborted afterwards (no writes)."""
    tm = transaction.TransactionManager()
    conn = database(settings).open(transaction_manager=tm)
    try:
        tm.begin()
        try:
            return fn(current_portal(conn.root()))
        finally:
            tm.abort()
    finally:
        conn.close()
