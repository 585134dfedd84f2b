"""The object store: evolve steps, streaming blobs, fixity (on in-memory databases)."""
import datetime
import io
import time

import pytest
import transaction
import ZODB
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree

from records import clock, evolve
from records.resources.dossiers import Dossier
from records.resources.files import FileTooLarge, FileVersion
from records.resources.submissions import Submissions
from records.store import StoreNotReady, current_portal, fresh_snapshot, get_portal
from records.workers import storage

pytestmark = pytest.mark.foundation


def test_new_portal_is_at_the_latest_generation():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        assert set(portal.keys()) == {"units", "procedures", "dossiers", "users"}
    db.close()


def test_evolve_runs_missing_steps_once(monkeypatch):
    db = ZODB.DB(None)
    with db.transaction() as conn:
        get_portal(conn.root())  # at today's latest generation
    calls = []
    steps = evolve.STEPS + (("add-thing", lambda p: calls.append(p)),)
    monkeypatch.setattr(evolve, "STEPS", steps)
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) == 1 and len(calls) == 1
        assert evolve.evolve(portal) == 0 and len(calls) == 1
        assert portal.generation == len(steps)
    db.close()


class CountingStream(io.RawIOBase):
    """Hands out bytes in chunks and remembers the largest read (memory stays bounded)."""

    def __init__(self, size):
        self.left = size
        self.largest = 0

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.left if n is None or n < 0 else min(n, self.left)
        self.largest = max(self.largest, n)
        self.left -= n
        return b"x" * n


def test_file_version_streams_and_hashes(tmp_path):
    import hashlib
    from ZODB.FileStorage import FileStorage
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    size = 5 * 1024 * 1024 + 7
    stream = CountingStream(size)
    with db.transaction() as conn:
        version = FileVersion("big.pdf", "application/pdf", "recv1", None)
        version.write_from(stream)
        conn.root()["v"] = version
    assert stream.largest <= 1 << 20  # never the whole file at once
    with db.transaction() as conn:
        version = conn.root()["v"]
        assert version.size == size
        assert version.sha256 == hashlib.sha256(b"x" * size).hexdigest()
        assert version.check_fixity()
    db.close()


def test_file_version_refuses_more_than_the_limit(tmp_path):
    from ZODB.FileStorage import FileStorage
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    conn = db.open()
    version = FileVersion("big.pdf", "application/pdf", "recv1", None)
    with pytest.raises(FileTooLarge):
        version.write_from(CountingStream(3000), limit=2000)
    transaction.abort()
    conn.close()
    db.close()


def _stored_dossier(portal):
    """One dossier in ``portal``, as an old generation would have stored it."""
    dossier = Dossier("U-260302-0001", "1.001193", {"name": "A", "id_number": "001203004567"},
                      "in_person", "U", datetime.datetime(2026, 3, 2), "x",
                      datetime.date(2026, 3, 3), "h")
    portal.dossiers.add(dossier.code, dossier)
    return dossier


def test_evolve_step_3_builds_the_outbox_and_applicant_index():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        _stored_dossier(portal)
        for name in ("outbox", "applicants"):
            delattr(portal, name)
        portal.generation = 2  # as stored before the step existed
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)  # step 3 and any later ones
        assert [key for key, _ in portal.outbox.batch(10)] == ["U-260302-0001"]
        assert portal.dossiers_of("001203004567") == ("U-260302-0001",)
    db.close()


@pytest.mark.house
def test_evolve_step_5_bounds_form_tokens_and_drops_write_only_state():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        dossier = _stored_dossier(portal)
        dossier.original_due_at = dossier.due_at
        dossier.reuse_count = 2
        portal.submissions = OOBTree({"tok-1": dossier.code})  # as stored before the step
        portal.counters = OOBTree({"reuses": Length(3)})
        portal.dossiers.ratings = OOBTree({"satisfied": Length(1)})
        portal.generation = 4
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS) >= 5
        assert isinstance(portal.submissions, Submissions)
        assert portal.submissions.get("tok-1") == "U-260302-0001"
        assert not hasattr(portal, "counters") and not hasattr(portal.dossiers, "ratings")
        assert not hasattr(portal.dossiers["U-260302-0001"], "original_due_at")
        assert not hasattr(portal.dossiers["U-260302-0001"], "reuse_count")
        # the converted tokens are forgotten a day later, like new ones
        portal.submissions.add("tok-2", "U-2", clock.now() + datetime.timedelta(days=2))
        assert portal.submissions.get("tok-1") is None and len(portal.submissions) == 1
    db.close()


