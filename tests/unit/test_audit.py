"""The audit log on an in-memory database: scrubbing, sealing, verifying, the evolve step."""
import datetime

import pytest
import ZODB

from records import audit, evolve
from records.audit.log import GENESIS, AuditLog
from records.store import get_portal

pytestmark = pytest.mark.archive


@pytest.mark.parametrize("text, kept, gone", [
    ("Nguyễn Văn An 001203004567", "Nguyễn Văn An", "001203004567"),
    ("cccd 001 203 004 567", "cccd", "004 567"),
    ("gọi 0912.345.678", "gọi", "345"),
    ("mst 0101234567-001", "mst", "0101234567"),
    ("an@example.vn hồ sơ", "hồ sơ", "example"),
    ("000.00.01.H26-251120-0007 và 15/QĐ-UBND", "000.00.01.H26-251120-0007 và 15/QĐ-UBND", None),
])
def test_scrub_removes_identifiers_and_keeps_codes(text, kept, gone):
    out = audit.scrub(text)
    assert kept in out
    if gone is not None:
        assert gone not in out and audit.REDACTED in out


def test_seal_chains_in_time_order_and_verify_sees_changes():
    log = AuditLog()
    at = datetime.datetime(2026, 1, 2, 8, 0)
    for n in range(5):
        log.append({"at": (at + datetime.timedelta(minutes=n)).isoformat(), "user": f"u{n}",
                    "action": "view_dossier", "code": "C1" if n % 2 else "C2"})
    assert len(log) == 5 and log.head_hash == GENESIS
    assert audit.seal(log, limit=3) == 3 and audit.seal(log) == 2 and audit.seal(log) == 0
    assert [log.entries[s]["user"] for s in range(1, 6)] == ["u0", "u1", "u2", "u3", "u4"]
    assert [log.entries[s]["prev"] for s in range(2, 6)] == \
        [log.entries[s]["hash"] for s in range(1, 5)]
    assert audit.verify(log) == []
    assert [e["user"] for e in audit.search(log, code="C1")] == ["u3", "u1"]
    assert [e["user"] for e in audit.search(log, user="u2", action="view_dossier")] == ["u2"]
    assert audit.search(log, since=datetime.date(2026, 1, 3)) == []
    log.entries[2] = dict(log.entries[2], action="login")
    assert audit.verify(log) == ["entry 2: edited (its content no longer matches its hash)"]


def test_evolve_adds_the_audit_log_and_holds_to_an_older_portal():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        del portal.audit
        for name in ("holds", "lifted_holds", "fixity_failures"):
            delattr(portal.archive, name)
        portal.generation = [n for n, _ in evolve.STEPS].index("holds-and-audit-trail")
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1
        assert isinstance(portal.audit, AuditLog)
        assert len(portal.archive.holds) == len(portal.archive.fixity_failures) == 0
    db.close()


def test_evolve_adds_the_ingest_index_to_an_older_portal():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        del portal.ingested
        portal.generation = [n for n, _ in evolve.STEPS].index("backlog-ingest")
    with db.transaction() as conn:
        portal = conn.root()["portal"]
        assert evolve.evolve(portal) >= 1 and len(portal.ingested) == 0
    db.close()
