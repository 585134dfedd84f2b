"""E-results signed by the centre at publication (PAdES-B-B, -B-T, -B-LT) against a test
PKI served on loopback (certomancer: CA, timestamp server, OCSP responder, CRL), and the
QR page saying who signed and whether the signature is valid."""
import hashlib

import pytest
import transaction
import ZODB
from pyhanko.sign.validation.dss import DocumentSecurityStore

from records import evolve
from records.resources.files import FileVersion, SignatureCheck
from records.signing.keys import load_config
from records.signing.sign import sign_file
from records.signing.verify import verify_pdf
from records.store import get_portal
from tests.conftest import app_settings
from tests.functional.helpers import act
from tests.functional.helpers import as_, attach, in_processing, result_action
from tests.rig import ServiceUnavailable, unavailable
from tests.rig.pki import CENTRE, PkiRig
from tests.samples import page_text, pdf_bytes
from tests.samples import realdoc

pytestmark = pytest.mark.signing

JSON = {"Accept": "application/json"}
PASSPHRASE = b"correct horse"


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    rig = PkiRig(tmp_path_factory.mktemp("pki"))
    try:
        rig.start()
    except ServiceUnavailable as e:
        unavailable("the test PKI", e)
    yield rig
    rig.stop()


def signing_settings(tmp_path, pki, label="centre", tsa=True, lt=True):
    secret = tmp_path / "passphrase"
    secret.write_bytes(PASSPHRASE + b"\n")
    roots = tmp_path / "trust"
    roots.mkdir(exist_ok=True)
    (roots / "root.pem").write_bytes(pki.cert_pem("root").read_bytes())
    return {"records.signing.key": str(pki.pkcs12(label, PASSPHRASE)),
            "records.signing.passphrase_file": str(secret),
            "records.signing.tsa_url": pki.tsa_url if tsa else "",
            "records.signing.embed_revocation": "true" if lt else "false",
            "records.signing.trust_roots": str(roots)}


def publish(web, pdf=None, status=200):
    code, _ = in_processing(web)
    csrf = as_(web, "proc1")
    draft = attach(web, code, csrf, pdf=pdf).json
    csrf = as_(web, "lead1")
    act(web, code, "approve", csrf)
    reply = result_action(web, code, draft["result_id"], "publish", csrf, status=status)
    return code, draft, reply


@pytest.fixture
def pki_settings(tmp_path, pki):
    return app_settings(tmp_path / "var", **signing_settings(tmp_path, pki))


@pytest.fixture
def settings(request, tmp_path):
    # NB: each test names the signing settings it needs through its own fixture
    if "pki_settings" in request.fixturenames:
        return request.getfixturevalue("pki_settings")
    return app_settings(tmp_path / "var", **request.getfixturevalue("trial_settings"))


def test_publication_signs_the_stamped_e_result_as_pades_b_lt(web, officers, pki,
                                                               pki_settings):
    original = pdf_bytes("QUYẾT ĐỊNH\nSố 15/QĐ-UBND", pages=2)
    code, draft, reply = publish(web, pdf=original)
    e_result = reply.json["published"]
    signed = web.get(e_result["href"]).body
    assert hashlib.sha256(signed).hexdigest() == e_result["sha256"]
    assert signed.startswith(original)  # the original's bytes stay under the stamp
    # The stamp came first: the QR line is inside what the signature covers.
    assert reply.json["verify_url"].split("//", 1)[1] in page_text(signed)
    root = pki.cert("root")
    sig, = verify_pdf(signed, trust_roots=[root])["signatures"]
    assert sig["field"] == "RecordsCentreSignature"
    assert sig["organisation"] == CENTRE and sig["issuer"] == "Records Test Root CA"
    assert sig["intact"] and sig["valid"] and sig["trusted"] and sig["problems"] == []
    # B-LT: the validation data (DSS) is appended after the signature, nothing else
    assert not sig["covers_whole_file"] and sig["added_after"] == "validation data"
    assert sig["timestamp"] is not None          # B-T: the test TSA's token
    assert sig["revocation"] == "good"           # B-LT: OCSP/CRL embedded in the DSS
    assert b"/DSS" in signed
    # Without the root configured: still intact, but not trusted here.
    untrusted, = verify_pdf(signed)["signatures"]
    assert untrusted["intact"] and not untrusted["trusted"]
    assert untrusted["problems"] == ["signature intact, signer not trusted here"]

    # The QR page: signed by the centre on the date: valid.
    token = reply.json["verify_url"].rsplit("/", 1)[1]
    page = web.get(f"/verify/{token}")
    assert 'id="signature" data-valid="true"' in page.text
    assert f"Ký bởi {CENTRE} ngày" in page.text and "hợp lệ" in page.text
    info = web.get(f"/verify/{token}", headers=JSON).json
    assert info["signature"]["valid"] is True and info["signature"]["centre"] == CENTRE

    # The public check of an uploaded copy lists its signatures too.
    checked = web.post(f"/verify/{token}", upload_files=[("file", "kq.pdf", signed)],
                       headers=JSON).json
    assert checked["check"]["identical"] is True
    assert [s["trusted"] for s in checked["check"]["signatures"]] == [True]


