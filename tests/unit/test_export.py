"""The BagIt export: manifest against bytes, streaming, and the verifier catching damage."""
import datetime
import hashlib
import io
import json
import zipfile

import pytest
import ZODB
from ZODB.FileStorage import FileStorage

from records.archive import export
from records.resources.dossiers import Component, Dossier
from records.resources.files import FileVersion
from records.seed import seed
from records.store import get_portal

pytestmark = pytest.mark.foundation
ICT = datetime.timezone(datetime.timedelta(hours=7))


@pytest.fixture
def store(tmp_path):
    db = ZODB.DB(FileStorage(str(tmp_path / "Data.fs"), blob_dir=str(tmp_path / "blobs")))
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        seed(portal)
        d = Dossier("U-260302-0001", "2.000815", {"name": "Nguyễn Văn An"}, "in_person", "U",
                    datetime.datetime(2026, 3, 2, tzinfo=ICT), "recv1",
                    datetime.date(2026, 3, 3), "h")
        portal.dossiers.add(d.code, d)
        component = d.add_component(Component("copy", "Bản sao"))
        for name, data in (("bản sao/../x.pdf", b"%PDF one"), ("big.bin", b"y" * (3 << 20))):
            v = FileVersion(name, "application/pdf", "recv1",
                            datetime.datetime(2026, 3, 2, tzinfo=ICT), owner=d.code)
            v.write_from(io.BytesIO(data))
            component.add_version(portal.register_file(v))
        d.record("receive", "recv1", d.received_at, "U", None, "received")
    yield db
    db.close()


def test_bag_manifest_matches_the_bytes(store, tmp_path):
    path = tmp_path / "bag.zip"
    with store.transaction() as conn:
        portal = conn.root()["portal"]
        summary = export.write_bag(portal, portal.dossiers["U-260302-0001"], str(path))
        shas = {v.file_id: v.sha256 for v in portal.files.values()}
    assert summary["files"] == 2 and summary["mismatches"] == []
    assert export.verify_zip(path) == []
    with zipfile.ZipFile(path) as zf:
        root = "U-260302-0001"
        manifest = export.read_manifest(zf.read(f"{root}/manifest-sha256.txt").decode())
        for listed, sha in manifest.items():
            assert hashlib.sha256(zf.read(f"{root}/{listed}")).hexdigest() == sha
            assert ".." not in listed.split("/")
        files = [p for p in manifest if p.startswith("data/files/")]
        assert sorted(manifest[p] for p in files) == sorted(shas.values())
        meta = json.loads(zf.read(f"{root}/data/metadata.json"))
        assert meta["applicant"]["name"] == "Nguyễn Văn An"
        versions = meta["components"][0]["versions"]
        assert [v["filename"] for v in versions] == ["bản sao/../x.pdf", "big.bin"]
        assert {v["path"] for v in versions} == set(files)
        assert meta["history"][0]["action"] == "receive"
        oxum = [line for line in zf.read(f"{root}/bag-info.txt").decode().splitlines()
                if line.startswith("Payload-Oxum")][0]
        assert oxum.endswith(".3")  # two files and metadata.json


def test_export_streams_the_blobs(store, tmp_path, monkeypatch):
    largest = []
    real_open = FileVersion.open

    class Watch(io.RawIOBase):
        def __init__(self, f):
            self.f = f

        def read(self, n=-1):
            largest.append(n)
            return self.f.read(n)

        def close(self):
            self.f.close()

    monkeypatch.setattr(FileVersion, "open", lambda self: Watch(real_open(self)))
    with store.transaction() as conn:
        portal = conn.root()["portal"]
        export.write_bag(portal, portal.dossiers["U-260302-0001"], str(tmp_path / "b.zip"))
    assert largest and all(0 < n <= 1 << 20 for n in largest)


def test_verifier_catches_changed_and_unlisted_payload(store, tmp_path):
    path = tmp_path / "bag.zip"
    with store.transaction() as conn:
        portal = conn.root()["portal"]
        export.write_bag(portal, portal.dossiers["U-260302-0001"], str(path))
    changed, extra = tmp_path / "changed.zip", tmp_path / "extra.zip"
    for damaged in (changed, extra):
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as dst:
            for item in src.infolist():
                data = src.read(item)
                if damaged == changed and item.filename.endswith("metadata.json"):
                    data = data.replace(b"recv1", b"recv9")
                dst.writestr(item, data)
            if damaged == extra:
                dst.writestr("U-260302-0001/data/extra.txt", b"?")
    (problem,) = export.verify_zip(changed)
    assert "checksum mismatch: data/metadata.json" in problem
    (problem,) = export.verify_zip(extra)
    assert "payload file not in the manifest: data/extra.txt" in problem


def test_safe_names():
    assert export.safe_name("../../etc/passwd") == "_.._etc_passwd"
    assert export.safe_name("Tờ khai.pdf") == "Tờ khai.pdf"
    assert export.safe_name("") == "file"
