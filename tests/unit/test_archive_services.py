"""The archivists' operations are service functions taking ``(portal, actor, now, …)``: they
run here on an in-memory store with no request and no web layer at all (issue 8 point 3),
and the archive's pages and JSON API only call them."""
import ast
import datetime
import io
import re
from pathlib import Path

import pytest
import ZODB
from ZODB.FileStorage import FileStorage

from records.archive import export, holds
from records.archive.bagimport import BagRefused
from records.archive.fixity import FailureError
from records.archive.records import Proposal
from records.resources.dossiers import Component, Dossier
from records.resources.files import FileVersion
from records.seed import seed
from records.services import archive, trail
from records.store import get_portal
from records.workflow import Actor

pytestmark = [pytest.mark.archive, pytest.mark.house]

ICT = datetime.timezone(datetime.timedelta(hours=7))
NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=ICT)
BRANCH, OTHER = "000.00.01.H26", "000.00.02.H26"
ARCH = Actor("arch", frozenset({"archivist"}), frozenset({BRANCH}), BRANCH)
ADMIN = Actor("admin", frozenset({"admin"}), frozenset(), "000.00.00.H26")
SRC = Path(__file__).resolve().parents[2] / "src" / "records"


def add(portal, code, unit=BRANCH, years_ago=12, procedure="2.000815", data=b"%PDF-1.4 x"):
    at = NOW - datetime.timedelta(days=365 * years_ago)
    d = Dossier(code, procedure, {"name": "A", "id_number": "001203004567"}, "in_person",
                unit, at, "recv1", at.date(), "h")
    portal.dossiers.add(code, d)
    component = d.add_component(Component("application", "Đơn"))
    v = FileVersion("don.pdf", "application/pdf", "recv1", at, owner=code)
    v.write_from(io.BytesIO(data))
    component.add_version(portal.register_file(v))
    d.state, d.closed_at = "returned", at + datetime.timedelta(days=3)
    d.record("return", "recv1", d.closed_at, unit, "result_ready", "returned")
    return d


