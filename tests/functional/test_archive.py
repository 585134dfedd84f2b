"""The archivists' part: fixity, retention and disposition (two people), export, audit."""
import hashlib
import io
import json
import os
import re
import zipfile

import pytest
from click.testing import CliRunner

from records import clock
from records.archive import fixity
from records.cli import main as cli
from records.archive.export import read_manifest, verify_zip
from tests.conftest import PASSWORD
from tests.functional.helpers import api_login, receive

from tests.functional.helpers import closed_dossier, login_as, set_closed  # noqa: F401

pytestmark = pytest.mark.foundation


def as_(web, name):
    web.reset()
    return api_login(web, name, PASSWORD)




def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)






def file_ids(portal, code):
    with portal() as p:
        return [v.file_id for v in p.dossiers[code].file_versions()]




# -- fixity ----------------------------------------------------------------------------------

def test_fixity_passes_then_detects_a_corrupted_and_a_missing_blob(web, officers, portal, db, ini):
    code = closed_dossier(web)
    runner = CliRunner()
    result = runner.invoke(cli, ["-c", ini, "fixity"])
    assert result.exit_code == 0, result.output
    assert "0 failures" in result.output
    with portal() as p:
        receipt, application = list(p.dossiers[code].file_versions())[:2]
        bad_id, gone_id = application.file_id, receipt.file_id
        bad_path, gone_path = application.path(), receipt.path()
    os.chmod(bad_path, 0o644)
    with open(bad_path, "r+b") as f:
        f.seek(10)
        f.write(b"tampered")
    os.remove(gone_path)

    result = runner.invoke(cli, ["-c", ini, "fixity"])
    assert result.exit_code == 1, result.output
    assert f"mismatch: {bad_id}" in result.output
    assert f"missing: {gone_id}" in result.output
    assert "2 failures" in result.output

    with portal() as p:
        runs = p.archive.last_runs()
        assert [len(r["failures"]) for r in runs] == [2, 0]
        assert {f["file_id"] for f in runs[0]["failures"]} == {bad_id, gone_id}
    login_as(web, "arch")
    page = web.get("/archive")
    assert f'data-file="{bad_id}"' in page.text and f'data-file="{gone_id}"' in page.text


def test_limited_fixity_runs_continue_round_the_store(web, officers, portal, db):
    closed_dossier(web)
    with portal() as p:
        everything = set(p.files.keys())
    seen = []
    for _ in range(len(everything)):
        seen.append(fixity.run(db, limit=1)["checked"])
    with portal() as p:
        runs = p.archive.last_runs(len(everything))
        cursors = {r["cursor"] for r in runs}
    assert seen == [1] * len(everything) and cursors == everything


def test_fixity_keeps_the_last_runs_only(web, officers, portal, db, monkeypatch):
    monkeypatch.setattr("records.archive.records.KEEP_RUNS", 3)
    with portal() as p:
        for n in range(5):
            p.archive.add_run({"checked": n, "failures": []}, keep=3)
        assert [r["checked"] for r in p.archive.fixity_runs] == [2, 3, 4]


# -- retention and disposition ---------------------------------------------------------------

def test_archive_lists_only_dossiers_whose_retention_ended(web, officers, portal):
    old = closed_dossier(web)
    recent = closed_dossier(web)
    set_closed(portal, old, 6)   # withdrawn: 5 years
    set_closed(portal, recent, 2)
    login_as(web, "arch")
    page = web.get("/archive")
    assert f'id="due-{old}"' in page.text and f'id="due-{recent}"' not in page.text
    login_as(web, "recv1")
    web.get("/archive", status=403)