@pytest.mark.house
def test_form_tokens_are_kept_a_day_then_forgotten():
    tokens = Submissions()
    start = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=clock.TIMEZONE)
    tokens.add("a", "D-1", start)
    tokens.add("b", "D-2", start + datetime.timedelta(hours=23))
    assert tokens.get("a") == "D-1" and tokens.get("b") == "D-2"
    tokens.add("c", "D-3", start + datetime.timedelta(hours=25))  # "a" is now a day old
    assert tokens.get("a") is None and tokens.get("b") == "D-2" and len(tokens) == 2
    # times in another offset compare by the instant, not the text
    utc = datetime.timezone.utc
    assert tokens.forget_before((start + datetime.timedelta(hours=24)).astimezone(utc)) == 1
    assert tokens.get("b") is None and tokens.get("c") == "D-3"


@pytest.mark.house
def test_workers_and_commands_check_the_generation_and_never_evolve(monkeypatch):
    db = ZODB.DB(None)
    with db.transaction() as conn:
        with pytest.raises(StoreNotReady, match="no portal"):
            current_portal(conn.root())
        assert "portal" not in conn.root()  # nothing created
        get_portal(conn.root()).generation = len(evolve.STEPS) - 1  # an older store
    monkeypatch.setattr(storage, "database", lambda settings: db)
    with pytest.raises(StoreNotReady, match=f"expects {len(evolve.STEPS)}"):
        storage.read({}, lambda portal: portal)
    with pytest.raises(StoreNotReady):
        storage.write({}, lambda portal, txn: setattr(portal, "touched", True))
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert portal.generation == len(evolve.STEPS) - 1 and not hasattr(portal, "touched")
        portal.generation = len(evolve.STEPS)
    assert storage.read({}, lambda portal: portal.generation) == len(evolve.STEPS)
    db.close()


@pytest.mark.scale
def test_evolve_step_5_queues_the_files_still_waiting_to_be_read(tmp_path):
    import datetime
    from ZODB.blob import BlobStorage
    from ZODB.MappingStorage import MappingStorage
    # NB: an in-memory database, with blob support for the files' (empty) blobs
    db = ZODB.DB(BlobStorage(str(tmp_path), MappingStorage()))
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        waiting = FileVersion("a.pdf", "application/pdf", "recv1", datetime.datetime(2026, 3, 2))
        read = FileVersion("b.pdf", "application/pdf", "recv1", datetime.datetime(2026, 3, 2))
        read.reading.state = "done"
        for version in (waiting, read):
            portal.files[version.file_id] = version  # as stored before the queue existed
        del portal.reading_queue
        portal.generation = 4
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        assert waiting.file_id in portal.reading_queue and len(portal.reading_queue) == 1
        assert portal.reading_queue.older_than(time.time() + 1) == [waiting.file_id]
        assert portal.reading_queue.older_than(time.time() - 60) == []
    db.close()


@pytest.mark.scale
def test_evolve_step_6_builds_the_catalog_of_an_existing_store():
    import datetime
    from records.resources.dossiers import Dossier
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        for n, state in ((1, "received"), (2, "returned")):
            dossier = Dossier(f"U-260302-000{n}", "1.001193", {"name": "Lê Thị Hoa"},
                              "online", "U", datetime.datetime(2026, 3, 2, 8, n), "x",
                              datetime.date(2026, 3, 3), "h")
            dossier.state = state
            portal.dossiers.add(dossier.code, dossier)
        del portal.catalog  # as stored before the catalog existed
        portal.generation = 5
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        catalog = portal.catalog
        assert len(catalog) == 2 and catalog.count("returned") == 1
        assert catalog.query([catalog.state_filter("received")]) == (1, ["U-260302-0001"])
        assert catalog.query([]) == (2, ["U-260302-0002", "U-260302-0001"])  # newest first
        assert list(catalog.matching_text("le thi hoa", names=True)) == [
            "U-260302-0001", "U-260302-0002"]
    db.close()


class _Request:
    def __init__(self, tm):
        self.tm = tm


def test_fresh_snapshot_reads_what_others_committed_and_keeps_the_transactions_user():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        conn.root()["n"] = 1
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    tm.begin().user = "recv1"
    assert conn.root()["n"] == 1
    with db.transaction() as other:
        other.root()["n"] = 2
    assert conn.root()["n"] == 1                      # the request's snapshot
    assert fresh_snapshot(_Request(tm)) is True
    assert conn.root()["n"] == 2 and tm.get().user == "recv1"
    conn.root()["mine"] = 3
    tm.commit()
    conn.close()
    with db.transaction() as check:
        assert check.root()["mine"] == 3
    db.close()


def test_fresh_snapshot_never_drops_a_write():
    db = ZODB.DB(None)
    tm = transaction.TransactionManager()
    conn = db.open(transaction_manager=tm)
    tm.begin()
    conn.root()["written"] = 1
    assert fresh_snapshot(_Request(tm)) is False       # nothing happens
    tm.commit()
    conn.close()
    with db.transaction() as check:
        assert check.root()["written"] == 1
    db.close()
