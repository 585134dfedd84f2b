"""A commit that fails on a lock is run again (records.retry): the intake succeeds on the
next attempt, once. RelStorage raises these in its commit (tpc_vote); here the first vote
raises one, as a busy PostgreSQL makes it."""
import pytest
from psycopg2.errors import DeadlockDetected
from relstorage.adapters.interfaces import (UnableToAcquireCommitLockError,
                                            UnableToLockRowsToReadCurrentError)
from ZODB.Connection import Connection

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


def test_an_error_that_is_not_a_lock_is_not_retried(web, officers, monkeypatch):
    login(web, "recv1")
    votes = failing_first_vote(monkeypatch, RuntimeError("a bug"))
    with pytest.raises(RuntimeError):  # NB: the server's 500 (no error view for a bug)
        receive(web, **{"applicant.id_number": "001203004999"})
    assert len(votes) == 1
