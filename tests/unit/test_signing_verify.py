"""Verification of any signed PDF: the real signed documents in ../shared/realdocs, a
broken and a stripped signature, and bad input (malformed signature dictionary, a huge
certificate chain, an encrypted file, not a PDF)."""
import datetime
import json
import re

import pymupdf
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from records.signing.keys import SigningConfig, make_trial_certificate
from records.signing.sign import sign_file
from records.signing.verify import (MAX_CERTIFICATES, NOT_TRUSTED, SignatureReadError,
                                    verify_pdf)
from tests.samples import REALDOCS, pdf_bytes, realdoc  # noqa: F401

from tests.samples import realdoc  # noqa: F401

pytestmark = pytest.mark.signing





def signed_realdocs():
    if not REALDOCS.is_dir():
        return []
    return sorted(p.name.replace(".truth.json", ".pdf") for p in REALDOCS.glob("*.truth.json")
                  if json.loads(p.read_text()).get("signature_fields", 0) > 0)


@pytest.mark.parametrize("name", signed_realdocs() or ["(realdocs missing)"])
def test_every_signed_realdoc_has_an_intact_signature_with_signer_and_issuer(name):
    data = realdoc(name)
    truth = json.loads((REALDOCS / name.replace(".pdf", ".truth.json")).read_text())
    signatures = verify_pdf(data)["signatures"]
    assert len(signatures) == truth["signature_fields"]
    last = signatures[-1]  # NB: the last one signs the file as it was published
    assert last["intact"] and last["covers_whole_file"]
    assert last["signer"] and last["issuer"]
    for sig in signatures:
        assert sig["trusted"] is False  # no root configured here
        if sig["valid"]:
            assert english_not_trusted() in sig["problems"]


def english_not_trusted():
    return str(NOT_TRUSTED)


def test_the_government_portal_signature_by_name():
    sig, = verify_pdf(realdoc("sA13_ttg_999-QD-TTg_2024.pdf"))["signatures"]
    assert sig["signer"] == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ"
    assert sig["organisation"] == "VĂN PHÒNG CHÍNH PHỦ"
    assert sig["issuer"] == "CA phục vụ các cơ quan Nhà nước G2"
    assert sig["intact"] and sig["valid"] and sig["covers_whole_file"]
    assert sig["signed_at"].startswith("2024-09-19")
    assert sig["timestamp"].startswith("2024-09-19T03:54")
    assert sig["problems"] == ["signature intact, signer not trusted here"]


def test_a_provincial_signature_and_what_was_added_after_it():
    signatures = verify_pdf(realdoc("sA01_qngai_04-QD-BCD138_2025.pdf"))["signatures"]
    first, second = signatures
    assert first["signer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert first["issuer"] == "Co quan chung thuc so Chinh phu"
    assert first["intact"] and not first["covers_whole_file"]
    assert first["added_after"] == "form filling or later signatures"
    assert "the signature uses an algorithm that is no longer accepted" in first["problems"]
    assert second["signer"] == "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"
    assert second["organisation"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    assert second["covers_whole_file"] and second["added_after"] == "none"


def test_a_signature_with_a_malformed_algorithm_is_reported_and_the_others_checked():
    signatures = verify_pdf(realdoc("dB01_ninhthuan_184-QD-UBND_2025.pdf"))["signatures"]
    assert len(signatures) == 4
    assert signatures[0]["intact"] is False
    assert signatures[0]["issuer"] == "CA phục vụ các cơ quan Nhà nước G2"
    assert "the signature dictionary is malformed; the signature cannot be checked" \
        in signatures[0]["problems"]
    assert all(s["intact"] for s in signatures[1:])


def test_an_unsigned_pdf_has_an_empty_list():
    assert verify_pdf(pdf_bytes("KHÔNG KÝ")) == {"signatures": []}


def _signed_range(data):
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    return [int(x) for x in match.groups()]


def test_a_byte_flipped_inside_the_signed_range_breaks_the_signature():
    data = bytearray(realdoc("sA13_ttg_999-QD-TTg_2024.pdf"))
    start, length, _, _ = _signed_range(bytes(data))
    # NB: inside a content stream, far from the xref, so the file still opens
    at = data.index(b"stream", start + 2000) + 20
    assert at < start + length
    data[at] ^= 0x01
    sig, = verify_pdf(bytes(data))["signatures"]
    assert sig["intact"] is False and sig["valid"] is False and sig["trusted"] is False
    assert "the signed content was changed after signing: the signature is broken" \
        in sig["problems"]


def test_a_stripped_signature_value_is_reported_not_a_crash():
    data = bytearray(realdoc("sA13_ttg_999-QD-TTg_2024.pdf"))
    start, length, second, _ = _signed_range(bytes(data))
    hole = slice(start + length + 1, second - 1)   # the hex /Contents between < and >
    data[hole] = b"0" * (hole.stop - hole.start)
    sig, = verify_pdf(bytes(data))["signatures"]
    assert sig["intact"] is False
    assert sig["problems"] == ["the signature dictionary is malformed; the signature "
                               "cannot be checked"]


def _throwaway_certs(count):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    for number in range(count):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Filler {number}")])
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(number + 1)
                .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
                .sign(key, hashes.SHA256()))
        yield asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def test_a_huge_certificate_chain_is_refused_per_signature(tmp_path):
    key, cert = make_trial_certificate(tmp_path, "Trung tâm thử")
    base = signers.SimpleSigner.load(str(key), str(cert))
    registry = SimpleCertificateStore.from_certs(
        [base.signing_cert, *_throwaway_certs(MAX_CERTIFICATES + 20)])
    signer = signers.SimpleSigner(base.signing_cert, base.signing_key, registry)
    path = tmp_path / "chain.pdf"
    path.write_bytes(pdf_bytes("CHUỖI DÀI"))
    sign_file(str(path), SigningConfig(signer=signer), reason="test")
    sig, = verify_pdf(path.read_bytes())["signatures"]
    assert sig["problems"] == ["the signature carries too many certificates to be examined"]
    assert sig["intact"] is False and sig["trusted"] is False


def test_an_encrypted_pdf_gets_a_clear_answer(tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "MẬT")
    path = tmp_path / "locked.pdf"
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret",
             owner_pw="owner")
    with pytest.raises(SignatureReadError, match="password protected"):
        verify_pdf(path.read_bytes())


def test_not_a_pdf_and_a_damaged_pdf_get_clear_answers():
    with pytest.raises(SignatureReadError, match="not a PDF"):
        verify_pdf(b"\x89PNG\r\n\x1a\n....")
    with pytest.raises(SignatureReadError):
        verify_pdf(b"%PDF-1.7\n" + b"\x00garbage" * 100)


def test_a_malformed_signature_dictionary_gets_a_clear_answer():
    data = realdoc("sA13_ttg_999-QD-TTg_2024.pdf")
    broken = data.replace(b"/ByteRange", b"/ByteRangX", 1)  # the dictionary loses its range
    sig, = verify_pdf(broken)["signatures"]
    assert sig["field"] == "Signature1" and sig["intact"] is False
    assert sig["problems"] == ["the signature dictionary is malformed; the signature "
                               "cannot be checked"]
