"""The officer search page and API over the embedded index, fed through the outbox."""
import pytest

from records.workers.indexing import deliver
from tests.conftest import PASSWORD, login
from tests.functional.helpers import api_login, receive

pytestmark = pytest.mark.search
BOTH_STORES = True


@pytest.fixture
def indexed(web, officers, wsgi, portal):
    """Dossiers received at two branches, delivered to the index."""
    login(web, "recv1")
    codes = {"an": receive(web, **{"applicant.name": "Nguyễn Văn An"})[1],
             "binh": receive(web, **{"applicant.name": "Trần Thị Bình",
                                     "applicant.id_number": "001305006789"})[1]}
    web.reset()
    login(web, "recv2")
    codes["cuong"] = receive(web, **{"applicant.name": "Nguyen Van An",
                                     "applicant.id_number": "001206007777"})[1]
    web.reset()
    with portal() as p:
        assert len(p.outbox) == 3
    assert deliver(wsgi.registry.settings) == 3
    with portal() as p:
        assert len(p.outbox) == 0
    return codes


def search(web, csrf, **params):
    return web.post_json("/api/v1/search", params, headers={"X-CSRF-Token": csrf}).json


def test_folded_names_find_and_exact_diacritics_rank_first(web, indexed):
    csrf = api_login(web, "super", PASSWORD)
    found = search(web, csrf, q="nguyen van an", kind="dossier")
    codes = [h["fields"]["dossier_code"] for h in found["hits"]]
    assert set(codes) == {indexed["an"], indexed["cuong"]}
    found = search(web, csrf, q="Nguyễn Văn An", kind="dossier")
    assert found["hits"][0]["fields"]["dossier_code"] == indexed["an"]
    assert "applicant_id" not in found["hits"][0]["fields"]


def test_hits_respect_the_officers_units(web, indexed):
    csrf = api_login(web, "recv2", PASSWORD)
    found = search(web, csrf, q="nguyen van an")
    assert {h["fields"]["dossier_code"] for h in found["hits"]} == {indexed["cuong"]}


def test_filter_by_applicant_identifier_stays_out_of_urls(web, indexed):
    login(web, "super")
    page = web.get("/search")
    form = page.forms["search-form"]
    form["applicant_id"] = "001305006789"
    result = form.submit()
    assert "001305006789" not in result.request.url
    assert indexed["binh"] in result.text and indexed["an"] not in result.text
    # the dossier and its one file
    assert result.html.find(id="search-total").text.startswith("2 ")


def test_changes_reach_the_index_through_the_outbox(web, indexed, wsgi):
    csrf = api_login(web, "recv1", PASSWORD)
    web.post_json(f"/api/v1/dossiers/{indexed['an']}/actions",
                  {"action": "withdraw", "note": "rút"}, headers={"X-CSRF-Token": csrf})
    deliver(wsgi.registry.settings)
    csrf = api_login(web, "super", PASSWORD)
    found = search(web, csrf, state="withdrawn", kind="dossier")
    assert [h["fields"]["dossier_code"] for h in found["hits"]] == [indexed["an"]]
    assert found["facets"]["state"] == [{"value": "withdrawn", "count": 1}]


def test_receipts_with_pins_are_never_indexed(web, indexed, wsgi, portal):
    from records.search import documents
    with portal() as p:
        ids = [doc_id for doc_id, _ in documents.truth(p)]
        receipts = [p.dossiers[c].receipt.file_id for c in indexed.values()]
    assert not any(f"file:{r}" in ids for r in receipts)


def test_bad_query_is_a_400(web, indexed):
    csrf = api_login(web, "super", PASSWORD)
    reply = web.post_json("/api/v1/search", {"q": "x", "sort": "sideways"},
                          headers={"X-CSRF-Token": csrf}, status=400)
    assert "sort" in reply.json["error"]
    web.post_json("/api/v1/search", ["x"], headers={"X-CSRF-Token": csrf}, status=400)
