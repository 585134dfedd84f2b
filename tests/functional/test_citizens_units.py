"""Pure parts of the Citizens issue: the evolve step (on an in-memory ZODB), the rating,
the streaming hash. (The lookup's limits: tests/functional/test_limits.py.)"""
import datetime
import hashlib
import io

import pytest
import transaction
import ZODB

from records import evolve
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
