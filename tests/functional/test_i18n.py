"""Vietnamese by default, English on request; every UI string has a Vietnamese translation."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import login
from tests.functional.helpers import act, receive
from tests.samples import pdf_bytes

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


# -- messages from Python code: translated on pages, English in the API ----------------------

def _alert(response):
    return response.html.find(attrs={"role": "alert"}).text


def _english(web, next_path="/dossiers/"):
    web.get("/language", {"lang": "en", "next": next_path}, status=303)


def test_an_empty_upload_is_refused_in_the_pages_language(web, officers):
    login(web, "recv1")
    response, _, _ = receive(web, files={"file.application": ("trong.pdf", b"")}, status=400)
    assert _alert(response).strip() == "tệp 'trong.pdf' rỗng"
    _english(web)
    response, _, _ = receive(web, files={"file.application": ("trong.pdf", b"")}, status=400)
    assert _alert(response).strip() == "the file 'trong.pdf' is empty"


def test_a_refused_workflow_action_is_explained_in_the_pages_language(web, officers):
    csrf = login(web, "recv1")
    _, code, _ = receive(web)
    refused = web.post(f"/dossiers/{code}/act", {"csrf_token": csrf, "action": "return"},
                       status=409)
    # the action and the state inside the sentence are translated too
    assert refused.html.find(id="action-error").text == (
        "không thể trả kết quả hồ sơ đang ở trạng thái «tiếp nhận»")
    refused = web.post(f"/dossiers/{code}/act", {"csrf_token": csrf, "action": "withdraw"},
                       status=400)
    assert refused.html.find(id="action-error").text == "thao tác này cần nêu lý do"
    _english(web)
    refused = web.post(f"/dossiers/{code}/act", {"csrf_token": csrf, "action": "return"},
                       status=409)
    assert refused.html.find(id="action-error").text == (
        "cannot return a dossier in state received")
    # the API keeps English whatever the language (a stable text for clients)
    web.get("/language", {"lang": "vi", "next": "/dossiers/"}, status=303)
    reply = act(web, code, "withdraw", csrf, status=400)
    assert reply.json["error"] == "a reason is required for this action"


def test_a_failed_reading_reason_is_shown_in_the_pages_language(web, officers, portal,
                                                                 tmp_path):
    from workers.ocr.errors import ReadError
    from workers.reading import count_pages

    csrf = login(web, "recv1")
    _, code, _ = receive(web, files={"file.application": ("ba-trang.pdf",
                                                          pdf_bytes("Tờ khai", pages=3))})
    path = tmp_path / "ba-trang.pdf"
    path.write_bytes(pdf_bytes("Tờ khai", pages=3))
    with pytest.raises(ReadError) as raised:
        count_pages(str(path), max_pages=2)
    with portal() as p:  # as workers.pipeline.fail stores it
        version = p.dossiers[code].components["application"].versions[0]
        version.reading.state = "failed"
        version.reading.set_reason(raised.value.message)
    page = web.get(f"/dossiers/{code}")
    assert page.html.select_one("td.reading .reason").text == (
        "Tệp có 3 trang; chỉ đọc được tối đa 2 trang.")
    # the API's reason stays English; reason_text is for the page's live updates
    reading = web.get(f"/api/v1/dossiers/{code}").json["components"][0]["versions"][0]["reading"]
    assert reading["reason"] == "The file has 3 pages; at most 2 can be read."
    assert reading["reason_text"] == "Tệp có 3 trang; chỉ đọc được tối đa 2 trang."
    _english(web)
    page = web.get(f"/dossiers/{code}")
    assert page.html.select_one("td.reading .reason").text == (
        "The file has 3 pages; at most 2 can be read.")


def test_colanders_own_messages_are_translated_too(web, officers):
    login(web, "recv1")
    response, _, _ = receive(web, status=400, **{"applicant.name": "A"})
    assert "Ngắn hơn độ dài tối thiểu 2" in _alert(response)


def test_colanders_messages_have_a_vietnamese_catalog():
    import colander

    with open(Path(colander.__file__).parent / "locale/colander.pot", "rb") as f:
        template = read_po(f)
    with open(LOCALE / "vi/LC_MESSAGES/colander.po", "rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert {m.id for m in template if m.id} - translated == set()
