"""Closing a month (issue "Internal processes" 11): a periodic task writes down the open
dossiers as the month closed them, not the first change of the next month."""
import datetime

import pytest
import ZODB

from records.jobs import CLOSE_MONTH
from records.process.index import StepIndex, month_of, previous_month
from records.workers.app import beat_schedule
from tests.functional.helpers import beat_worker, in_store, login_as, receive, wait_for

pytestmark = pytest.mark.process
ZONE = datetime.timezone(datetime.timedelta(hours=7))


def at(month, day, hour=9):
    return datetime.datetime(2026, month, day, hour, tzinfo=ZONE)


def test_the_beat_closes_the_month_every_minute_by_default():
    schedule = beat_schedule({})
    assert schedule["close-month"]["task"] == CLOSE_MONTH
    assert schedule["close-month"]["schedule"].total_seconds() == 60
    assert beat_schedule({"records.month_close_seconds": "5"})["close-month"][
        "schedule"].total_seconds() == 5


def test_closing_is_idempotent_and_the_next_change_only_reads():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        conn.root()["index"] = index = StepIndex()
        index.hold("A", "Hộ tịch", datetime.date(2026, 11, 20), at(11, 3))
        index.hold("B", "Hộ tịch", datetime.date(2026, 12, 20), at(11, 4))
    with db.transaction() as conn:
        index = conn.root()["index"]
        assert index.close_months(at(12, 1, 0)) == ["2026-11"]   # the task, after midnight
        assert index.close_months(at(12, 1, 0)) == []            # run again: nothing
    with db.transaction() as conn:
        index = conn.root()["index"]
        assert index.close_months(at(12, 1, 1)) == []
        assert not index._p_changed                              # ... and nothing written
        index.release("A", at(12, 2))                             # a change in December
        index.count(at(12, 2), "Hộ tịch", "received_online", "C")
        assert not index._p_changed                              # the month was not closed here
        closed = index.pending_at_end("2026-11")
    assert closed == {"Hộ tịch": {"pending_in_time": {"B"}, "pending_late": {"A"}}}
    db.close()


def test_a_change_before_the_task_ran_closes_the_month_itself():
    """Correctness first: the month closes with the dossiers open before any change of the
    next one, so a change that comes before the task (just after midnight, or no worker
    running) still closes it; the task then finds nothing to do."""
    db = ZODB.DB(None)
    with db.transaction() as conn:
        conn.root()["index"] = index = StepIndex()
        index.hold("A", "Hộ tịch", datetime.date(2026, 11, 20), at(11, 3))
    with db.transaction() as conn:
        index = conn.root()["index"]
        index.release("A", at(12, 1, 0))
        assert index.last_month == "2026-12"
        assert index.close_months(at(12, 1, 0)) == []
        assert index.pending_at_end("2026-11") == {
            "Hộ tịch": {"pending_in_time": set(), "pending_late": {"A"}}}
    db.close()


def test_a_worker_with_its_beat_closes_the_month(web, officers, portal, settings, tmp_path):
    login_as(web, "recv1")
    _, code, _ = receive(web)
    with portal() as p:
        index = p.process_index
        month = index.last_month
        assert code in index.pending
        index.last_month = previous_month(month)  # as if the month changed since

    def closed(p):
        index = p.process_index
        return index.last_month == month and previous_month(month) in index.closed_months

    with beat_worker(settings, tmp_path, **{"records.month_close_seconds": 1}) as log:
        assert wait_for(lambda: in_store(settings, closed), 90), log.read_text()[-3000:]
    with portal() as p:
        ended = p.process_index.pending_at_end(previous_month(month))
    assert any(code in splits["pending_in_time"] | splits["pending_late"]
               for splits in ended.values())
    assert month_of(datetime.datetime.now(ZONE)) >= month
