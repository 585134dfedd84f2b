"""Pure parts of the Citizens issue: the evolve step (on an in-memory ZODB), the sliding
window of the lookup rate limit, the rating, the streaming hash."""
import datetime
import hashlib
import io

import pytest
import transaction
import ZODB

from records import evolve
from records.ratelimit import SlidingWindow, from_settings
from records.resources.dossiers import Dossier, Result
from records.resources.files import FileTooLarge, copy_hashed
from records.store import get_portal

pytestmark = pytest.mark.citizens

NOW = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.timezone.utc)


def _old_dossier(code):
    """A dossier as generation 1 stored it (without the attributes generation 2 adds)."""
    dossier = Dossier(code, "1.001193", {"kind": "person", "name": "X"}, "in_person",
                      "000.00.01.H26", NOW, "recv1", NOW.date(), "hash")
    del dossier.downloads
    result = Result(None)  # NB: ZODB.DB(None) stores no blobs; the file is beside the point
    del result.status_at, result.status_by
    dossier.results.append(result)
    return dossier


def test_evolve_adds_download_log_rating_counters_and_status_stamps():
    db = ZODB.DB(None)
    try:
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        with tm:
            portal = get_portal(conn.root())
            rated = _old_dossier("000.00.01.H26-260105-0001")
            rated.rating = {"level": "satisfied", "comment": "", "at": NOW}
            portal.dossiers.add(rated.code, rated)
            portal.dossiers.add("000.00.01.H26-260105-0002",
                                _old_dossier("000.00.01.H26-260105-0002"))
            portal.generation = 1  # as stored before this step existed
        with tm:
            assert evolve.evolve(get_portal(conn.root())) == 0  # get_portal evolved it
        conn.close()
        conn = db.open(transaction_manager=tm)
        with tm:
            portal = conn.root()["portal"]
            assert portal.generation == len(evolve.STEPS)
            for dossier in portal.dossiers.values():
                assert list(dossier.downloads) == []
                assert dossier.results[0].status_at is None
            assert not hasattr(portal.dossiers, "ratings")  # made by step 2, dropped by 5
        conn.close()
    finally:
        db.close()


def test_rate_keeps_one_rating_and_refuses_a_second():
    db = ZODB.DB(None)
    try:
        with db.transaction() as conn:
            portal = get_portal(conn.root())
            dossier = Dossier("C-1", "p", {}, "online", "u", NOW, "r", NOW.date(), "h")
            portal.dossiers.add(dossier.code, dossier)
            with pytest.raises(ValueError):
                dossier.rate("great", "", NOW)
            dossier.rate("not_satisfied", "slow", NOW)
            with pytest.raises(ValueError, match="already"):
                dossier.rate("satisfied", "", NOW)
            assert dossier.rating["level"] == "not_satisfied"
    finally:
        db.close()


def test_window_slows_then_refuses_then_forgets():
    window = SlidingWindow(window=60, slow_after=2, delay=1.0, max_delay=2.5, refuse_after=5)
    key = "192.0.2.1"
    assert window.verdict(key, 0).delay == 0
    delays = []
    for t in range(5):
        window.fail(key, t)
        delays.append(window.verdict(key, t).delay)
    assert delays[:4] == [0, 1.0, 2.0, 2.5]  # after 2 failures: 1 s, 2 s, capped at 2.5 s
    refused = window.verdict(key, 5)
    assert refused.refused and refused.retry_after == 55  # the first failure ages out at 60
    assert not window.verdict("192.0.2.2", 5).refused  # another client
    assert not window.verdict(key, 60.5).refused  # the oldest failure left the window
    assert window.failures(key, 200) == 0


def test_window_bounds_its_memory():
    window = SlidingWindow(window=60, slow_after=1, delay=1, max_delay=1, refuse_after=2,
                           max_keys=3)
    for n in range(10):
        window.fail(f"10.0.0.{n}", 1)
    assert len(window._failures) == 3
    assert window.failures("10.0.0.9", 1) == 1 and window.failures("10.0.0.0", 1) == 0


def test_limits_come_from_settings():
    window = from_settings({"records.lookup_max_failures": "4",
                            "records.lookup_window_seconds": "30"})
    assert window.refuse_after == 4 and window.window == 30.0 and window.slow_after == 3
    with pytest.raises(ValueError):
        from_settings({"records.lookup_max_failures": "0"})


@pytest.mark.house
def test_the_streaming_hash_copies_and_stops_past_the_limit():
    out = io.BytesIO()
    size, digest = copy_hashed(io.BytesIO(b"abc"), out, limit=10)
    assert (size, out.getvalue()) == (3, b"abc")
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    big = b"x" * (3 << 20)
    assert copy_hashed(io.BytesIO(big)) == (len(big), hashlib.sha256(big).hexdigest())
    out = io.BytesIO()
    with pytest.raises(FileTooLarge) as raised:
        copy_hashed(io.BytesIO(big), out, limit=1)
    assert 1 < raised.value.size <= 1 << 20  # one chunk read, then stopped
    assert raised.value.sha256 == hashlib.sha256(big[:raised.value.size]).hexdigest()
    assert out.getvalue() == b""  # nothing past the limit is written
