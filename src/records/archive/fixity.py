"""Fixity: re-hash every stored file version against its recorded SHA-256.

The hashing reads in a connection of its own that never writes (no write transaction is
held open while gigabytes are read); the outcome is then recorded in one short transaction
in ``portal.archive.fixity_runs``. Disposed files have no bytes and are skipped.

On a schedule (Celery beat, or the worker that ``records run`` starts), :func:`scheduled`
checks one slice every ``records.fixity_every_minutes`` so that the whole store is covered
every ``records.fixity_days`` days. Every failure is kept in ``archive.fixity_failures``
until an archivist acknowledges it; nothing is ever "repaired": a file whose bytes changed
stays as found, for people to investigate.
"""
import math

import transaction

from records import clock
from records.errors import UserError
from records.i18n import _
from records.resources.files import copy_hashed
from records.store import current_portal

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
        portal = current_portal(conn.root())
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
                archive = current_portal(conn.root()).archive
                archive.add_run(dict(record))
                keep_failures(archive, record)
    finally:
        conn.close()


def keep_failures(archive, record):
    """Add the run's failures to ``archive.fixity_failures``; a file already failing and
    not yet acknowledged gets its ``last_seen`` moved on instead of a second entry."""
    failures = archive.fixity_failures
    open_by_file = {k[0]: k for k, v in failures.items() if not v.get("acknowledged_at")}
    for failure in record["failures"]:
        key = open_by_file.get(failure["file_id"])
        if key is not None:
            failures[key] = dict(failures[key], last_seen=record["finished_at"],
                                 problem=failure["problem"], actual=failure["actual"])
            continue
        key = (failure["file_id"], record["finished_at"].isoformat())
        failures[key] = dict(failure, found_at=record["finished_at"],
                             last_seen=record["finished_at"], acknowledged_by=None,
                             acknowledged_at=None, note="")


def unacknowledged(archive):
    return [dict(v, key=k) for k, v in archive.fixity_failures.items()
            if not v.get("acknowledged_at")]


class FailureError(UserError):
    """An acknowledgement that cannot be recorded; the message says why."""


def failure_key(text):
    """``(file id, found at)`` from its text form ``<file id>@<found at>``."""
    file_id, sep, found = (text or "").partition("@")
    if not sep:
        raise FailureError(_("no such failure"), status=404)
    return (file_id, found)


def acknowledge(archive, key, login, now, note=""):
    """Mark a failure as seen by an archivist (with a note); the failure itself stays."""
    failure = archive.fixity_failures.get(key)
    if failure is None:
        raise FailureError(_("no such failure"), status=404)
    if failure.get("acknowledged_at"):
        raise FailureError(_("this failure was already acknowledged"), status=409)
    archive.fixity_failures[key] = dict(failure, acknowledged_by=login, acknowledged_at=now,
                                        note=(note or "").strip())
    return archive.fixity_failures[key]


def slice_size(total, days, every_minutes):
    """Files per slice so that ``total`` files are all checked within ``days`` days when
    one slice runs every ``every_minutes`` minutes (at least one)."""
    slices = max(1, int(days * 24 * 60 / max(every_minutes, 1e-3)))
    return max(1, math.ceil(total / slices))


def scheduled(db, settings):
    """One scheduled slice (see the module docstring); returns the run record."""
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    try:
        # NB: len() of the files BTree walks its buckets; that is a read of the keys only,
        # once per slice, and it tracks the store as it grows.
        total = len(current_portal(conn.root()).files)
        tm.abort()
    finally:
        conn.close()
    limit = slice_size(total, float(settings["records.fixity_days"]),
                       float(settings["records.fixity_every_minutes"]))
    return run(db, limit=limit)
