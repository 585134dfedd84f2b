"""The JSON API: sessions, listing, creation and its OpenAPI description."""
import json
import re

import jsonschema
import pytest
from openapi_spec_validator import validate
from pyramid.interfaces import IRoutesMapper

from tests.conftest import PASSWORD
from records.workers.indexing import deliver
from tests.functional.helpers import api_login, as_, new_dossier, offers, published_dossier
from tests.samples import pdf_bytes

pytestmark = pytest.mark.foundation
BOTH_STORES = True


def test_openapi_document_is_valid_and_lists_the_operations(web):
    spec = web.get("/api/v1/openapi.json").json
    validate(spec)
    assert {"/session", "/dossiers", "/dossiers/{code}", "/dossiers/{code}/actions",
            "/dossiers/{code}/components/{key}/versions"} <= set(spec["paths"])


def _api_operations(registry):
    """{(route pattern under /api/v1, method)} of every view on an /api/v1 route."""
    routes = {r.name: r.pattern for r in registry.queryUtility(IRoutesMapper).get_routes()
              if r.pattern.startswith("/api/v1/")}
    found = set()
    for item in registry.introspector.get_category("views"):
        view = item["introspectable"]
        name = view["route_name"]
        if name not in routes:
            continue
        methods = view["request_methods"] or ("GET",)
        for method in ([methods] if isinstance(methods, str) else methods):
            found.add((routes[name][len("/api/v1"):], method.lower()))
    return found


def test_every_api_operation_is_in_the_openapi_document(web, wsgi):
    """What a client can call is described: each view on an /api/v1 route has its path and
    method in openapi.json (a route's {placeholder} may be listed value by value)."""
    paths = web.get("/api/v1/openapi.json").json["paths"]
    operations = _api_operations(wsgi.registry)
    assert ("/search", "post") in operations and ("/dossiers/{code}/reuse", "get") in operations
    missing = []
    for pattern, method in sorted(operations):
        if pattern == "/openapi.json":
            continue
        shape = re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(pattern)) + "$")
        if not any(shape.match(path) and method in ops for path, ops in paths.items()):
            missing.append(f"{method.upper()} {pattern}")
    assert missing == []


def test_anonymous_gets_401_and_wrong_password_401(web, officers):
    assert web.get("/api/v1/dossiers", status=401).json["error"]
    web.post_json("/api/v1/session", {"login": "recv1", "password": "wrong"}, status=401)
    web.post_json("/api/v1/session", {"login": "nobody", "password": "wrong"}, status=401)


def test_create_list_and_filter(web, officers):
    csrf = api_login(web, "recv1", PASSWORD)
    data = {"procedure": "1.000894", "channel": "online", "submission": "tok-12345678",
            "applicant": {"kind": "person", "name": "Phạm Thị Hoa", "id_number": "001303012345"}}
    reply = web.post("/api/v1/dossiers", {"data": json.dumps(data)},
                     upload_files=[("file.application", "don.pdf", pdf_bytes())],
                     headers={"X-CSRF-Token": csrf}, status=201)
    code = reply.json["code"]
    assert reply.headers["Location"].endswith(f"/api/v1/dossiers/{code}")
    assert len(reply.json["pin"]) == 8
    dup = web.post("/api/v1/dossiers", {"data": json.dumps(data)},
                   headers={"X-CSRF-Token": csrf}, status=409)
    assert dup.json["code"] == code
    listed = web.get("/api/v1/dossiers", {"q": code[-11:]}).json
    assert [d["code"] for d in listed["dossiers"]] == [code]
    # names are not matched from a URL (personal data stays out of URLs)
    assert web.get("/api/v1/dossiers", {"q": "pham thi hoa"}).json["total"] == 0
    assert web.get("/api/v1/dossiers", {"state": "returned"}).json["total"] == 0
    assert web.get("/api/v1/dossiers", {"procedure": "1.000894"}).json["total"] == 1


@pytest.mark.house
def test_changes_need_the_csrf_header(web, officers, portal):
    """A body that is received with the header (the last request) is refused without it."""
    csrf = api_login(web, "recv1", PASSWORD)
    data = {"data": json.dumps({"procedure": "1.001193", "applicant": {
        "kind": "person", "name": "Võ Minh Tâm", "id_number": "079204001122"}})}
    web.post("/api/v1/dossiers", data, status=400)
    web.post("/api/v1/dossiers", data, headers={"X-CSRF-Token": "not-the-token"}, status=400)
    with portal() as p:
        assert len(p.dossiers) == 0
    web.post("/api/v1/dossiers", data, headers={"X-CSRF-Token": csrf}, status=201)
    with portal() as p:
        assert len(p.dossiers) == 1


def test_personal_identifier_is_not_in_any_url(web, officers):
    csrf = api_login(web, "recv1", PASSWORD)
    data = {"procedure": "1.001193",
            "applicant": {"kind": "person", "name": "Võ Minh Tâm", "id_number": "079204001122"}}
    reply = web.post("/api/v1/dossiers", {"data": json.dumps(data)},
                     headers={"X-CSRF-Token": csrf}, status=201)
    urls = json.dumps([reply.headers.get("Location")] + [
        v["href"] for c in reply.json["components"] for v in c["versions"]]
        + [reply.json["receipt"]["href"]])
    assert "079204001122" not in urls and "Tâm" not in urls


def test_dossier_list_filters_by_name_only_when_posted(web, officers):
    from tests.conftest import login
    from tests.functional.helpers import receive
    login(web, "recv1")
    _, code, _ = receive(web, **{"applicant.name": "Quách Thị Yến"})
    form = web.get("/dossiers/").forms["filter-form"]
    form["q"] = "quach thi yen"
    page = form.submit()
    assert "yen" not in page.request.url.lower() and code in page.text
    assert code not in web.get("/dossiers/", {"q": "quach thi yen"}).text


def test_api_login_needs_a_json_body(web, officers):
    refused = web.post("/api/v1/session",
                       '{"login": "recv1", "password": "correct horse battery"}',
                       content_type="text/plain", status=415)
    assert refused.json["error"] == "send the login as application/json"


def _conforms(spec, name, instance):
    """``instance`` is valid against ``#/components/schemas/<name>`` of ``spec``."""
    jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    ).validate(instance)


def test_search_results_and_reuse_replies_match_their_description(web, officers, wsgi):
    """The replies of the search, results and reuse calls are what openapi.json says."""
    spec = web.get("/api/v1/openapi.json").json
    first, _, published = published_dossier(web)
    _conforms(spec, "Result", published)
    as_(web, "proc1")
    listed = web.get(f"/api/v1/dossiers/{first}/results").json
    assert [r["result_id"] for r in listed["results"]] == [published["result_id"]]
    for result in listed["results"]:
        _conforms(spec, "Result", result)

    second = new_dossier(web)
    offered = offers(web, second)
    assert offered["birth-certificate"]
    for offer in offered["birth-certificate"]:
        _conforms(spec, "ReuseOffer", offer)

    deliver(wsgi.registry.settings)
    csrf = as_(web, "super")
    found = web.post_json("/api/v1/search", {"q": published["number_symbol"], "size": 5},
                          headers={"X-CSRF-Token": csrf}).json
    _conforms(spec, "SearchResults", found)
    assert any(h["kind"] == "result" for h in found["hits"])
    with pytest.raises(jsonschema.ValidationError):  # the check can fail
        _conforms(spec, "SearchResults", dict(found, hits=[{"kind": "nothing"}]))
