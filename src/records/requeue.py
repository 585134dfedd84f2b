"""Re-sending reading for files left queued: the sweep behind ``records requeue`` and the
periodic task (Celery beat; ``records run`` starts it with its workers).

A file's reading task is sent after its transaction commits (records.jobs). When that send
is lost the file stays "queued"; the sweep re-sends it once it has waited longer than
``records.requeue_after`` seconds, and notes it again so it is re-sent at most once per
period. Reading is idempotent, so a re-send of a task that was only slow costs time, not
correctness.
"""
import time

from records.jobs import READ_FILE, enqueue_after_commit

DEFAULT_AFTER = 3600   # seconds a file may wait in the queue before it counts as lost
DEFAULT_EVERY = 600    # seconds between two sweeps of the periodic task


def requeue_after(settings):
    return float(settings.get("records.requeue_after", DEFAULT_AFTER))


def requeue_every(settings):
    return float(settings.get("records.requeue_every", DEFAULT_EVERY))


def due(portal, after, now=None):
    """File ids queued longer than ``after`` seconds and still not read.

    Entries of files that were read (or failed, or are gone) are dropped on the way; the
    ones returned are noted again at ``now``. Only the queue's old entries are looked at.
    """
    now = time.time() if now is None else now
    queue = portal.reading_queue
    queue.settle()
    lost = []
    for file_id in queue.older_than(now - after):
        version = portal.files.get(file_id)
        if version is None or version.reading.state != "queued":
            queue.forget(file_id)
            continue
        queue.note(file_id, now)
        lost.append(file_id)
    return lost


def sweep(portal, txn, celery_app, after, now=None):
    """Find the lost files and send their reading when ``txn`` commits; returns their ids."""
    lost = due(portal, after, now)
    for file_id in lost:
        enqueue_after_commit(txn, celery_app, READ_FILE, file_id)
    return lost
