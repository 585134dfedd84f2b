"""Results: attach (processing unit), approve (workflow), publish the stamped e-result,
revoke and supersede, through the dossier page and as JSON."""
import datetime
import hashlib

import pymupdf
import pytest
from webtest import Upload

from records.results.publish import content_bottom, stamped_bytes
from tests.conftest import JUSTICE, login
from tests.functional.helpers import (JSON, META, act, as_, attach, in_processing,
                                     published_dossier, receive, result_action)
from tests.samples import page_text, pdf_bytes, png_bytes

pytestmark = pytest.mark.citizens

def test_attach_approve_publish_makes_a_stamped_derived_copy(web, officers, portal):
    code, pin = in_processing(web)
    csrf = as_(web, "proc1")
    original_pdf = pdf_bytes("TRÍCH LỤC KHAI SINH\nSố 12/TLKS-UBND", pages=2)
    draft = attach(web, code, csrf, pdf=original_pdf).json
    assert draft["status"] == "draft" and draft["published"] is None
    assert draft["original"]["sha256"] == hashlib.sha256(original_pdf).hexdigest()
    result_action(web, code, draft["result_id"], "publish", csrf, status=403)  # not a leader

    csrf = as_(web, "lead1")
    result_action(web, code, draft["result_id"], "publish", csrf, status=409)  # not approved
    assert act(web, code, "approve", csrf).json["state"] == "result_ready"
    listed = web.get(f"/dossiers/{code}/results").json["results"]
    assert [r["status"] for r in listed] == ["approved"]
    reply = result_action(web, code, draft["result_id"], "publish", csrf).json
    assert reply["status"] == "published"
    assert reply["verify_url"].startswith("http://localhost/verify/")
    e_result = reply["published"]
    assert e_result["derivation"] == "e-result"
    assert e_result["derived_from"] == draft["original"]["file_id"]
    result_action(web, code, draft["result_id"], "publish", csrf, status=409)  # once

    stamped = web.get(e_result["href"]).body
    assert hashlib.sha256(stamped).hexdigest() == e_result["sha256"]
    # NB: the stamp is an incremental update: the original bytes are kept as they were.
    assert stamped.startswith(original_pdf)
    assert web.get(draft["original"]["href"]).body == original_pdf
    text = page_text(stamped)
    assert text.count(reply["verify_url"].split("//", 1)[1]) >= 2  # on every page
    with pymupdf.open(stream=stamped, filetype="pdf") as doc:
        assert all(page.get_images() for page in doc)  # the QR code

    with portal() as p:
        dossier = p.dossiers[code]
        result = dossier.result(draft["result_id"])
        assert p.tokens[result.verify_token] == (code, result.result_id)
        assert p.files[e_result["file_id"]] is result.published
        assert dossier.returned_electronically is True
        assert [h["action"] for h in dossier.history][-3:] == [
            "attach_result", "approve", "publish_result"]
        assert dossier.history[-1]["user"] == "lead1"


def test_the_stamp_does_not_cover_content():
    # A page of text ending high up: the stamp goes into the free bottom margin.
    short = stamped_bytes(pdf_bytes("QUYẾT ĐỊNH"), "http://x/verify/t")
    with pymupdf.open(stream=pdf_bytes("QUYẾT ĐỊNH"), filetype="pdf") as doc:
        before = doc[0].rect
    with pymupdf.open(stream=short, filetype="pdf") as doc:
        page = doc[0]
        assert page.rect == before
        (qr,) = page.get_image_info()
        assert qr["bbox"][1] > 700  # in the bottom margin
    # A full-page scan: there is no margin, so the page grows a band below the image.
    scan = pymupdf.open()
    page = scan.new_page()
    page.insert_image(page.rect, stream=png_bytes((600, 840), "gray"))
    full = scan.tobytes()
    with pymupdf.open(stream=stamped_bytes(full, "http://x/verify/t"), filetype="pdf") as doc:
        page = doc[0]
        assert page.rect.height > 842
        boxes = sorted((pymupdf.Rect(i["bbox"]) for i in page.get_image_info()),
                       key=lambda r: r.y0)
        scan_box, qr_box = boxes
        assert not scan_box.intersects(qr_box) and qr_box.y0 >= scan_box.y1
        assert content_bottom(page) <= page.rect.y1


def test_bad_input_is_refused_with_a_reason_and_nothing_is_kept(web, officers, portal):
    code, _ = in_processing(web)
    csrf = as_(web, "proc1")
    png = attach(web, code, csrf, pdf=png_bytes(), filename="scan.png", status=415).json
    assert "PDF" in png["error"]
    empty = attach(web, code, csrf, pdf=b"", status=400).json
    assert "empty" in empty["error"]
    broken = attach(web, code, csrf, pdf=b"%PDF-1.7\n" + b"\x00garbage" * 50, status=422).json
    assert "could not be opened" in broken["error"]
    bad = attach(web, code, csrf, number_symbol="twelve", status=400).json
    assert "number_symbol" in bad["fields"]
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    assert "issue_date" in attach(web, code, csrf, issue_date=future, status=400).json["fields"]
    assert "valid_until" in attach(web, code, csrf, valid_until="2020-01-01",
                                   status=400).json["fields"]
    missing = web.post(f"/dossiers/{code}/results", dict(META, csrf_token=csrf), headers=JSON,
                       status=400).json
    assert "PDF" in missing["error"]
    with portal() as p:
        dossier = p.dossiers[code]
        assert list(dossier.results) == []
        assert [h["action"] for h in dossier.history] == ["receive", "transfer"]
        files_before = len(p.files)
    result_action(web, code, "nope", "publish", csrf, status=404)
    with portal() as p:
        assert len(p.files) == files_before


