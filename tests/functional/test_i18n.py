"""Vietnamese by default, English on request; every UI string has a Vietnamese translation."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import login

pytestmark = pytest.mark.foundation
LOCALE = Path(__file__).resolve().parents[2] / "src/records/locale"


def test_pages_are_vietnamese_by_default_and_english_on_request(web, officers):
    page = web.get("/login")
    assert "<title>Đăng nhập" in page.text and 'lang="vi"' in page.text
    login(web, "recv1")
    page = web.get("/dossiers/")
    assert "Mã hồ sơ" in page.text
    web.get("/language", {"lang": "en", "next": "/dossiers/"}, status=303)
    page = web.get("/dossiers/")
    assert 'lang="en"' in page.text and "Code or applicant name" in page.text
    web.get("/language", {"lang": "vi", "next": "//evil.example/"}, status=303)
    assert "Mã hồ sơ" in web.get("/dossiers/").text


def test_every_message_is_translated_to_vietnamese():
    with open(LOCALE / "vi/LC_MESSAGES/records.po", "rb") as f:
        catalog = read_po(f)
    with open(LOCALE / "records.pot", "rb") as f:
        template = read_po(f)
    wanted = {m.id for m in template if m.id}
    translated = {m.id for m in catalog if m.id and m.string}
    assert wanted - translated == set()
