"""Receipts and e-results print the public URL for ever: a portal that listens beyond
loopback while its public URL still names loopback warns at start and on the intake page
and refuses to issue receipts."""
import logging

import pymupdf
import pytest
from webtest import TestApp, Upload

from records import main
from records.publicurl import misconfigured
from records.resources.users import User
from records.security import hash_password
from tests.conftest import OFFICERS, PASSWORD, app_settings, login, portal_of
from tests.functional.helpers import (META, act, as_, attach, in_processing, intake_form,
                                      published_dossier, receive, result_action)
from tests.samples import pdf_bytes

pytestmark = pytest.mark.hardening


@pytest.mark.parametrize("listen, url, wrong", [
    ("0.0.0.0:6543", "http://localhost:6543", True),
    ("*:80", "http://127.0.0.1:6543", True),
    ("[::]:6543", "http://[::1]:6543", True),
    ("192.0.2.10:6543 127.0.0.1:6543", "http://localhost:6543", True),
    ("127.0.0.1:6543", "http://localhost:6543", False),   # a developer's machine
    ("localhost:6543", "http://localhost:6543", False),
    ("0.0.0.0:6543", "https://dichvucong.example.gov.vn", False),
    (None, "http://localhost:6543", False),                # not served by our commands
])
def test_what_counts_as_a_public_url_left_at_loopback(listen, url, wrong):
    assert misconfigured({"records.listen": listen, "records.public_url": url}) is wrong


def app_for(tmp_path, **settings):
    application = main({}, **app_settings(tmp_path / "var", **settings))
    with portal_of(application.registry.zodb) as portal:
        for name, (roles, unit) in OFFICERS.items():
            portal.users.add(name, User(name, name, hash_password(PASSWORD), roles, unit))
    return application


def test_listening_beyond_loopback_with_the_default_url_refuses_receipts(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="records.publicurl"):
        application = app_for(tmp_path, **{"records.listen": "0.0.0.0:6543",
                                           "records.public_url": "http://localhost:6543"})
    try:
        assert "receipts and e-results are refused" in caplog.text  # loudly, at start
        web = TestApp(application)
        login(web, "recv1")
        page = web.get("/intake", {"procedure": "1.001193"})
        assert "RECORDS_PUBLIC_URL" in page.html.find(id="public-url-warning").text
        form = intake_form(web)
        form["file.application"] = [Upload("tk.pdf", pdf_bytes("Tờ khai"))]
        refused = form.submit(status=503)
        assert "RECORDS_PUBLIC_URL" in refused.text
        assert web.get("/api/v1/dossiers").json["total"] == 0  # nothing received
    finally:
        application.registry.zodb.close()


def test_with_its_public_url_set_the_receipt_carries_it(tmp_path):
    url = "https://dichvucong.example.gov.vn"
    application = app_for(tmp_path, **{"records.listen": "0.0.0.0:6543",
                                       "records.public_url": url})
    try:
        web = TestApp(application)
        login(web, "recv1")
        assert web.get("/intake").html.find(id="public-url-warning") is None
        response, code, _ = receive(web)
        receipt = web.get(response.html.find(id="receipt-link")["href"]).body
        text = "".join(page.get_text() for page in pymupdf.open(stream=receipt))
        assert f"{url}/lookup" in text.replace("\n", "") and "localhost" not in text
    finally:
        application.registry.zodb.close()


def test_listening_beyond_loopback_with_the_default_url_refuses_e_results(tmp_path):
    """The stamped e-result prints the verify URL for ever: the same rule as receipts, on
    the dossier page and in the API, for publishing and for a corrected (superseding) one."""
    application = app_for(tmp_path)  # a developer's machine first: receipts are fine
    try:
        web = TestApp(application)
        published_code, _, published = published_dossier(web)
        code, _ = in_processing(web)
        draft = attach(web, code, as_(web, "proc1")).json
        act(web, code, "approve", as_(web, "lead1"))
    finally:
        application.registry.zodb.close()
    # then the same store served beyond loopback, the public URL left at its default
    application = main({}, **app_settings(tmp_path / "var", **{
        "records.listen": "0.0.0.0:6543", "records.public_url": "http://localhost:6543"}))
    try:
        web = TestApp(application)
        login(web, "lead1")
        page = web.get(f"/dossiers/{code}")
        assert "RECORDS_PUBLIC_URL" in page.html.find(id="public-url-warning").text
        form = next(f for f in page.forms.values() if f.action.endswith("/publish"))
        refused = form.submit(status=503)
        assert "Chưa đặt địa chỉ công khai" in refused.html.find(class_="error").text
        assert "RECORDS_PUBLIC_URL" in refused.text
        csrf = as_(web, "lead1")
        refused = result_action(web, code, draft["result_id"], "publish", csrf, status=503)
        assert "e-results are refused" in refused.json["error"]
        api = web.post(f"/api/v1/dossiers/{code}/results/{draft['result_id']}/publish",
                       headers={"X-CSRF-Token": csrf}, status=503)
        assert "RECORDS_PUBLIC_URL" in api.json["error"]
        files = [("file", "ket-qua-2.pdf", pdf_bytes("TRÍCH LỤC KHAI SINH"))]
        web.post(f"/api/v1/dossiers/{published_code}/results/{published['result_id']}"
                 "/supersede", dict(META, reason="sai tên", csrf_token=csrf),
                 upload_files=files, headers={"X-CSRF-Token": csrf}, status=503)
        listed = web.get(f"/api/v1/dossiers/{code}/results").json["results"]
        assert [r["status"] for r in listed] == ["approved"]  # nothing stamped
        listed = web.get(f"/api/v1/dossiers/{published_code}/results").json["results"]
        assert [r["status"] for r in listed] == ["published"]  # not replaced
    finally:
        application.registry.zodb.close()
