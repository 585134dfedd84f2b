"""Fixity on a schedule: slices cover the whole store in N days, failures are kept (never
repaired) until acknowledged, shown on a page, in a report and on the start page; a real
worker with its embedded beat runs the slices and seals the audit trail."""
import csv
import io
import os
import re

import pytest

from records.archive import fixity
from records.workers.app import beat_schedule
from records.jobs import FIXITY_SLICE, SEAL_AUDIT
from tests.functional.helpers import (as_, beat_worker, closed_dossier, in_store, login_as,
                                      wait_for)

pytestmark = pytest.mark.archive


def test_slice_size_covers_the_store_in_the_period():
    assert fixity.slice_size(1000, 30, 60) == 2          # 720 slices in 30 days
    assert fixity.slice_size(7, 1, 720) == 4             # 2 slices a day
    assert fixity.slice_size(0, 30, 60) == 1
    assert fixity.slice_size(10**6, 30, 60) * 720 >= 10**6


def test_the_beat_schedule_is_read_from_the_settings():
    schedule = beat_schedule({"records.fixity_every_minutes": "15",
                              "records.audit_seal_seconds": "30"})
    assert schedule["fixity-slice"]["task"] == FIXITY_SLICE
    assert schedule["fixity-slice"]["schedule"].total_seconds() == 15 * 60
    assert schedule["seal-audit"]["task"] == SEAL_AUDIT
    assert schedule["seal-audit"]["schedule"].total_seconds() == 30


def _tamper(portal, code):
    with portal() as p:
        version = p.dossiers[code].components["application"].versions[0]
        file_id, path = version.file_id, version.path()
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        f.seek(5)
        f.write(b"tampered")
    with open(path, "rb") as f:
        return file_id, f.read()


def test_failures_are_kept_until_acknowledged_and_never_repaired(web, officers, portal, db,
                                                                  settings):
    code = closed_dossier(web)
    closed_dossier(web)
    with portal() as p:
        total = len(p.files)
    bad_id, tampered = _tamper(portal, code)
    schedule = dict(settings, **{"records.fixity_days": "1",
                                 "records.fixity_every_minutes": "720"})  # 2 slices a day
    checked = [fixity.scheduled(db, schedule)["checked"] for _ in range(2)]
    assert sum(checked) == total and checked[0] == -(-total // 2)
    fixity.scheduled(db, schedule)  # round again: the same failure, not a second entry
    with portal() as p:
        (failure,) = p.archive.fixity_failures.values()
        assert (failure["file_id"], failure["problem"]) == (bad_id, "mismatch")
        assert failure["last_seen"] >= failure["found_at"]
        cursors = [r["cursor"] for r in p.archive.fixity_runs]
        assert len(cursors) == 3 and cursors[0] == cursors[2] != cursors[1]  # round again

    login_as(web, "arch")
    warning = web.get("/").html.find(id="fixity-warning")
    assert warning is not None and "1" in warning.text
    page = web.get("/archive/fixity")
    row = page.html.find(id="fixity-failures").find("tr", attrs={"data-file": bad_id})
    assert code in row.text and row.find("form") is not None
    report = web.get("/archive/fixity/report.csv")
    (line,) = list(csv.DictReader(io.StringIO(report.body.decode("utf-8-sig"))))
    assert (line["file_id"], line["dossier"], line["problem"]) == (bad_id, code, "mismatch")
    assert line["acknowledged_by"] == ""

    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    key = row.find("input", attrs={"name": "failure"})["value"]
    web.post("/archive/fixity/acknowledge", {"csrf_token": token, "failure": key,
                                             "note": "đã báo cáo, chờ bản gốc"}, status=303)
    web.post("/archive/fixity/acknowledge", {"csrf_token": token, "failure": key},
             status=409)
    web.post("/archive/fixity/acknowledge", {"csrf_token": token, "failure": "nope"},
             status=404)
    assert web.get("/").html.find(id="fixity-warning") is None
    (line,) = list(csv.DictReader(io.StringIO(
        web.get("/archive/fixity/report.csv").body.decode("utf-8-sig"))))
    assert line["acknowledged_by"] == "arch" and line["note"] == "đã báo cáo, chờ bản gốc"
    with portal() as p:
        with open(p.files[bad_id].path(), "rb") as f:
            assert f.read() == tampered  # as found: nothing repaired
    login_as(web, "recv1")  # not an archivist: no warning, no page
    assert web.get("/").html.find(id="fixity-warning") is None
    web.get("/archive/fixity", status=403)


def test_fixity_failures_through_the_api(web, officers, portal, db, settings):
    code = closed_dossier(web)
    bad_id, _ = _tamper(portal, code)
    fixity.run(db)
    csrf = as_(web, "arch")
    reply = web.get("/api/v1/archive/fixity").json
    (failure,) = reply["failures"]
    assert failure["file_id"] == bad_id and failure["acknowledged_at"] is None
    assert reply["runs"][0]["failures"] == 1
    url = "/api/v1/archive/fixity/acknowledge"
    done = web.post_json(url, {"failure": failure["key"], "note": "ok"},
                         headers={"X-CSRF-Token": csrf}).json["failure"]
    assert done["acknowledged_by"] == "arch"
    web.post_json(url, {"failure": failure["key"]}, headers={"X-CSRF-Token": csrf}, status=409)
    csrf = as_(web, "recv1")
    web.post_json(url, {"failure": failure["key"]}, headers={"X-CSRF-Token": csrf}, status=403)


def test_a_worker_with_its_beat_runs_slices_and_seals_the_audit_trail(web, officers, portal,
                                                                       settings, tmp_path):
    closed_dossier(web)
    with portal() as p:
        runs_before = len(p.archive.fixity_runs)

    def progressed(p):
        return (len(p.archive.fixity_runs) >= runs_before + 2
                and p.audit.head_seq > 0 and len(p.audit.pending) == 0)

    with beat_worker(settings, tmp_path, **{"records.fixity_days": 1,
                                            "records.fixity_every_minutes": 0.05,
                                            "records.audit_seal_seconds": 1}) as log:
        assert wait_for(lambda: in_store(settings, progressed), 90), log.read_text()[-3000:]
