"""`records ingest MANIFEST`: a paper archive's scans received in bulk, with progress."""
import pytest
from click.testing import CliRunner

from records.cli import main as cli
from tests.conftest import portal_of
from tests.samples import pdf_bytes, png_bytes

pytestmark = pytest.mark.foundation

HEADER = "dossier,procedure,unit,received,channel,kind,name,id_number,address,component,file\n"


def test_ingest_receives_dossiers_keeps_dates_and_reports_bad_rows(tmp_path, db, settings):
    (tmp_path / "a1").mkdir()
    (tmp_path / "a1/tk.pdf").write_bytes(pdf_bytes("Tờ khai"))
    (tmp_path / "a1/cs.png").write_bytes(png_bytes())
    (tmp_path / "b.txt").write_text("not a scan")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(HEADER + "\n".join([
        "A1,1.001193,000.00.01.H26,2025-11-20,in_person,person,Nguyễn Thị Lan,001303004567,,application,a1/tk.pdf",
        "A1,1.001193,000.00.01.H26,2025-11-20,in_person,person,Nguyễn Thị Lan,001303004567,,birth-notice,a1/cs.png",
        "B1,1.001193,000.00.01.H26,2025-11-21,in_person,person,Lê Văn Tám,001203009999,,application,b.txt",
        "C1,9.999,000.00.01.H26,2025-11-21,in_person,person,Lê Văn Tám,001203009999,,application,a1/tk.pdf",
    ]) + "\n", encoding="utf-8")
    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {settings['records.var_dir']}\n")
    result = CliRunner().invoke(cli, ["-c", str(ini), "ingest", str(manifest)])
    assert result.exit_code == 1
    assert "1 dossiers received, 0 already ingested, 2 refused" in result.output
    assert "B1: the file 'b.txt' is text/plain" in result.output
    assert "C1: unknown procedure" in result.output
    with portal_of(db) as p:
        (dossier,) = p.dossiers.values()
        assert dossier.code.startswith("000.00.01.H26-251120-")
        assert str(dossier.received_at.date()) == "2025-11-20"
        assert [len(c.versions) for c in dossier.ordered_components()] == [1, 1, 0]
        assert len(p.files) == 2  # the two scans (no receipt: no applicant is present); nothing of the refused rows


def test_manifest_without_the_columns_is_refused(tmp_path, settings):
    manifest = tmp_path / "m.csv"
    manifest.write_text("a,b\n1,2\n")
    ini = tmp_path / "t.ini"
    ini.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {settings['records.var_dir']}\n")
    result = CliRunner().invoke(cli, ["-c", str(ini), "ingest", str(manifest)])
    assert result.exit_code != 0 and "lacks the columns" in result.output
