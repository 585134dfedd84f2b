"""A commit that fails on a lock is run again (records.retry): the intake succeeds on the
next attempt, once. RelStorage raises these in its commit (tpc_vote); here the first vote
raises one, as a busy PostgreSQL makes it."""
import pytest
from psycopg2.errors import DeadlockDetected
from relstorage.adapters.interfaces import (UnableToAcquireCommitLockError,
                                            UnableToLockRowsToReadCurrentError)
from ZODB.Connection import Connection

from records import retry
from tests.conftest import login
from tests.functional.helpers import receive

pytestmark = pytest.mark.scale


def failing_first_vote(monkeypatch, error):
    votes = []
    vote = Connection.tpc_vote

    def first_fails(connection, txn):
        votes.append(txn)
        if len(votes) == 1:
            raise error
        return vote(connection, txn)

    monkeypatch.setattr(Connection, "tpc_vote", first_fails)
    return votes


@pytest.mark.parametrize("error", [
    UnableToAcquireCommitLockError("Acquiring a commit lock failed"),   # not transient
    DeadlockDetected("deadlock detected"),                             # nor this one
    UnableToLockRowsToReadCurrentError("lock_not_available"),           # transient already
], ids=lambda e: type(e).__name__)
def test_an_intake_whose_commit_fails_on_a_lock_succeeds_on_the_retry(
        web, officers, portal, monkeypatch, error):
    login(web, "recv1")
    votes = failing_first_vote(monkeypatch, error)
    _, code, _ = receive(web, **{"applicant.id_number": "001203004999"})
    assert len(votes) == 2
    with portal() as p:
        assert p.dossiers_of("001203004999") == (code,)   # received once


def test_the_retry_waits_a_random_while_first(web, officers, portal, monkeypatch):
    """Requests that conflicted, retried at once, meet again: the next attempt waits."""
    login(web, "recv1")
    waits = []
    monkeypatch.setattr("records.retry.time.sleep", waits.append)
    failing_first_vote(monkeypatch, UnableToLockRowsToReadCurrentError("lock_not_available"))
    receive(web, **{"applicant.id_number": "001203004998"})
    assert len(waits) == 1 and 0 <= waits[0] <= retry.BACKOFF_S


def test_the_waits_grow_and_stay_bounded(monkeypatch):
    monkeypatch.setattr("records.retry.random.uniform", lambda low, high: high)
    assert [retry.backoff(a) for a in range(6)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_an_error_that_is_not_a_lock_is_not_retried(web, officers, monkeypatch):
    login(web, "recv1")
    votes = failing_first_vote(monkeypatch, RuntimeError("a bug"))
    with pytest.raises(RuntimeError):  # NB: the server's 500 (no error view for a bug)
        receive(web, **{"applicant.id_number": "001203004999"})
    assert len(votes) == 1