def test_only_the_processing_unit_attaches_and_only_in_processing(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    csrf = as_(web, "lead1")
    attach(web, code, csrf, status=403)  # not yet transferred to this leader's unit
    csrf = as_(web, "recv1")
    attach(web, code, csrf, status=403)  # a receiving officer has no attach-result
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    csrf = as_(web, "proc2")
    attach(web, code, csrf, status=403)  # another department
    csrf = as_(web, "proc1")
    draft = attach(web, code, csrf).json
    csrf = as_(web, "lead1")
    act(web, code, "approve", csrf)
    reply = attach(web, code, csrf, status=409).json  # result_ready: no more drafts
    assert "in processing" in reply["error"]
    assert draft["status"] == "draft"


def test_revoke_and_supersede_keep_the_old_result_on_record(web, officers, portal):
    code, _, first = published_dossier(web)
    csrf = as_(web, "proc1")
    result_action(web, code, first["result_id"], "revoke", csrf, reason="x", status=403)
    csrf = as_(web, "lead1")
    reply = result_action(web, code, first["result_id"], "supersede", csrf, status=400)
    assert "PDF" in reply.json["error"]
    files = [("file", "dinh-chinh.pdf", pdf_bytes("TRÍCH LỤC (đính chính)"))]
    fields = dict(META, number_symbol="13/TLKS-UBND", csrf_token=csrf)
    no_reason = web.post(f"/dossiers/{code}/results/{first['result_id']}/supersede", fields,
                         upload_files=files, headers=JSON, status=400).json
    assert "reason" in no_reason["error"]
    fields["reason"] = "sai ngày sinh"
    new = web.post(f"/dossiers/{code}/results/{first['result_id']}/supersede", fields,
                   upload_files=files, headers=JSON, status=201).json
    assert new["status"] == "published" and new["supersedes"] == first["result_id"]
    results = {r["result_id"]: r for r in web.get(f"/dossiers/{code}/results").json["results"]}
    old = results[first["result_id"]]
    assert old["status"] == "superseded" and old["superseded_by"] == new["result_id"]
    assert old["status_reason"] == "sai ngày sinh" and old["published"] is not None
    # Revoking the new one: it stays listed, marked revoked, with the reason.
    result_action(web, code, new["result_id"], "revoke", csrf, status=400)  # no reason
    result_action(web, code, new["result_id"], "revoke", csrf, reason="cấp nhầm hồ sơ")
    result_action(web, code, new["result_id"], "revoke", csrf, reason="again", status=409)
    statuses = [r["status"] for r in web.get(f"/dossiers/{code}/results").json["results"]]
    assert statuses == ["superseded", "revoked"]
    with portal() as p:
        dossier = p.dossiers[code]
        assert [h["action"] for h in dossier.history][-2:] == ["supersede_result",
                                                                "revoke_result"]
        assert len(p.tokens) == 2  # both stay verifiable (and show their status)


def test_the_dossier_page_shows_results_and_leader_actions(web, officers):
    code, pin = in_processing(web)
    web.reset()
    login(web, "proc1")
    page = web.get(f"/dossiers/{code}")
    form = page.forms["attach-result"]
    for key, value in META.items():
        form[key] = value
    form["file"] = Upload("ket-qua.pdf", pdf_bytes("KẾT QUẢ"), "application/pdf")
    page = form.submit(status=303).follow()
    row = page.html.select_one("tr.result")
    assert "12/TLKS-UBND" in row.text and row["data-status"] == "draft"
    assert row.select_one("form.publish") is None  # not for a processing officer
    # A non-PDF through the page: the page again, with the reason, and a 415.
    form = page.forms["attach-result"]
    for key, value in META.items():
        form[key] = value
    form["file"] = Upload("anh.png", png_bytes(), "image/png")
    refused = form.submit(status=415)
    assert "không được chấp nhận" in refused.html.find(id="action-error").text
    web.reset()
    login(web, "lead1")
    page = web.get(f"/dossiers/{code}")
    assert "Phê duyệt kết quả" in page.text
    page = page.forms["action-approve"].submit(status=303).follow()
    publish_form = next(f for f in page.forms.values() if f.action.endswith("/publish"))
    page = publish_form.submit(status=303).follow()
    row = page.html.select_one("tr.result")
    assert row["data-status"] == "published"
    assert row.select_one("a.verify")["href"].startswith("http://localhost/verify/")
    assert "đã trả kết quả điện tử" in page.text


def test_api_v1_aliases_when_included(web, officers):
    if web.app.registry.introspector.get("routes", "api.results") is None:
        pytest.skip("records.views.results is not included yet (see its includeme)")
    code, pin = in_processing(web)
    csrf = as_(web, "proc1")
    files = [("file", "kq.pdf", pdf_bytes())]
    reply = web.post(f"/api/v1/dossiers/{code}/results", META, upload_files=files,
                     headers={"X-CSRF-Token": csrf}, status=201).json
    assert reply["status"] == "draft"
    listed = web.get(f"/api/v1/dossiers/{code}/results").json["results"]
    assert [r["result_id"] for r in listed] == [reply["result_id"]]
    web.post(f"/api/v1/dossiers/{code}/results/{reply['result_id']}/publish",
             headers={"X-CSRF-Token": csrf}, status=403)