def test_a_revoked_centre_certificate_is_refused_and_nothing_is_published(
        web, officers, pki, tmp_path, db):
    web.app.registry.signing = load_config(signing_settings(tmp_path, pki, label="revoked"))
    code, draft, reply = publish(web, status=503)
    assert "could not be signed" in reply.json["error"]
    listed = web.get(f"/dossiers/{code}/results", headers=JSON).json["results"]
    assert [r["status"] for r in listed] == ["approved"]  # it can be published once fixed


def test_an_unreachable_timestamp_server_is_a_clear_refusal(web, officers, pki, tmp_path):
    settings = signing_settings(tmp_path, pki, lt=False)
    settings["records.signing.tsa_url"] = "http://127.0.0.1:9/tsa"  # nothing listens there
    web.app.registry.signing = load_config(settings)
    code, draft, reply = publish(web, status=503)
    assert "nothing was published" in reply.json["error"]


def test_a_trial_certificate_signs_pades_b_b_and_the_qr_page_says_valid(web, officers,
                                                                       trial_settings):
    code, draft, reply = publish(web)
    signed = web.get(reply.json["published"]["href"]).body
    config = load_config(trial_settings)
    assert config.level == "PAdES-B-B"
    sig, = verify_pdf(signed, config.trust_roots)["signatures"]
    assert sig["intact"] and sig["trusted"] and sig["timestamp"] is None
    token = reply.json["verify_url"].rsplit("/", 1)[1]
    web.set_cookie("_LOCALE_", "en")
    page = web.get(f"/verify/{token}")
    assert "Signed by Trung tâm Phục vụ hành chính công tỉnh Thử nghiệm on" in page.text
    assert 'data-valid="true"' in page.text
    checked = web.post(f"/verify/{token}", upload_files=[("file", "kq.pdf", signed)])
    listed = checked.html.find(class_="signatures")
    assert listed["data-count"] == "1" and "valid, signer trusted" in listed.text
    other = web.post(f"/verify/{token}", upload_files=[("file", "x.pdf", b"not a pdf")])
    assert 'data-identical="false"' in other.text
    assert other.html.find(id="signature-error").text == "the file is not a PDF"


def test_evolve_gives_existing_file_versions_a_signature_status():
    db = ZODB.DB(None)
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        version = FileVersion("a.pdf", "application/pdf", "u", None)
        del version.signatures  # as stored before the step existed (the class default)
        version.blob = None  # NB: no bytes needed here, and DB(None) stores no blobs
        portal.register_file(version)
        portal.generation = evolve.STEPS.index(("signature-checks",
                                                evolve._signature_checks))
    with db.transaction() as conn:
        portal = get_portal(conn.root())
        assert portal.generation == len(evolve.STEPS)
        check = next(iter(portal.files.values())).signatures
        assert isinstance(check, SignatureCheck) and check.state == "unchecked"
    db.close()
    transaction.abort()


def test_stamping_and_signing_a_signed_result_keeps_its_earlier_signature_intact(
        web, officers, trial_settings):
    original = realdoc("sA13_ttg_999-QD-TTg_2024.pdf")
    code, draft, reply = publish(web, pdf=original)
    signed = web.get(reply.json["published"]["href"]).body
    assert signed.startswith(original)
    config = load_config(trial_settings)
    earlier, ours = verify_pdf(signed, config.trust_roots)["signatures"]
    assert earlier["signer"] == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
    assert earlier["intact"] and earlier["valid"]
    # the stamp changed the page after that signature, and the report says so
    assert earlier["added_after"] == "other changes" and not earlier["covers_whole_file"]
    assert ours["intact"] and ours["trusted"] and ours["covers_whole_file"]


def test_a_revoked_signer_is_reported_from_the_revocation_data_in_the_file(pki, tmp_path):
    config = load_config(signing_settings(tmp_path, pki, label="revoked", tsa=False,
                                          lt=False))
    path = tmp_path / "revoked.pdf"
    path.write_bytes(pdf_bytes("QUYẾT ĐỊNH THU HỒI"))
    sign_file(str(path), config, reason="test")
    with open(path, "r+b") as f:  # the CRL that lists the certificate, embedded (DSS)
        DocumentSecurityStore.add_dss(f, None, crls=[pki.arch.service_registry.get_crl(
            "root")], certs=[pki.cert("root")])
    sig, = verify_pdf(path.read_bytes(), trust_roots=[pki.cert("root")])["signatures"]
    assert sig["intact"] and sig["revocation"] == "revoked" and sig["trusted"] is False
    assert "the signer's certificate was revoked" in sig["problems"]
