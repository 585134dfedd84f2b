"""Officers correct fields read from a file; the extracted value stays in history."""
import pytest

from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login, mark_read, new_dossier, offers, receive

pytestmark = pytest.mark.digitization


@pytest.fixture
def read_file(web, officers, portal):
    """A dossier whose first file has been read (fields as a worker stores them)."""
    login(web, "recv1")
    _, code, _ = receive(web)
    file_id = mark_read(portal, code, {
        "number_symbol": {"value": "15/QĐ-UBND", "confidence": 0.62, "page": 1},
        "issue_date": {"value": "2026-02-05", "confidence": 0.9, "page": 1}})
    web.reset()
    return code, file_id


def test_correction_is_kept_with_who_and_when_and_the_extracted_value_stays(web, read_file,
                                                                           portal):
    code, file_id = read_file
    csrf = api_login(web, "recv1", PASSWORD)
    url = f"/api/v1/dossiers/{code}/files/{file_id}/fields"
    reply = web.post_json(url, {"field": "number_symbol", "value": "16/QĐ-UBND"},
                          headers={"X-CSRF-Token": csrf})
    field = {f["field"]: f for f in reply.json["fields"]}["number_symbol"]
    assert field["value"] == "16/QĐ-UBND" and field["extracted"] == "15/QĐ-UBND"
    assert field["corrected"] is True
    data = web.get(url).json
    (correction,) = data["corrections"]
    assert correction["by"] == "recv1" and correction["previous"] == "15/QĐ-UBND"
    assert data["all"]["number_symbol"]["value"] == "15/QĐ-UBND"
    with portal() as p:
        assert p.dossiers[code].history[-1]["action"] == "correct_field"
        assert code in p.outbox  # the index gets the corrected value
    web.post_json(url, {"field": "issue_date", "value": "5/2/2026"},
                  headers={"X-CSRF-Token": csrf}, status=400)
    web.post_json(url, {"field": "applicant_id", "value": "x"},
                  headers={"X-CSRF-Token": csrf}, status=400)


def test_correction_from_the_dossier_page(web, read_file):
    code, file_id = read_file
    login(web, "recv1")
    page = web.get(f"/dossiers/{code}")
    form = [f for f in page.forms.values() if f.action.endswith("/correct")
            and f["field"].value == "issue_date"][0]
    form["value"] = "2026-02-06"
    page = form.submit(status=303).follow()
    assert "06/02/2026" in page.html.find(id=f"fields-{file_id}").text  # as officers write it


def test_a_file_reused_from_another_dossier_is_not_corrected_here(web, officers, portal):
    login(web, "recv1")
    _, first, _ = receive(web, files={"file.application": ("tk.pdf", b"%PDF-1.4 x" * 10),
                                      "file.identity": ("cccd.pdf", b"%PDF-1.4 y" * 10)})
    second = new_dossier(web, procedure="1.000894")
    (offer, *_) = offers(web, second)["identity"]
    csrf = api_login(web, "recv1", PASSWORD)
    web.post_json(f"/api/v1/dossiers/{second}/reuse",
                  {"component": "identity", "source": offer["source"]},
                  headers={"X-CSRF-Token": csrf}, status=201)
    web.post_json(f"/api/v1/dossiers/{second}/files/{offer['file_id']}/fields",
                  {"field": "number_symbol", "value": "99/XX"},
                  headers={"X-CSRF-Token": csrf}, status=404)
    with portal() as p:
        assert p.files[offer["file_id"]].reading.corrections == ()


@pytest.mark.house
def test_a_correction_without_a_value_is_refused_and_stores_nothing(web, read_file, portal):
    code, file_id = read_file
    csrf = api_login(web, "recv1", PASSWORD)
    url = f"/api/v1/dossiers/{code}/files/{file_id}/fields"
    reply = web.post_json(url, {"field": "number_symbol"}, headers={"X-CSRF-Token": csrf},
                          status=400)
    assert reply.json["fields"] == {"value": "Required"}
    reply = web.post_json(url, {"field": "summary", "value": "   "},
                          headers={"X-CSRF-Token": csrf}, status=400)
    assert set(reply.json["fields"]) == {"value"}
    with portal() as p:
        reading = p.dossiers[code].components["application"].current.reading
        assert reading.corrections == ()
        assert reading.field_value("number_symbol") == "15/QĐ-UBND"