def test_disposition_takes_two_people_and_stops_serving_the_files(web, officers, portal, wsgi):
    code = closed_dossier(web)
    recent = closed_dossier(web)
    set_closed(portal, code, 6)
    set_closed(portal, recent, 2)
    ids = file_ids(portal, code)

    login_as(web, "arch")
    page = web.get("/archive")
    csrf = csrf_of(page)
    # the reason is required, and only dossiers whose retention ended may be proposed
    web.post("/archive/propose", {"csrf_token": csrf, "code": code, "reason": " "}, status=400)
    reply = web.post("/archive/propose", {"csrf_token": csrf, "code": recent,
                                          "reason": "hết hạn"}, status=409)
    assert recent in reply.text
    web.post("/archive/propose", {"csrf_token": csrf, "code": code,
                                  "reason": "Hết thời hạn lưu trữ 5 năm"}, status=303)
    with portal() as p:
        (proposal,) = p.archive.pending()
        proposal_id = proposal.proposal_id
        assert proposal.proposed_by == "arch" and proposal.codes == (code,)
    assert f'id="due-{code}"' not in web.get("/archive").text  # proposed: no longer offered
    # an archivist cannot approve (no permission), not even someone else's proposal
    web.post("/archive/approve", {"csrf_token": csrf, "proposal": proposal_id}, status=403)

    # an admin who proposes cannot approve their own proposal
    with portal() as p:
        p.archive.proposals[proposal_id].proposed_by = "admin"
    login_as(web, "admin")
    page = web.get("/archive/proposals")
    assert f'id="proposal-{proposal_id}"' in page.text
    reply = web.post("/archive/approve", {"csrf_token": csrf_of(page), "proposal": proposal_id},
                     status=403)
    assert "someone other" in reply.text or "người khác" in reply.text
    with portal() as p:
        p.archive.proposals[proposal_id].proposed_by = "arch"
        assert code not in p.archive.disposed

    # before: an officer can download the file
    login_as(web, "lead1")
    web.get(f"/dossiers/{code}/file/{ids[1]}", status=200)
    page = web.get("/archive/proposals")
    web.post("/archive/approve", {"csrf_token": csrf_of(page), "proposal": proposal_id,
                                  "note": "đồng ý"}, status=303)
    web.post("/archive/approve", {"csrf_token": csrf_of(page), "proposal": proposal_id},
             status=409)  # decided once

    with portal() as p:
        record = p.archive.disposed[code]
        assert (record["proposed_by"], record["approved_by"]) == ("arch", "lead1")
        assert record["reason"] == "Hết thời hạn lưu trữ 5 năm"
        assert {f["file_id"] for f in record["files"]} == set(ids)
        assert all(f["sha256"] and len(f["sha256"]) == 64 for f in record["files"])
        assert code in p.outbox  # the indexer removes it from search
        dossier = p.dossiers[code]
        assert dossier.history[-1]["action"] == "dispose"
        assert all(v.blob is None for v in dossier.file_versions())

    for file_id in ids:
        reply = web.get(f"/dossiers/{code}/file/{file_id}", status=404)
        assert "hủy" in reply.text
        reply = web.get(f"/api/v1/dossiers/{code}/files/{file_id}", status=404)
        assert "hủy" in reply.json["error"]
    login_as(web, "arch")
    page = web.get(f"/dossiers/{code}/audit")
    assert 'id="disposition"' in page.text and ids[0] in page.text
    assert f'id="disposed-{code}"' in web.get("/archive").text

    # it leaves search: the outbox delivery deletes every document it had
    from records.workers.indexing import deliver
    deliver(wsgi.registry.settings)
    csrf = api_login(web, "super", PASSWORD)
    hits = web.post_json("/api/v1/search", {"q": code}, headers={"X-CSRF-Token": csrf}).json
    assert code not in {h["fields"]["dossier_code"] for h in hits["hits"]}
    assert recent in {h["fields"]["dossier_code"] for h in web.post_json(
        "/api/v1/search", {"q": recent}, headers={"X-CSRF-Token": csrf}).json["hits"]}


def test_a_rejected_proposal_disposes_of_nothing(web, officers, portal):
    code = closed_dossier(web)
    set_closed(portal, code, 6)
    login_as(web, "arch")
    web.post("/archive/propose", {"csrf_token": csrf_of(web.get("/archive")), "code": code,
                                  "reason": "hết hạn"}, status=303)
    with portal() as p:
        (proposal,) = p.archive.pending()
        proposal_id = proposal.proposal_id
    login_as(web, "admin")
    page = web.get("/archive/proposals")
    web.post("/archive/reject", {"csrf_token": csrf_of(page), "proposal": proposal_id,
                                 "note": "còn giá trị tra cứu"}, status=303)
    with portal() as p:
        assert p.archive.proposals[proposal_id].state == "rejected"
        assert code not in p.archive.disposed
        assert all(v.check_fixity() for v in p.dossiers[code].file_versions())
    login_as(web, "arch")
    assert f'id="due-{code}"' in web.get("/archive").text  # may be proposed again


def test_pack_removes_the_bytes_of_disposed_files(web, officers, portal, ini):
    code = closed_dossier(web)
    set_closed(portal, code, 6)
    with portal() as p:
        paths = [v.path() for v in p.dossiers[code].file_versions()]
    assert all(os.path.exists(path) for path in paths)
    login_as(web, "arch")
    web.post("/archive/propose", {"csrf_token": csrf_of(web.get("/archive")), "code": code,
                                  "reason": "hết hạn"}, status=303)
    with portal() as p:
        proposal_id = p.archive.pending()[0].proposal_id
    login_as(web, "lead1")
    web.post("/archive/approve", {"csrf_token": csrf_of(web.get("/archive/proposals")),
                                  "proposal": proposal_id}, status=303)
    assert all(os.path.exists(path) for path in paths)  # still in the history
    result = CliRunner().invoke(cli, ["-c", ini, "pack", "--days", "0"])
    assert result.exit_code == 0, result.output
    assert not any(os.path.exists(path) for path in paths)
    result = CliRunner().invoke(cli, ["-c", ini, "fixity"])  # disposed files are skipped
    assert result.exit_code == 0, result.output


# -- export ----------------------------------------------------------------------------------