@pytest.fixture
def portal(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    conn = db.open()
    p = get_portal(conn.root())
    seed(p)
    yield p
    conn.transaction_manager.abort()
    conn.close()
    db.close()


def test_records_and_disposal_candidates_for_an_actor(portal):
    add(portal, f"{BRANCH}-140101-0001", years_ago=12)
    add(portal, f"{BRANCH}-240101-0001", years_ago=2)
    add(portal, f"{OTHER}-140101-0001", unit=OTHER)
    total, rows, page, pages = archive.find_records(portal, ARCH, NOW, {})
    assert (total, page, pages) == (2, 1, 1)
    assert [r.code for r in rows] == [f"{BRANCH}-240101-0001", f"{BRANCH}-140101-0001"]
    assert rows[1].retention["years"] == 5 and rows[1].retention_end < NOW.date()
    assert archive.find_records(portal, ADMIN, NOW, {"unit": OTHER})[0] == 1
    year = str(rows[1].closed_at.year)
    assert [r.code for r in archive.find_records(portal, ARCH, NOW, {"year": year})[1]] == [
        f"{BRANCH}-140101-0001"]
    with pytest.raises(archive.BadFilter):
        archive.find_records(portal, ARCH, NOW, {"year": "năm"})
    total, due = archive.disposal_candidates(portal, ARCH, NOW)
    assert total == 1 and [d.code for d, _ in due] == [f"{BRANCH}-140101-0001"]
    assert archive.disposal_candidates(portal, ADMIN, NOW)[0] == 2
    assert archive.disposal_candidates(portal, ADMIN, NOW, page=2, size=1)[1][0][0].code == \
        f"{OTHER}-140101-0001"


def test_holds_placed_and_lifted_by_an_actor(portal):
    dossier = add(portal, f"{BRANCH}-140101-0001")
    with pytest.raises(holds.HoldError, match="reason"):
        archive.place_hold(portal, ARCH, NOW, dossier, " ")
    hold = archive.place_hold(portal, ARCH, NOW, dossier, "thanh tra")
    assert (hold["by"], hold["unit"], hold["since"]) == ("arch", BRANCH, NOW)
    with pytest.raises(holds.HoldError) as refused:
        archive.place_hold(portal, ARCH, NOW, dossier, "lần nữa")
    assert refused.value.status == 409
    assert [h["code"] for h in archive.visible_holds(portal, ARCH)] == [dossier.code]
    assert archive.find_records(portal, ARCH, NOW, {"held": "1"})[0] == 1
    assert archive.disposal_candidates(portal, ARCH, NOW)[0] == 1  # listed, marked held
    lifted = archive.lift_hold(portal, ARCH, NOW, dossier, "xong")
    assert lifted["lift_reason"] == "xong" and dossier.history[-1]["action"] == "lift_hold"
    assert archive.find_records(portal, ARCH, NOW, {"held": "1"})[0] == 0


def test_a_proposed_dossier_is_no_longer_a_candidate(portal):
    dossier = add(portal, f"{BRANCH}-140101-0001")
    proposal = Proposal([dossier.code], "hết hạn", "arch", NOW)
    portal.archive.proposals[proposal.proposal_id] = proposal
    assert archive.disposal_candidates(portal, ARCH, NOW) == (0, [])


def test_a_bag_imported_by_an_actor(portal, tmp_path):
    source = add(portal, f"{BRANCH}-140101-0001")
    bag = tmp_path / "bag.zip"
    export.write_bag(portal, source, str(bag))
    with pytest.raises(BagRefused, match="already exists"):
        archive.import_bag(portal, ARCH, NOW, bag.open("rb"), 1 << 20, 10 << 20)
    other = tmp_path / "other"
    other.mkdir()
    db = ZODB.DB(FileStorage(str(other / "Data.fs"), blob_dir=str(other / "blobs")))
    try:
        with db.transaction() as conn:
            fresh = get_portal(conn.root())
            seed(fresh)
            dossier, file_ids = archive.import_bag(fresh, ARCH, NOW, bag.open("rb"), 1 << 20,
                                                   10 << 20)
            assert dossier.code == source.code and len(file_ids) == 1
            assert dossier.history[-1]["user"] == "arch"
            assert archive.find_records(fresh, ARCH, NOW, {})[0] == 1  # the catalog knows it
            with pytest.raises(BagRefused, match="choose the bag"):
                archive.import_bag(fresh, ARCH, NOW, None, 1 << 20, 10 << 20)
    finally:
        db.close()


def test_fixity_failures_acknowledged_and_reported_by_an_actor(portal):
    key = ("f" * 32, NOW.isoformat())
    portal.archive.fixity_failures[key] = {
        "file_id": "f" * 32, "owner": f"{BRANCH}-140101-0001", "filename": "don.pdf",
        "problem": "mismatch", "expected": "a" * 64, "actual": "b" * 64, "found_at": NOW,
        "last_seen": NOW}
    (failure,) = archive.fixity_failures(portal)
    done = archive.acknowledge_failure(portal, ARCH, NOW, failure["key"], "đã báo cáo")
    assert (done["acknowledged_by"], done["note"]) == ("arch", "đã báo cáo")
    with pytest.raises(FailureError) as again:
        archive.acknowledge_failure(portal, ARCH, NOW, failure["key"], "")
    assert again.value.status == 409
    report = archive.fixity_report(portal, ARCH, NOW).decode("utf-8-sig").splitlines()
    assert report[0].startswith("file_id,dossier") and "đã báo cáo" in report[1]
    actions = [e["action"] for e in portal.audit.pending_entries()]
    assert {"acknowledge_fixity_failure", "export_fixity_report"} <= set(actions)


def test_the_trail_searched_and_exported_by_an_actor(portal):
    mine = add(portal, f"{BRANCH}-140101-0001")
    add(portal, f"{OTHER}-140101-0001", unit=OTHER)
    filters, entries = trail.search_trail(portal, ARCH, NOW, {"action": "return"})
    assert filters["action"] == "return"
    assert [e["code"] for e in entries] == [mine.code]  # not the other unit's dossier
    assert len(trail.search_trail(portal, ADMIN, NOW, {"action": "return"})[1]) == 2
    with pytest.raises(trail.TrailQueryError):
        trail.search_trail(portal, ARCH, NOW, {"since": "hôm qua"})
    with pytest.raises(trail.TrailQueryError):
        trail.limit_of({"limit": "-3"})
    rows = trail.export_trail(portal, ARCH, NOW, {"code": mine.code}).decode("utf-8-sig")
    assert rows.splitlines()[0].startswith("seq,at,user") and mine.code in rows
    searches = [e for e in portal.audit.pending_entries() if e["action"] == "audit_search"]
    assert searches and searches[0]["user"] == "arch"
    assert any(e["action"] == "audit_export" for e in portal.audit.pending_entries())


# The pages and the API call these services; neither holds the operations itself.
ARCHIVE_VIEWS = ("archive.py", "holds.py", "bags.py", "fixity.py", "audit.py", "records.py")
DOMAIN = {("records.archive.bagimport", "import_bag"), ("records.archive.browse", "closed_records"),
          ("records.archive", "holds"), ("records.archive", "fixity"),
          ("records.archive.holds", "place"), ("records.archive.holds", "lift"),
          ("records.archive.fixity", "acknowledge"), ("records.audit", "search")}


def imported_names(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            yield from ((node.module, alias.name) for alias in node.names)


def test_archive_pages_and_api_call_the_services():
    assert not (SRC / "views" / "archive_api.py").exists()  # the API lives in records.api
    for path in [SRC / "views" / name for name in ARCHIVE_VIEWS] + [SRC / "api" / "archive.py"]:
        assert not set(imported_names(path)) & DOMAIN, path.name
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"audit\.search\(|csv\.writer\(|dossiers\.values\(", text), path.name
    api = set(imported_names(SRC / "api" / "archive.py"))
    assert ("records.services", "archive") in api and ("records.services", "trail") in api
