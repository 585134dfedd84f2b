"""BagIt import: a bag exported by one portal imported into a fresh one is the same dossier;
bad bags are refused with their reason and nothing is imported (command, page, API)."""
import io
import json
import stat
import zipfile

import pytest
from click.testing import CliRunner
from webtest import Upload

from records import audit, clock
from records.archive.export import metadata
from records.cli import main as cli
from records.resources.files import FileVersion
from records.store import open_database
from records.settings import apply_environment
from tests.conftest import app_settings
from tests.functional.helpers import act
from tests.functional.helpers import as_, closed_dossier, login_as
from tests.functional.helpers import published_dossier

pytestmark = pytest.mark.archive


def rich_dossier(web, portal):
    """Published e-result, returned; a second version of the application and a searchable
    PDF derived from the first (as the reading worker makes it)."""
    code, _, _ = published_dossier(web)
    csrf = as_(web, "recv1")
    web.post(f"/api/v1/dossiers/{code}/components/application/versions",
             upload_files=[("file", "to-khai-2.pdf", b"%PDF-1.4 second version\n%%EOF")],
             headers={"X-CSRF-Token": csrf}, status=201)
    act(web, code, "return", csrf)
    with portal() as p:
        dossier = p.dossiers[code]
        first = dossier.components["application"].versions[0]
        derived = FileVersion("to-khai.ocr.pdf", "application/pdf", "worker", clock.now(),
                              owner=code)
        derived.write_from(io.BytesIO(b"%PDF-1.4 searchable\n%%EOF"))
        derived.derived_from, derived.derivation = first.file_id, "searchable-pdf"
        first.reading.derived_pdf = p.register_file(derived)
    web.reset()
    return code


def fresh_ini(tmp_path, name="other"):
    var = tmp_path / name
    path = tmp_path / f"{name}.ini"
    path.write_text(f"[app:main]\nuse = egg:records\nrecords.var_dir = {var}\n")
    # NB: commands do not evolve a store (records evolve does): make the fresh portal first
    result = CliRunner().invoke(cli, ["-c", str(path), "evolve"])
    assert result.exit_code == 0, result.output
    return str(path), app_settings(var)


def metadata_in(settings, code):
    db = open_database(apply_environment(settings))
    try:
        with db.transaction() as conn:
            portal = conn.root()["portal"]
            dossier = portal.dossiers.get(code)
            return metadata(portal, dossier) if dossier is not None else None
    finally:
        db.close()


