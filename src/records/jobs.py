"""Sending background tasks: only after the request's transaction commits.

A rolled-back request starts nothing, and a task never sees data its request did not
commit. Task arguments are ids and strings, never objects.
"""
import logging

log = logging.getLogger(__name__)

# Task names: the one place both the sender (portal, commands) and the worker take them from.
READ_FILE = "records.read_file"
READ_PAGE = "records.read_page"
FINISH_FILE = "records.finish_file"
DELIVER_INDEX = "records.deliver_index"
CHECK_SIGNATURES = "records.check_signatures"
FIXITY_SLICE = "records.fixity_slice"   # periodic (beat): one slice of the fixity cycle
SEAL_AUDIT = "records.seal_audit"       # periodic (beat): chain the pending audit entries
REQUEUE_READING = "records.requeue_reading"
CLOSE_MONTH = "records.close_month"     # periodic (beat): write down how the last month closed


def enqueue(request, task_name, *ids):
    """Send ``task_name(*ids)`` when the current transaction commits successfully."""
    enqueue_after_commit(request.tm.get(), request.registry.celery, task_name, *ids)


def enqueue_after_commit(txn, celery_app, task_name, *ids):
    for value in ids:
        if not isinstance(value, (str, int)):
            raise TypeError(f"task arguments are ids, not {type(value).__name__}")

    def send(committed):
        if not committed:
            return
        try:
            celery_app.send_task(task_name, args=list(ids))
        except Exception:  # NB: the data is committed; a lost send is re-queued by `records requeue`
            log.exception("could not queue %s %s", task_name, ids)

    txn.addAfterCommitHook(send)
