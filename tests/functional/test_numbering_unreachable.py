"""The dossier numbers' database cannot be reached (records.numbering): an intake is
answered 503 with a message that says so (the page in Vietnamese, the API in English, as
every error), and nothing of it is kept: no dossier, no file, no form token used up.
On RelStorage over SQLite (var/numbers.sqlite) and over PostgreSQL (records_numbers)."""
import json

import pytest

from records.numbering import PostgreSQLNumbers
from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login, receive
from tests.rig import free_port
from tests.samples import pdf_bytes

pytestmark = pytest.mark.scale
BOTH_STORES = True
DATA = {"procedure": "1.000894", "channel": "online", "submission": "tok-unreachable-1",
        "applicant": {"kind": "person", "name": "Phạm Thị Hoa", "id_number": "001303012345"}}


@pytest.fixture
def unreachable(wsgi, tmp_path):
    """The numbers' database gone: PostgreSQL on a port nobody listens on, or a SQLite file
    in a directory that does not exist; ``back()`` puts it back."""
    numbers = wsgi.registry.numbers
    name = "dsn" if isinstance(numbers, PostgreSQLNumbers) else "path"
    kept = getattr(numbers, name)
    setattr(numbers, name, f"host=127.0.0.1 port={free_port()} dbname=none connect_timeout=2"
            if name == "dsn" else str(tmp_path / "gone" / "numbers.sqlite"))
    numbers.forget()

    def back():
        setattr(numbers, name, kept)
        numbers.forget()
    return back


def kept(portal):
    with portal() as p:
        return len(p.dossiers), len(p.files), len(p.submissions)


def test_an_intake_page_says_the_numbers_are_unreachable_and_keeps_nothing(
        web, officers, portal, unreachable):
    login(web, "recv1")
    before = kept(portal)
    page, _, _ = receive(web, status=503)
    assert "Không kết nối được cơ sở dữ liệu cấp số hồ sơ" in page.text
    assert page.forms["intake-form"]["applicant.name"].value == "Nguyễn Văn An"  # as sent
    assert kept(portal) == before
    unreachable()
    receive(web)                                     # back: received as usual


def test_an_api_intake_gets_a_503_error_body_and_keeps_nothing(
        web, officers, portal, unreachable):
    csrf = api_login(web, "recv1", PASSWORD)
    before = kept(portal)
    reply = web.post("/api/v1/dossiers", {"data": json.dumps(DATA)},
                     upload_files=[("file.application", "don.pdf", pdf_bytes())],
                     headers={"X-CSRF-Token": csrf}, status=503)
    assert reply.json["error"].startswith("The dossier numbering database cannot be reached")
    assert kept(portal) == before
    unreachable()
    web.post("/api/v1/dossiers", {"data": json.dumps(DATA)},   # the same token: not used up
             upload_files=[("file.application", "don.pdf", pdf_bytes())],
             headers={"X-CSRF-Token": csrf}, status=201)
