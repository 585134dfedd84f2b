"""Reuse (tái sử dụng): the applicant's earlier valid results and documents are offered per
component, attached by reference (no copy, pinned to one version), and counted; revoked or
superseded results are not offered and show as such where reused."""
import pytest

from tests.conftest import JUSTICE, login
from tests.functional.helpers import (as_, new_dossier, offers, published_dossier, receive,
                                     result_action)
from tests.samples import pdf_bytes

pytestmark = pytest.mark.search

def test_earlier_result_is_offered_attached_by_reference_and_counted(web, officers, portal):
    first, _, published = published_dossier(web)  # a birth registration: result kind
    second = new_dossier(web)                       # "birth-certificate" wanted here
    offered = offers(web, second)["birth-certificate"]
    assert [o["source"] for o in offered] == [f"result:{published['result_id']}"]
    assert offered[0]["dossier"] == first and offered[0]["number_symbol"] == "12/TLKS-UBND"

    page = web.get(f"/dossiers/{second}")
    form = [f for f in page.forms.values() if f.action.endswith("/reuse")
            and f["component"].value == "birth-certificate"][0]
    page = form.submit(status=303).follow()
    assert "12/TLKS-UBND" in page.html.find(id="reused-birth-certificate").text

    with portal() as p:
        component = p.dossiers[second].components["birth-certificate"]
        result = p.dossiers[first].results[0]
        assert component.versions == []  # no copy
        assert component.reference["file_id"] == result.published.file_id
        assert component.reference["sha256"] == result.published.sha256
        assert [h["action"] for h in p.dossiers[second].history].count("reuse") == 1
        assert p.dossiers[second].history[-1]["action"] == "reuse"
        file_id = result.published.file_id
    # the officer of the new dossier opens the reused file through the new dossier
    assert web.get(f"/dossiers/{second}/file/{file_id}").body.startswith(b"%PDF")
    assert "birth-certificate" not in offers(web, second)  # filled now


def test_revoked_results_are_not_offered_and_show_as_revoked(web, officers, portal):
    first, _, published = published_dossier(web)
    second = new_dossier(web)
    csrf = as_(web, "recv1")
    web.post_json(f"/api/v1/dossiers/{second}/reuse",
                  {"component": "birth-certificate", "source": f"result:{published['result_id']}"},
                  headers={"X-CSRF-Token": csrf}, status=201)
    csrf = as_(web, "lead1")
    with portal() as p:
        p.dossiers[first].processing_unit = JUSTICE
    result_action(web, first, published["result_id"], "revoke", csrf, reason="cấp sai")
    third = new_dossier(web, procedure="1.000689")
    assert "birth-certificate" not in offers(web, third)
    as_(web, "recv1")
    component = [c for c in web.get(f"/api/v1/dossiers/{second}").json["components"]
                 if c["key"] == "birth-certificate"][0]
    assert component["reference"]["status"] == "revoked"
    page = web.get(f"/dossiers/{second}")
    assert "đã thu hồi" in page.html.find(id="reused-birth-certificate").text


def test_earlier_documents_of_the_same_kind_are_offered_too(web, officers):
    login(web, "recv1")
    _, first, _ = receive(web, files={"file.application": ("tk.pdf", pdf_bytes()),
                                      "file.identity": ("cccd.pdf", pdf_bytes("CĂN CƯỚC"))})
    second = new_dossier(web, procedure="1.000894")
    offered = offers(web, second)["identity"]
    assert offered[0]["kind"] == "file" and offered[0]["dossier"] == first
    assert "application" not in offers(web, second)  # forms are never reused


def test_other_applicants_documents_are_never_offered(web, officers):
    published_dossier(web)
    stranger = new_dossier(web, id_number="079199001234")
    assert offers(web, stranger) == {}


def test_attaching_something_not_offered_is_refused(web, officers, portal):
    second = new_dossier(web)
    csrf = as_(web, "recv1")
    reply = web.post_json(f"/api/v1/dossiers/{second}/reuse",
                          {"component": "birth-certificate", "source": "result:deadbeef"},
                          headers={"X-CSRF-Token": csrf}, status=400)
    assert "not offered" in reply.json["error"]
    with portal() as p:
        assert "reuse" not in [h["action"] for h in p.dossiers[second].history]
