"""Signed files received at intake: their signature status beside the version (bytes never
altered) on the dossier page and in the API; POST /api/v1/verify-pdf; reuse offers a signed
earlier result only while its signature is intact."""
import hashlib
import os

import pymupdf
import pytest

from records.workers import signatures as signature_worker
from records.workers.app import make_app
from records.jobs import CHECK_SIGNATURES
from tests.conftest import app_settings, login
from tests.functional.helpers import api_login, receive
from tests.functional.helpers import published_dossier
from tests.functional.helpers import new_dossier, offers
from tests.samples import realdoc
from tests.samples import pdf_bytes

pytestmark = pytest.mark.signing

SIGNED = "sA13_ttg_999-QD-TTg_2024.pdf"
PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path, trial_settings):
    return app_settings(tmp_path / "var", **trial_settings)


def received_signed(web, portal):
    login(web, "recv1")
    data = realdoc(SIGNED)
    _, code, _ = receive(web, files={"file.application": ("quyet-dinh.pdf", data)})
    with portal() as p:
        version = p.dossiers[code].components["application"].current
        file_id = version.file_id
    return code, file_id, data


def test_a_received_signed_file_shows_its_signature_status_on_the_dossier_page(
        web, officers, portal, settings):
    code, file_id, data = received_signed(web, portal)
    page = web.get(f"/dossiers/{code}")
    assert f'id="signatures-{file_id}"' not in page.text  # not checked yet

    report = signature_worker.check(settings, file_id)  # what the worker task runs
    assert report["signatures"][0]["signer"] == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
    page = web.get(f"/dossiers/{code}")
    status = page.html.find(id=f"signatures-{file_id}")
    assert status["data-signed"] == "1" and status["data-intact"] == "true"
    assert "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ" in status.text
    assert "CA phục vụ các cơ quan Nhà nước G2" in status.text
    assert "1 chữ ký nguyên vẹn" in status.text  # Vietnamese by default
    assert "chữ ký nguyên vẹn, người ký chưa được tin cậy tại đây" in status.text
    # the original bytes are never altered
    assert web.get(f"/dossiers/{code}/file/{file_id}").body == data
    with portal() as p:
        assert p.files[file_id].sha256 == hashlib.sha256(data).hexdigest()

    csrf = api_login(web, "recv1", PASSWORD)
    assert csrf
    versions = web.get(f"/api/v1/dossiers/{code}").json["components"]
    found = [v for c in versions for v in c.get("versions", []) if v["file_id"] == file_id]
    assert found[0]["signatures"]["signed"] == 1
    assert found[0]["signatures"]["signatures"][0]["intact"] is True
    assert found[0]["signatures"]["trusted"] is False


def test_an_unreadable_pdf_gets_a_reason_not_a_crash(web, officers, portal, settings,
                                                      tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "MẬT")
    locked = tmp_path / "locked.pdf"
    doc.save(locked, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    login(web, "recv1")
    _, code, _ = receive(web, files={"file.application": ("mat.pdf", locked.read_bytes())})
    with portal() as p:
        file_id = p.dossiers[code].components["application"].current.file_id
    assert signature_worker.check(settings, file_id) is None
    with portal() as p:
        check = p.files[file_id].signatures
        assert check.state == "failed" and "password protected" in check.reason
    status = web.get(f"/dossiers/{code}").html.find(id=f"signatures-{file_id}")
    assert status["data-state"] == "failed"


def test_the_worker_task_records_the_status(web, officers, portal, settings):
    code, file_id, _ = received_signed(web, portal)
    app = make_app(web.app.registry.settings)
    app.loader.import_default_modules()  # NB: as a worker does: registers records' tasks
    app.tasks[CHECK_SIGNATURES].apply(args=[file_id]).get()
    with portal() as p:
        check = p.files[file_id].signatures
        assert check.state == "done" and len(check.report["signatures"]) == 1
    app.tasks[CHECK_SIGNATURES].apply(args=["no-such-file"]).get()  # gone: skipped quietly


def test_api_verify_pdf(web, officers):
    data = realdoc(SIGNED)
    web.post("/api/v1/verify-pdf", upload_files=[("file", "a.pdf", data)], status=401)
    csrf = api_login(web, "proc1", PASSWORD)
    web.post("/api/v1/verify-pdf", upload_files=[("file", "a.pdf", data)], status=400)  # CSRF
    headers = {"X-CSRF-Token": csrf}
    report = web.post("/api/v1/verify-pdf", upload_files=[("file", "a.pdf", data)],
                      headers=headers).json
    sig, = report["signatures"]
    assert set(sig) >= {"signer", "organisation", "issuer", "signed_at", "intact",
                        "covers_whole_file", "trusted", "problems"}
    assert sig["intact"] is True and sig["trusted"] is False
    unsigned = web.post("/api/v1/verify-pdf", upload_files=[("file", "b.pdf", pdf_bytes("X"))],
                        headers=headers).json
    assert unsigned == {"signatures": []}
    refused = web.post("/api/v1/verify-pdf", upload_files=[("file", "c.pdf", b"GIF89a")],
                       headers=headers, status=422).json
    assert refused["error"] == "the file is not a PDF"
    web.post("/api/v1/verify-pdf", {"nothing": "x"}, headers=headers, status=400)
    # a malformed signature dictionary: an answer about that signature, never a 500
    broken = data.replace(b"/ByteRange", b"/ByteRangX", 1)
    sig, = web.post("/api/v1/verify-pdf", upload_files=[("file", "d.pdf", broken)],
                    headers=headers).json["signatures"]
    assert sig["intact"] is False and sig["problems"]


def test_the_openapi_document_describes_verify_pdf(web):
    spec = web.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/verify-pdf"]["post"]
    assert set(operation["responses"]) >= {"200", "401", "413", "422"}
    signature = spec["components"]["schemas"]["Signature"]
    assert set(signature["required"]) == {"signer", "organisation", "issuer", "signed_at",
                                          "intact", "covers_whole_file", "trusted", "problems"}
    version = spec["components"]["schemas"]["FileVersion"]["properties"]
    assert "signatures" in version


def test_reuse_offers_a_signed_result_only_while_its_signature_is_intact(web, officers,
                                                                         portal):
    first, _, published = published_dossier(web)  # signed with the trial certificate
    second = new_dossier(web)
    offered = offers(web, second)["birth-certificate"]
    assert [o["source"] for o in offered] == [f"result:{published['result_id']}"]

    with portal() as p:
        version = p.files[published["published"]["file_id"]]
        assert version.signatures.report["signatures"][0]["intact"]
        path = version.path()
    # The stored bytes rot (or are tampered with) inside the signed range.
    os.chmod(path, 0o644)
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        at = data.index(b"stream", 200) + 12
        data[at] ^= 0x01
        f.seek(0)
        f.write(data)
    assert offers(web, second).get("birth-certificate", []) == []