def test_export_command_writes_bags_whose_manifest_verifies(web, officers, portal, ini,
                                                           tmp_path):
    codes = [closed_dossier(web), closed_dossier(web)]
    out = tmp_path / "export"
    result = CliRunner().invoke(cli, ["-c", ini, "export", *codes, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 dossiers exported" in result.output
    for code in codes:
        path = out / f"{code}.zip"
        assert verify_zip(path) == []
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            assert {f"{code}/bagit.txt", f"{code}/bag-info.txt", f"{code}/manifest-sha256.txt",
                    f"{code}/data/metadata.json"} <= names
            manifest = read_manifest(zf.read(f"{code}/manifest-sha256.txt").decode())
            meta = json.loads(zf.read(f"{code}/data/metadata.json"))
            with portal() as p:
                for version in p.dossiers[code].file_versions():
                    listed = f"data/files/{version.file_id}-{version.filename}"
                    data = zf.read(f"{code}/{listed}")
                    assert manifest[listed] == hashlib.sha256(data).hexdigest() == version.sha256
            info = zf.read(f"{code}/bag-info.txt").decode()
            assert f"External-Identifier: {code}" in info and "Payload-Oxum: " in info
        assert meta["code"] == code and meta["state"] == "withdrawn"
        assert [h["action"] for h in meta["history"]][-2:] == ["transfer", "withdraw"]
        (application,) = [c for c in meta["components"] if c["key"] == "application"]
        assert application["versions"][0]["filename"] == "to-khai.pdf"
        assert application["versions"][0]["uploaded_by"] == "recv1"
        assert meta["retention"]["years"] == 5
    result = CliRunner().invoke(cli, ["-c", ini, "export", "NO-SUCH", "--out", str(out)])
    assert result.exit_code != 0 and "NO-SUCH" in result.output


def test_export_download_from_the_archive_is_audited(web, officers, portal):
    code = closed_dossier(web)
    login_as(web, "arch")
    page = web.get(f"/dossiers/{code}/audit")
    reply = page.click(href=f"/dossiers/{code}/export")
    assert reply.content_type == "application/zip"
    assert verify_zip(io.BytesIO(reply.body)) == []
    with portal() as p:
        (entry,) = p.archive.downloads_of(code)
        assert entry["kind"] == "export" and entry["login"] == "arch"
    login_as(web, "recv1")
    web.get(f"/dossiers/{code}/export", status=403)


# -- audit -----------------------------------------------------------------------------------

def test_officers_downloads_are_recorded_and_shown(web, officers, portal):
    code = closed_dossier(web)
    ids = file_ids(portal, code)
    login_as(web, "recv1")
    web.get(f"/dossiers/{code}/file/{ids[1]}", status=200)
    csrf = as_(web, "proc1")
    web.get(f"/api/v1/dossiers/{code}/files/{ids[0]}", status=200)
    with portal() as p:
        entries = p.archive.downloads_of(code)
    assert [(e["login"], e["file_id"]) for e in entries] == [("recv1", ids[1]), ("proc1", ids[0])]
    assert all(e["at"] for e in entries)
    login_as(web, "arch")
    page = web.get("/archive/audit", {"code": code}).follow()
    rows = page.html.find(id="officer-downloads").find_all("tr")
    assert "Recv1" in rows[1].text and ids[1] in rows[1].text  # the officer by name
    assert "Proc1" in rows[2].text
    assert "rút hồ sơ" in page.text and "withdraw" not in page.text  # the history, named


def test_disposal_keeps_files_another_dossier_reuses(web, officers, portal):
    import types
    from records.archive import records as records_archive
    first = closed_dossier(web)
    login_as(web, "recv1")
    _, second, _ = receive(web)
    with portal() as p:
        kept = p.dossiers[first].components["application"].current
        p.dossiers[second].components["identity"].reference = {
            "source": f"file:{kept.file_id}", "kind": "file", "dossier": first,
            "title": "x", "file_id": kept.file_id, "sha256": kept.sha256, "by": "recv1",
            "at": clock.now()}
        p.dossiers[second].changed()  # NB: behind attach()'s back: index it ourselves
        kept_id = kept.file_id
        receipt_id = p.dossiers[first].receipt.file_id
        proposal = types.SimpleNamespace(reason="hết hạn", proposal_id="p1",
                                         proposed_by="arch", proposed_at=clock.now(),
                                         decided_by="lead1", decided_at=clock.now())
        records_archive.dispose(p, p.dossiers[first], proposal)
    with portal() as p:
        record = p.archive.disposed[first]
        kept_entry = [f for f in record["files"] if f["file_id"] == kept_id][0]
        assert kept_entry["kept_for"] == [second]
        assert kept_id not in p.archive.disposed_files
        assert p.files[kept_id].blob is not None  # the reusing dossier still has its bytes
        assert receipt_id in p.archive.disposed_files
    login_as(web, "recv1")
    assert web.get(f"/dossiers/{second}/file/{kept_id}").body.startswith(b"%PDF")
