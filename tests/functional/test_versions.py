"""Uploading to a component adds a version; earlier versions stay as they were."""
import hashlib

import pytest
from webtest import Upload

from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login, receive
from tests.samples import pdf_bytes, png_bytes

pytestmark = pytest.mark.foundation
BOTH_STORES = True


def test_new_version_keeps_the_earlier_one(web, officers, portal):
    login(web, "recv1")
    first = pdf_bytes("phiên bản 1")
    _, code, _ = receive(web, files={"file.application": ("to-khai.pdf", first)})
    page = web.get(f"/dossiers/{code}")
    form = page.forms[[k for k in page.forms if page.forms[k].fields.get("component")
                       and page.forms[k]["component"].value == "application"][0]]
    second = png_bytes((300, 200))
    form["file"] = Upload("to-khai-scan.png", second)
    page = form.submit(status=303).follow()
    assert "v2" in page.text and "v1" in page.text

    with portal() as p:
        versions = p.dossiers[code].components["application"].versions
        assert [v.number for v in versions] == [1, 2]
        ids = [v.file_id for v in versions]
        assert versions[1].media_type == "image/png"
        assert p.dossiers[code].history[-1]["action"] == "upload"
    old = web.get(f"/dossiers/{code}/file/{ids[0]}")
    new = web.get(f"/dossiers/{code}/file/{ids[1]}")
    assert old.body == first and new.body == second
    assert old.headers["X-Content-SHA256"] == hashlib.sha256(first).hexdigest()
    assert "attachment" in old.headers["Content-Disposition"]


def test_api_upload_and_download(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    web.reset()
    csrf = api_login(web, "recv1", PASSWORD)
    data = pdf_bytes("bản bổ sung")
    reply = web.post(f"/api/v1/dossiers/{code}/components/identity/versions",
                     upload_files=[("file", "cccd.pdf", data)],
                     headers={"X-CSRF-Token": csrf}, status=201)
    assert reply.json["number"] == 1 and reply.json["sha256"] == hashlib.sha256(data).hexdigest()
    assert reply.json["reading"]["state"] == "queued"
    assert web.get(reply.json["href"]).body == data
    web.post(f"/api/v1/dossiers/{code}/components/nope/versions",
             upload_files=[("file", "x.pdf", data)], headers={"X-CSRF-Token": csrf}, status=404)


def test_files_of_other_dossiers_are_not_reachable(web, officers):
    login(web, "recv1")
    _, code1, _ = receive(web)
    _, code2, _ = receive(web)
    page = web.get(f"/api/v1/dossiers/{code2}").json
    other = page["components"][0]["versions"][0]["file_id"]
    web.get(f"/dossiers/{code1}/file/{other}", status=404)
    web.get(f"/dossiers/{code1}/file/{'0' * 32}", status=404)


def test_closed_dossier_takes_no_upload(web, officers, portal):
    login(web, "recv1")
    _, code, _ = receive(web)
    with portal() as p:
        p.dossiers[code].state = "withdrawn"
    web.reset()
    csrf = api_login(web, "recv1", PASSWORD)
    reply = web.post(f"/api/v1/dossiers/{code}/components/identity/versions",
                     upload_files=[("file", "x.pdf", pdf_bytes())],
                     headers={"X-CSRF-Token": csrf}, status=400)
    assert "closed" in reply.json["error"]
