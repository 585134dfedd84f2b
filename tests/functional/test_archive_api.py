"""The archivists' JSON API (records.api.archive): described by the OpenAPI document, the
same answers and statuses as the pages, because both call records.services.archive."""
import re

import pytest
from openapi_spec_validator import validate

from tests.functional.helpers import as_, closed_dossier, login_as, set_closed

pytestmark = [pytest.mark.archive, pytest.mark.house]


def archive_operations(wsgi):
    """``{(OpenAPI path, method)}`` of every view of records.api.archive, from the routes."""
    introspector = wsgi.registry.introspector
    routes = (r["introspectable"] for r in introspector.get_category("routes"))
    patterns = {route["name"]: route["pattern"] for route in routes}
    found = set()
    for view in (v["introspectable"] for v in introspector.get_category("views")):
        if getattr(view["callable"], "__module__", "") != "records.api.archive":
            continue
        methods = view["request_methods"]
        for method in ([methods] if isinstance(methods, str) else methods):
            found.add((patterns[view["route_name"]].removeprefix("/api/v1"), method.lower()))
    return found


def test_every_archive_operation_is_in_the_openapi_document(web, wsgi):
    spec = web.get("/api/v1/openapi.json").json
    validate(spec)
    operations = archive_operations(wsgi)
    assert {("/archive/records", "get"), ("/archive/disposal", "get"), ("/audit", "get"),
            ("/dossiers/{code}/hold", "delete"), ("/archive/fixity/report", "get"),
            ("/archive/bags", "post")} <= operations
    missing = {(p, m) for p, m in operations if m not in spec["paths"].get(p, {})}
    assert missing == set()
    params = {p["name"] for p in spec["paths"]["/archive/records"]["get"]["parameters"]}
    assert {"field", "unit", "procedure", "year", "held", "page"} <= params


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_a_refused_hold_has_the_same_status_from_the_page_and_the_api(web, officers):
    code = closed_dossier(web)
    login_as(web, "arch")
    token = csrf_of(web.get(f"/dossiers/{code}/audit"))
    api = f"/api/v1/dossiers/{code}/hold"
    web.post(f"/dossiers/{code}/hold", {"csrf_token": token, "reason": " "}, status=400)
    assert web.post_json(api, {"reason": " "}, headers={"X-CSRF-Token": token},
                         status=400).json["error"] == "a reason is required"
    web.post_json(api, {"reason": "thanh tra"}, headers={"X-CSRF-Token": token}, status=201)
    web.post(f"/dossiers/{code}/hold", {"csrf_token": token, "reason": "lại"}, status=409)
    web.post_json(api, {"reason": "lại"}, headers={"X-CSRF-Token": token}, status=409)
    held = web.get("/api/v1/archive/records", params={"held": "1"}).json
    assert [r["code"] for r in held["records"]] == [code] and held["records"][0]["hold"]
    web.delete_json(api, {"reason": ""}, headers={"X-CSRF-Token": token}, status=400)
    web.get("/archive/records", params={"year": "x"}, status=400)
    web.get("/api/v1/archive/records", params={"year": "x"}, status=400)


def test_disposal_candidates_and_the_fixity_report_through_the_api(web, officers, portal):
    old, recent = closed_dossier(web), closed_dossier(web)
    set_closed(portal, old, 12)
    as_(web, "arch")
    reply = web.get("/api/v1/archive/disposal").json
    assert (reply["total"], reply["pages"]) == (1, 1)
    (row,) = reply["dossiers"]
    assert row["code"] == old and row["retention_end"] and row["held"] is False
    assert recent not in {d["code"] for d in reply["dossiers"]}
    report = web.get("/api/v1/archive/fixity/report")
    assert report.content_type == "text/csv"
    assert report.body.decode("utf-8-sig").startswith("file_id,dossier,filename")
    with portal() as p:
        actions = [e["action"] for e in p.audit.pending_entries()]
    assert "export_fixity_report" in actions
    as_(web, "recv1")
    web.get("/api/v1/archive/disposal", status=403)
    web.get("/api/v1/archive/fixity/report", status=403)
