"""`records verify-pdf FILE [--json]` (the documented shape, clear refusals) and
`records make-trial-certificate` (a key and certificate the portal can sign with)."""
import json

import pytest
from click.testing import CliRunner

from records.cli import main
from records.signing.keys import SigningConfigError, load_config
from records.signing.sign import sign_file
from records.signing.verify import verify_pdf
from tests.samples import pdf_bytes
from tests.samples import REALDOCS, realdoc

pytestmark = pytest.mark.signing

SHAPE = {"signer", "organisation", "issuer", "signed_at", "intact", "covers_whole_file",
         "trusted", "problems"}


@pytest.fixture
def ini(tmp_path):
    path = tmp_path / "records.ini"
    path.write_text("[app:main]\nuse = egg:records\n"
                    f"records.var_dir = {tmp_path / 'var'}\n"
                    f"records.signing.trust_roots = {tmp_path / 'roots'}\n")
    return str(path)


def run(ini, *args):
    return CliRunner().invoke(main, ["-c", ini, *args], catch_exceptions=False)


def test_verify_pdf_json_has_the_documented_shape(ini):
    realdoc("sA13_ttg_999-QD-TTg_2024.pdf")
    out = run(ini, "verify-pdf", str(REALDOCS / "sA13_ttg_999-QD-TTg_2024.pdf"), "--json")
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert list(report) == ["signatures"]
    sig, = report["signatures"]
    assert SHAPE <= set(sig)
    assert isinstance(sig["intact"], bool) and isinstance(sig["problems"], list)
    assert sig["signer"] == "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ" and sig["trusted"] is False


def test_verify_pdf_text_and_an_unsigned_file(ini, tmp_path):
    realdoc("sA01_qngai_04-QD-BCD138_2025.pdf")
    out = run(ini, "verify-pdf", str(REALDOCS / "sA01_qngai_04-QD-BCD138_2025.pdf"))
    assert out.exit_code == 0
    assert "1. Ủy ban nhân dân tỉnh Quảng Ngãi" in out.output
    assert "issued by CA phục vụ các cơ quan Nhà nước G2" in out.output
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(pdf_bytes("KHÔNG KÝ"))
    out = run(ini, "verify-pdf", str(plain), "--json")
    assert json.loads(out.output) == {"signatures": []}


def test_verify_pdf_refuses_what_is_not_a_pdf_clearly(ini, tmp_path):
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    out = run(ini, "verify-pdf", str(image), "--json")
    assert out.exit_code == 1
    assert "the file is not a PDF" in out.output and "Traceback" not in out.output


def test_trial_certificate_is_made_once_and_signs(ini, tmp_path):
    out = run(ini, "make-trial-certificate", "--dir", str(tmp_path / "signing"),
              "--centre", "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh")
    assert out.exit_code == 0, out.output
    key = tmp_path / "signing" / "signing-key.pem"
    cert = tmp_path / "signing" / "signing-cert.pem"
    assert f"records.signing.key = {key}" in out.output
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    again = run(ini, "make-trial-certificate", "--dir", str(tmp_path / "signing"), "--if-none")
    assert "nothing done" in again.output and key.read_bytes()

    config = load_config({"records.signing.key": str(key), "records.signing.cert": str(cert)})
    assert config.centre == "Trung tâm Phục vụ hành chính công tỉnh Quảng Ninh"
    target = tmp_path / "e-result.pdf"
    target.write_bytes(pdf_bytes("QUYẾT ĐỊNH"))
    sign_file(str(target), config, reason="test")
    sig, = verify_pdf(target.read_bytes(), config.trust_roots)["signatures"]
    assert sig["intact"] and sig["trusted"] and sig["covers_whole_file"]


def test_a_misconfigured_key_is_said_at_start_up(tmp_path):
    with pytest.raises(SigningConfigError, match="no such file"):
        load_config({"records.signing.key": str(tmp_path / "missing.p12")})
    key = tmp_path / "key.pem"
    key.write_text("not a key")
    cert = tmp_path / "cert.pem"
    cert.write_text("not a cert")
    with pytest.raises(SigningConfigError, match="could not be loaded"):
        load_config({"records.signing.key": str(key), "records.signing.cert": str(cert)})
