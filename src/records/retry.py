"""Which errors a request is run again after (pyramid_retry, ``retry.attempts``).

pyramid_tm marks ``transaction.interfaces.TransientError`` retryable, which covers ZODB's
conflicts and RelStorage's lock failures that are conflicts (``UnableToLockRowsToModifyError``,
``UnableToLockRowsToReadCurrentError`` and their deadlock variants: RelStorage
adapters/interfaces.py). Two failures of a commit under load are not transient errors,
though retrying is their remedy:

- ``UnableToAcquireCommitLockError``: RelStorage's commit lock not had within
  ``commit-lock-timeout``; "retrying the transaction may succeed. However, for historical
  reasons, this exception is not a TransientError" (its docstring). Marked through
  RelStorage's base of every lock failure, ``UnableToAcquireLockError``.
- psycopg2's ``TransactionRollbackError`` (SQLSTATE class 40: a deadlock, a serialization
  failure) raised by a statement RelStorage does not wrap: PostgreSQL rolled the
  transaction back, and the whole request runs again.

NB: marked once, on the classes (``pyramid_retry.mark_error_retryable``): nothing else
decides what is retried, and a request on its last attempt still fails (a 500).

Before each new attempt the request waits a random while, up to twice as long each time
(full jitter: up to 0.25, 0.5, 1, 2 s): requests that conflicted with each other, retried at
once, meet again on the same objects. Under the load bench's 50 clients on 2 cores, 2 of
290 intakes conflicted five times in a row without it.
"""
import random
import time

from pyramid_retry import IBeforeRetry, mark_error_retryable
from relstorage.adapters.interfaces import UnableToAcquireLockError

try:
    from psycopg2.extensions import TransactionRollbackError
except ImportError:  # NB: only the PostgreSQL store needs it (extra "production")
    TransactionRollbackError = None

RETRYABLE = tuple(e for e in (UnableToAcquireLockError, TransactionRollbackError) if e)


BACKOFF_S = 0.25        # the longest wait before the second attempt
BACKOFF_MAX_S = 2.0


def backoff(attempt):
    """How long to wait before the attempt after attempt ``attempt`` (0: the first)."""
    return random.uniform(0, min(BACKOFF_MAX_S, BACKOFF_S * 2 ** attempt))


def _wait_before_retry(event):
    time.sleep(backoff(event.environ.get("retry.attempt", 0)))


def includeme(config):
    for error in RETRYABLE:
        mark_error_retryable(error)
    config.add_subscriber(_wait_before_retry, IBeforeRetry)
