"""Bad input gets a clear 4xx and leaves nothing half-stored."""
import json

import pytest
from webtest import Upload

from tests.conftest import login
from tests.functional.helpers import (as_, intake_form, published_dossier, receive,
                                     result_action)
from tests.samples import pdf_bytes

pytestmark = pytest.mark.foundation


def _stored(portal):
    with portal() as p:
        return len(p.dossiers), len(p.files)


def _alert(response):
    return response.html.find(attrs={"role": "alert"}).text


def test_empty_file_is_refused(web, officers, portal):
    login(web, "recv1")
    response, _, _ = receive(web, files={"file.application": ("empty.pdf", b"")}, status=400)
    assert "empty" in _alert(response)
    assert _stored(portal) == (0, 0)


def test_file_over_the_limit_is_refused_whole(web, officers, portal, settings):
    login(web, "recv1")
    big = b"%PDF-1.4\n" + b"0" * (int(settings["records.max_upload_bytes"]) + 10)
    response, _, _ = receive(web, files={"file.application": ("big.pdf", big)}, status=413)
    assert "giới hạn" in response.text  # the page speaks Vietnamese (records.i18n)
    assert _stored(portal) == (0, 0)


def test_file_slightly_over_the_limit_inside_a_small_body(web, officers, portal, settings):
    """Content-Length passes the early check; the streaming copy still stops at the limit."""
    login(web, "recv1")
    limit = int(settings["records.max_upload_bytes"])
    data = b"%PDF-1.4\n" + b"1" * (limit - 5)
    response, _, _ = receive(web, files={"file.application": ("edge.pdf", data)}, status=413)
    assert "giới hạn" in _alert(response)
    assert _stored(portal) == (0, 0)


def test_media_type_not_allowed(web, officers, portal):
    login(web, "recv1")
    response, _, _ = receive(web, files={"file.application": ("scan.pdf", b"MZ\x90\x00 not a pdf" * 50)},
                             status=415)
    assert "không được chấp nhận" in _alert(response)
    assert _stored(portal) == (0, 0)


def test_one_bad_file_among_good_ones_stores_nothing(web, officers, portal):
    login(web, "recv1")
    response, _, _ = receive(web, files={
        "file.application": ("ok.pdf", pdf_bytes()),
        "file.birth-notice": ("bad.txt", b"just text\n" * 10)}, status=415)
    assert _stored(portal) == (0, 0)


def test_malformed_form_data(web, officers, portal):
    login(web, "recv1")
    response, _, _ = receive(web, status=400, **{"applicant.id_number": "12345",
                                                 "applicant.name": ""})
    assert "12 chữ số" in response.text
    assert _stored(portal) == (0, 0)


def test_unknown_procedure(web, officers, portal):
    csrf = login(web, "recv1")
    response = web.post("/intake", {"csrf_token": csrf, "procedure": "9.999999",
                                    "applicant.kind": "person", "applicant.name": "Trần Thị Bình",
                                    "applicant.id_number": "001203004567"}, status=400)
    assert "không có thủ tục" in _alert(response)
    assert _stored(portal) == (0, 0)


def test_double_click_receives_once(web, officers, portal):
    login(web, "recv1")
    form = intake_form(web)
    form["file.application"] = [Upload("a.pdf", pdf_bytes())]
    first = form.submit(status=201)
    second = form.submit(status=409)
    code = first.html.find(id="dossier-code").text
    assert code in second.text and "đã được gửi" in second.text
    assert _stored(portal)[0] == 1


def test_truncated_multipart_body_is_a_400_not_a_500(web, officers, portal):
    csrf = login(web, "recv1")
    body = (b"--XYZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + csrf.encode()
            + b"\r\n--XYZ\r\nContent-Disposition: form-data; name=\"file.application\"; "
            b"filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 trunc")
    response = web.post("/intake", body, content_type="multipart/form-data; boundary=XYZ",
                        expect_errors=True)
    assert 400 <= response.status_int < 500
    assert _stored(portal) == (0, 0)


def test_api_bad_json_and_missing_fields(web, officers, portal):
    csrf = web.post_json("/api/v1/session", {"login": "recv1",
                                             "password": "correct horse battery"}).json["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    reply = web.post("/api/v1/dossiers", {"data": "{not json"}, headers=headers, status=400)
    assert reply.json["fields"] == {"data": "not valid JSON"}
    reply = web.post("/api/v1/dossiers", {"data": json.dumps({"procedure": "1.001193"})},
                     headers=headers, status=400)
    assert "applicant" in json.dumps(reply.json["fields"])
    reply = web.post("/api/v1/dossiers", {"data": json.dumps({
        "procedure": "1.001193", "applicant": {"kind": "person", "name": "Lê Văn Cường",
                                               "id_number": "001203004567"}})},
        upload_files=[("file.application", "x.exe", b"MZ\x90\x00" * 100)],
        headers=headers, status=415)
    assert "not accepted" in reply.json["error"]
    assert _stored(portal) == (0, 0)


VALID_INTAKE = {"procedure": "1.001193", "applicant.kind": "person",
                "applicant.name": "Trần Thị Bình", "applicant.id_number": "001203004567"}


@pytest.mark.house
def test_without_csrf_token_nothing_changes(web, officers, portal):
    """A body that would be received (see the last request) is refused without the token."""
    csrf = login(web, "recv1")
    web.post("/intake", VALID_INTAKE, status=400)
    web.post("/intake", {**VALID_INTAKE, "csrf_token": "not-the-token"}, status=400)
    assert _stored(portal) == (0, 0)
    web.post("/intake", {**VALID_INTAKE, "csrf_token": csrf}, status=201)
    assert _stored(portal) == (1, 1)  # the dossier and its receipt


def test_file_inputs_left_empty_by_a_browser_are_ignored(web, officers, portal):
    """Browsers send an empty file input as a part with an empty filename."""
    csrf = login(web, "recv1")
    parts = [("csrf_token", None, csrf.encode()), ("procedure", None, b"1.001193"),
             ("applicant.kind", None, b"person"), ("applicant.name", None, "Lê Thị Hằng".encode()),
             ("applicant.id_number", None, b"001303012345"),
             ("file.application", "to-khai.pdf", pdf_bytes()),
             ("file.birth-notice", "", b""), ("file.identity", "", b"")]
    body = b""
    for name, filename, data in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        body += b"--B0undary\r\nContent-Disposition: " + disp.encode() + b"\r\n"
        if filename is not None:
            body += b"Content-Type: application/octet-stream\r\n"
        body += b"\r\n" + data + b"\r\n"
    body += b"--B0undary--\r\n"
    web.request("/intake", method="POST", body=body, status=201,
                content_type="multipart/form-data; boundary=B0undary")
    with portal() as p:
        (dossier,) = p.dossiers.values()
        assert [len(c.versions) for c in dossier.ordered_components()] == [1, 0, 0]


def test_body_far_over_the_limit_is_refused_before_reading(web, officers, portal, settings):
    """Content-Length beyond limit + framing: 413 at once (and a page, not a 500)."""
    login(web, "recv1")
    big = b"%PDF-1.4\n" + b"0" * (int(settings["records.max_upload_bytes"]) + (2 << 20))
    response, _, _ = receive(web, files={"file.application": ("big.pdf", big)}, status=413)
    assert "MB" in response.text
    assert _stored(portal) == (0, 0)


def test_superseding_is_refused_to_a_processing_officer(web, officers):
    code, _, published = published_dossier(web)
    csrf = as_(web, "proc1")
    result_action(web, code, published["result_id"], "supersede", csrf, status=403,
                  reason="sai")
