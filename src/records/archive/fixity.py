"""Fixity: re-hash every stored file version against its recorded SHA-256.

The hashing reads in a connection of its own that never writes (no write transaction is
held open while gigabytes are read); the outcome is then recorded in one short transaction
in ``portal.archive.fixity_runs``. Disposed files have no bytes and are skipped.
"""

import transaction

from records import clock
from records.resources.files import copy_hashed

GC_EVERY = 200  # file versions between cache collections / snapshot refreshes


def plan(portal, limit=None):
    """The file ids to check: all of them, or ``limit`` of them continuing after the
    previous limited run's cursor (so repeated limited runs cover the whole store)."""
    archive = portal.archive
    files = portal.files
    if limit is None:
        return [fid for fid in files.keys() if fid not in archive.disposed_files]
    cursor = archive.fixity_cursor
    parts = (files.keys(min=cursor, excludemin=True), files.keys()) if cursor else (files.keys(),)
    ids, seen = [], set()
    for part in parts:
        for fid in part:
            if len(ids) >= limit or fid in seen:  # enough, or once round the whole store
                return ids
            seen.add(fid)
            if fid not in archive.disposed_files:
                ids.append(fid)
    return ids


def check_version(version):
    """``None`` when the bytes match, else ``"missing"`` or ``"mismatch"`` (and the digest)."""
    try:
        with version.open() as f:
            actual = copy_hashed(f)[1]
    except Exception:  # NB: POSKeyError, a missing or unreadable blob file: all "missing"
        return "missing", None
    return (None, actual) if actual == version.sha256 else ("mismatch", actual)


def run(db, limit=None, on_plan=None, on_file=None):
    """Check the files and record the run; returns the run record (a dict).

    ``on_plan(total)`` is called once with the number of files to check and ``on_file()``
    after each (for a progress bar).
    """
    started = clock.now()
    failures = []
    checked = 0
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        portal = conn.root()["portal"]
        ids = plan(portal, limit)
        if on_plan is not None:
            on_plan(len(ids))
        for n, file_id in enumerate(ids, start=1):
            version = portal.files.get(file_id)
            if version is not None:
                problem, actual = check_version(version)
                checked += 1
                if problem is not None:
                    failures.append({"file_id": file_id, "problem": problem,
                                     "owner": version.owner, "filename": version.filename,
                                     "expected": version.sha256, "actual": actual})
            if on_file is not None:
                on_file()
            if n % GC_EVERY == 0:
                tm.abort()  # nothing to write: this only lets the snapshot move on
                conn.cacheGC()
        tm.abort()
    finally:
        conn.close()
    record = {"started_at": started, "finished_at": clock.now(), "checked": checked,
              "failures": failures, "limit": limit}
    if limit is not None:
        record["cursor"] = ids[-1] if ids else None
    _record(db, record)
    return record


def _record(db, record):
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        for attempt in tm.attempts():
            with attempt:
                conn.root()["portal"].archive.add_run(dict(record))
    finally:
        conn.close()