def export_bag(ini, code, tmp_path):  # noqa: F811
    out = tmp_path / "bags"
    result = CliRunner().invoke(cli, ["-c", ini, "export", code, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / f"{code}.zip"


def _plain(value):
    return json.loads(json.dumps(value, default=str))


def test_round_trip_into_a_fresh_portal(web, officers, portal, ini, tmp_path):
    code = rich_dossier(web, portal)
    bag = export_bag(ini, code, tmp_path)
    with portal() as p:  # the command's export is in the audit trail
        assert [e["user"] for e in audit.search(p.audit, code=code, action="export")] == ["cli"]
    other_ini, other = fresh_ini(tmp_path)
    result = CliRunner().invoke(cli, ["-c", other_ini, "import-bag", str(bag), "--by", "arch"])
    assert result.exit_code == 0, result.output
    assert f"dossier {code} imported" in result.output
    with portal() as p:
        before = _plain(metadata(p, p.dossiers[code]))
    after = _plain(metadata_in(other, code))
    assert after["history"][:-1] == before["history"]
    assert after["history"][-1]["action"] == "import_bag" and after["history"][-1]["user"] == "arch"
    for key in ("history", "officer_downloads"):
        before.pop(key), after.pop(key)
    assert after == before
    versions = [v for c in after["components"] for v in c["versions"]]
    assert {v["derivation"] for v in versions} >= {"searchable-pdf"}
    assert len(after["components"][0]["versions"]) == 3  # two versions and the derived PDF
    assert after["results"][0]["status"] == "published" and after["results"][0]["published"]
    # the imported copy exports to a bag with the same files and checksums
    again = export_bag(other_ini, code, tmp_path / "again")
    with zipfile.ZipFile(bag) as a, zipfile.ZipFile(again) as b:
        manifest = f"{code}/manifest-sha256.txt"
        lines = lambda zf: {l for l in zf.read(manifest).decode().splitlines()  # noqa: E731
                            if "metadata.json" not in l}
        assert lines(a) == lines(b)
    # importing it a second time: the dossier code exists
    result = CliRunner().invoke(cli, ["-c", other_ini, "import-bag", str(bag)])
    assert result.exit_code != 0 and "already exists" in result.output


def _rewrite(src, dst, change=None, add=(), drop=None, symlink=None):
    """Copy the bag ZIP ``src`` to ``dst``: ``change(name, data)`` → new data, ``add``
    (name, data) pairs, ``drop(name)`` → leave it out, ``symlink`` a member name to add as
    a link."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            if drop and drop(item.filename):
                continue
            data = zin.read(item)
            if change:
                data = change(item.filename, data)
            zout.writestr(item, data)
        for name, data in add:
            zout.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zout.writestr(info, "/etc/passwd")
    return dst


def bad_bags(bag, code, tmp_path):
    payload = f"{code}/data/files/"
    first_payload = next(n for n in zipfile.ZipFile(bag).namelist() if n.startswith(payload))
    flip = lambda name, data: data[:-3] + b"XYZ" if name == first_payload else data  # noqa
    return {
        "checksum mismatch": _rewrite(bag, tmp_path / "sum.zip", change=flip),
        "missing payload file": _rewrite(bag, tmp_path / "missing.zip",
                                         drop=lambda n: n == first_payload),
        "not in the manifest": _rewrite(bag, tmp_path / "extra.zip",
                                        add=[(f"{code}/data/files/extra.pdf", b"%PDF-")]),
        "climbs out": _rewrite(bag, tmp_path / "climb.zip",
                               add=[(f"{code}/data/../../evil.txt", b"x")]),
        "absolute path": _rewrite(bag, tmp_path / "abs.zip", add=[("/etc/evil.txt", b"x")]),
        "symbolic link": _rewrite(bag, tmp_path / "link.zip", symlink=f"{code}/data/link"),
        "larger than the limit": _rewrite(bag, tmp_path / "big.zip",
                                          add=[(f"{code}/data/big.bin", b"0" * (3 << 20))]),
    }


def test_bad_bags_are_refused_with_their_reason_and_nothing_imported(web, officers, portal,
                                                                     ini, tmp_path):
    code = closed_dossier(web)
    bag = export_bag(ini, code, tmp_path)
    other_ini, other = fresh_ini(tmp_path)
    # the limit per file is the upload limit: 2 MB in the test settings
    with open(other_ini, "a") as f:
        f.write("records.max_upload_bytes = 2097152\n")
    for reason, path in bad_bags(bag, code, tmp_path).items():
        result = CliRunner().invoke(cli, ["-c", other_ini, "import-bag", str(path)])
        assert result.exit_code != 0, (reason, result.output)
        assert "nothing imported" in result.output and reason in result.output, \
            (reason, result.output)
        assert metadata_in(other, code) is None, reason
    result = CliRunner().invoke(cli, ["-c", ini, "import-bag", str(bag)])  # its own portal
    assert result.exit_code != 0 and f"dossier {code} already exists" in result.output
    db = open_database(apply_environment(other))
    try:
        with db.transaction() as conn:
            assert len(conn.root()["portal"].files) == 0  # not one file kept
    finally:
        db.close()


def test_import_through_the_page_and_the_api(web, officers, portal, ini, tmp_path, wsgi):
    code = closed_dossier(web)
    bag = export_bag(ini, code, tmp_path)
    damaged = bad_bags(bag, code, tmp_path)["checksum mismatch"]
    with portal() as p:  # the bag goes back into the same portal: remove the original first
        p.dossiers.remove(code)
        for file_id in list(p.files.keys()):
            if p.files[file_id].owner == code:
                del p.files[file_id]
    login_as(web, "arch")
    form = web.get("/archive/import").forms["import-form"]
    form["bag"] = Upload("bad.zip", damaged.read_bytes(), "application/zip")
    page = form.submit(status=400)
    assert "checksum mismatch" in page.html.find(id="import-error").text
    with portal() as p:
        assert code not in p.dossiers
    form = web.get("/archive/import").forms["import-form"]
    form["bag"] = Upload("bag.zip", bag.read_bytes(), "application/zip")
    form.submit(status=303)
    with portal() as p:
        assert p.dossiers[code].history[-1]["action"] == "import_bag"
        assert p.dossiers[code].history[-1]["user"] == "arch"
    csrf = as_(web, "arch")
    reply = web.post("/api/v1/archive/bags", upload_files=[("bag", "b.zip", bag.read_bytes())],
                     headers={"X-CSRF-Token": csrf}, status=409)
    assert "already exists" in reply.json["error"]
    web.post("/api/v1/archive/bags", headers={"X-CSRF-Token": csrf}, status=400)
    csrf = as_(web, "recv1")
    web.post("/api/v1/archive/bags", upload_files=[("bag", "b.zip", bag.read_bytes())],
             headers={"X-CSRF-Token": csrf}, status=403)
