"""Evolve step 17 (conflict-free queues) on an in-memory database: a store of generation 16
keeps every waiting entry, code and token, in the new structures."""
import datetime
import json

import pytest
import ZODB
from BTrees.OOBTree import OOBTree, OOTreeSet

from records import evolve
from records.process.index import OpenStep
from records.spread import ShardedQueue, SpreadSet, SpreadTree
from records.store import get_portal

pytestmark = pytest.mark.scale
CODE = "000.00.01.H26-261202-0001"


def test_step_17_moves_the_hot_structures_to_shards_and_loses_nothing():
    db = ZODB.DB(None)
    now = datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.timezone.utc)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        # NB: the structures as generation 16 stored them
        del portal.outbox.queue
        portal.outbox.entries = OOBTree({CODE: 5})
        portal.audit.pending = OOBTree({("ab12", 7): json.dumps({"action": "receive"})})
        queue = portal.reading_queue
        del queue.queue
        queue.entries, queue.since = OOBTree({(10.0, "f1"): None}), OOBTree({"f1": (10.0, "f1")})
        index = portal.process_index
        index.open = OOBTree({CODE: {"unit": "000.20.01.H26", "due_at": None}})
        index.by_due = OOBTree({("2026-12-05", CODE): 1})
        index.pending = OOBTree({CODE: ("Hộ tịch", now.date())})
        index.queues = OOBTree({"000.20.01.H26": OOTreeSet([CODE])})
        index.monthly_codes = OOBTree({("2026-12", "Hộ tịch", "received"): OOTreeSet([CODE])})
        portal.submissions.by_time = OOBTree({("2026-12-02T02:00:00+00:00", "tok"): None})
        portal.submissions.codes = OOBTree({"tok": CODE})
        portal.files = OOBTree({"f1": "a file"})
        portal.dossiers.data = OOBTree({CODE: "a dossier"})
        portal.generation = 16
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        assert not hasattr(portal.outbox, "entries")
        assert portal.outbox.batch(10) == [(CODE, 5)]
        assert isinstance(portal.audit.pending, ShardedQueue)
        assert portal.audit.pending_entries() == [{"action": "receive"}]
        assert not hasattr(portal.reading_queue, "since")
        assert "f1" in portal.reading_queue and portal.reading_queue.older_than(11) == ["f1"]
        index = portal.process_index
        for name in ("open", "by_due", "pending"):
            assert isinstance(getattr(index, name), SpreadTree)
        assert isinstance(index.open[CODE], OpenStep) and index.open[CODE]["unit"]
        assert list(index.due_between()) == [CODE]
        assert index.pending[CODE][0] == "Hộ tịch"
        assert isinstance(index.queues["000.20.01.H26"], SpreadSet)
        assert index.queued_at("000.20.01.H26") == [CODE]
        assert index.codes("2026-12", "Hộ tịch", "received") == {CODE}
        assert isinstance(portal.submissions.by_time, SpreadTree)
        assert portal.submissions.get("tok") == CODE
        assert portal.submissions.forget_before(now) == 1 and not portal.submissions.get("tok")
        assert isinstance(portal.files, SpreadTree) and portal.files["f1"] == "a file"
        assert isinstance(portal.dossiers.data, SpreadTree)
        assert list(portal.dossiers.keys()) == [CODE] and portal.dossiers.get(CODE)
    db.close()
