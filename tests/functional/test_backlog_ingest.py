"""Backlog ingest: a folder of scans with its CSV mapping, received as closed records with
their original dates, left out of the dashboard's figures, and resumable — a run killed
halfway and started again leaves no duplicates."""
import datetime
import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from records.cli import main as cli
from records.intake.ingest import MAPPING
from records.reports.figures import figures
from records.settings import apply_environment
from records.store import open_database
from tests.conftest import BRANCH1, portal_of
from tests.functional.helpers import login_as
from tests.samples import pdf_bytes

pytestmark = pytest.mark.archive

HEADER = ("dossier,procedure,unit,received,channel,kind,name,id_number,address,component,"
          "file,closed,outcome\n")


def row(key, received="2015-11-20", closed="2015-12-02", outcome="returned", file=None):
    return (f"{key},1.001193,{BRANCH1},{received},in_person,person,Trần Thị Mai,"
            f"0012030{sum(map(ord, key)) % 100000:05d},,application,{file or key + '.pdf'},"
            f"{closed},{outcome}")


def folder(tmp_path, keys, size=0, extra_rows=()):
    scans = tmp_path / "scans"
    scans.mkdir(exist_ok=True)
    body = pdf_bytes("Tờ khai đăng ký khai sinh")
    for key in keys:
        (scans / f"{key}.pdf").write_bytes(body + b"%" + b"0" * size + b"\n")
    (scans / MAPPING).write_text(
        HEADER + "\n".join([row(k) for k in keys] + list(extra_rows)) + "\n", encoding="utf-8")
    return scans


def ini_for(tmp_path, settings):
    ini = tmp_path / "t.ini"
    var = settings["records.var_dir"]
    ini.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {var}\n")
    return str(ini)


def test_a_folder_arrives_as_closed_records_left_out_of_the_figures(tmp_path, db, settings,
                                                                     web, officers):
    scans = folder(tmp_path, ["HS-001", "HS-002"], extra_rows=[
        row("HS-003", closed="2015-11-01"),             # closed before it was received
        row("HS-004", outcome="in_processing", file="HS-001.pdf"),  # not a closed state
    ])
    (scans / "forgotten.pdf").write_bytes(pdf_bytes("?"))
    ini = ini_for(tmp_path, settings)
    result = CliRunner().invoke(cli, ["-c", ini, "ingest", str(scans)])
    assert result.exit_code == 1, result.output
    assert "2 dossiers received, 0 already ingested, 2 refused" in result.output
    assert "HS-003: closed: 2015-11-01 is before the receipt date" in result.output
    assert "HS-004: outcome: 'in_processing' is not one of" in result.output
    assert "1 files in the folder are not in the mapping" in result.output
    with portal_of(db) as p:
        dossiers = list(p.dossiers.values())
        assert len(dossiers) == 2 and set(p.ingested.keys()) == {"HS-001", "HS-002"}
        for dossier in dossiers:
            assert dossier.state == "returned" and dossier.ingested
            assert str(dossier.received_at.date()) == "2015-11-20"
            assert str(dossier.closed_at.date()) == "2015-12-02"
            assert dossier.code.startswith(f"{BRANCH1}-151120-")
            assert [h["action"] for h in dossier.history] == ["receive", "ingest"]
        month = figures([p.catalog.entries[d.code] for d in dossiers], [],
                        datetime.date(2015, 11, 1), datetime.date(2015, 12, 31),
                        today=datetime.date.today())
        assert (month.received, month.solved, month.returned) == (0, 0, 0)
    login_as(web, "super")
    data = web.get("/api/v1/dashboard", params={"month": "2015-11"}).json
    assert data["received"] == 0 and data["held_up"] == []
    # the same folder again: nothing twice
    result = CliRunner().invoke(cli, ["-c", ini, "ingest", str(scans)])
    assert "0 dossiers received, 2 already ingested, 2 refused" in result.output
    with portal_of(db) as p:
        assert len(p.dossiers) == 2


def test_a_mapping_elsewhere_and_a_missing_mapping(tmp_path, settings, db):
    scans = folder(tmp_path, ["HS-101"])
    mapping = tmp_path / "other.csv"
    (scans / MAPPING).rename(mapping)
    ini = ini_for(tmp_path, settings)
    result = CliRunner().invoke(cli, ["-c", ini, "ingest", str(scans)])
    assert result.exit_code != 0 and "no mapping" in result.output
    result = CliRunner().invoke(cli, ["-c", ini, "ingest", str(scans), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert "1 dossiers received" in result.output


def _ingested(settings):
    db = open_database(apply_environment(settings))
    try:
        with db.transaction() as conn:
            portal = conn.root()["portal"]
            return len(portal.ingested), len(portal.dossiers)
    finally:
        db.close()


def test_killed_halfway_then_run_again_no_duplicates(tmp_path, settings, db):
    keys = [f"HS-{n:03d}" for n in range(60)]
    scans = folder(tmp_path, keys, size=1 << 20)  # 1 MB scans: each commit fsyncs its bytes
    ini = ini_for(tmp_path, settings)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    for name in ("CELERY_BROKER_URL", "RECORDS_VAR_DIR", "RECORDS_ZODB_URI"):
        env.pop(name, None)
    command = [sys.executable, "-m", "records.cli", "-c", ini, "ingest", str(scans)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if _ingested(settings)[0] >= 5:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the ingest finished before it could be killed"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    done, dossiers = _ingested(settings)
    assert 5 <= done < len(keys) and dossiers == done  # each dossier with its key, or neither
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{len(keys) - done} dossiers received, {done} already ingested, 0 refused" \
        in result.stdout
    with portal_of(db) as p:
        assert len(p.dossiers) == len(keys) == len(set(p.ingested.values()))
        assert set(p.ingested.keys()) == set(keys)
        assert len({d.code for d in p.dossiers.values()}) == len(keys)
