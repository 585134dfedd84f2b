"""Processes, steps, the officer's work and the held-up report through pages and the API."""
import io

import openpyxl
import pytest
from openapi_spec_validator import validate
from pyramid.interfaces import IRoutesMapper

from tests.conftest import BRANCH1, JUSTICE, PASSWORD, login
from tests.functional.helpers import api_login, receive

pytestmark = pytest.mark.process

BIRTH = "1.001193"


def as_(web, name):
    web.reset()
    return api_login(web, name, PASSWORD)


def step(web, code, csrf, action, status=200, **body):
    return web.post_json(f"/api/v1/dossiers/{code}/step", dict(action=action, **body),
                         headers={"X-CSRF-Token": csrf}, status=status)


@pytest.fixture
def received(web, officers):
    login(web, "recv1")
    _, code, _ = receive(web)
    return code


def test_steps_through_the_api_drive_the_dossier(web, received, portal):
    code = received
    csrf = as_(web, "recv1")
    run = web.get(f"/api/v1/dossiers/{code}/step").json
    assert (run["version"], run["case"], run["derived_state"]) == (1, "standard", "received")
    assert run["steps"][0]["assigned"] == "recv1"
    work = web.get("/api/v1/work").json["items"]
    assert [(i["code"], i["step"], i["where"]) for i in work] == [(code, "receive", "mine")]
    run = step(web, code, csrf, "finish", note="đủ hồ sơ").json
    assert (run["state"], run["derived_state"]) == ("in_processing", "in_processing")
    assert run["steps"][1]["unit"] == JUSTICE and run["steps"][1]["assigned"] is None
    csrf = as_(web, "proc1")
    assert [(i["where"], i["send_back"]) for i in web.get("/api/v1/work").json["items"]] == [
        ("queue", False)]
    step(web, code, csrf, "send_back", note="x", status=403)   # not assigned yet: claim
    step(web, code, csrf, "claim")
    step(web, code, csrf, "claim", status=409)
    step(web, code, csrf, "nonsense", status=400)
    step(web, code, csrf, "finish")
    csrf = as_(web, "lead1")
    assert web.get("/api/v1/work").json["items"][0]["send_back"] is True
    step(web, code, csrf, "claim")
    step(web, code, csrf, "send_back", status=400)              # a reason is required
    run = step(web, code, csrf, "send_back", note="Sai ngày sinh").json
    assert [(s["key"], s["outcome"]) for s in run["steps"]][-2:] == [
        ("approve", "sent_back"), ("review", None)]
    assert run["steps"][-1]["assigned"] == "proc1"
    # The dossier page and the dossier's JSON show the steps, the reason and the open step.
    page = web.get(f"/dossiers/{code}").html
    rows = page.select("#step-history tbody tr")
    assert [r["data-step"] for r in rows] == ["receive", "review", "approve", "review"]
    cells = [td.text.strip() for td in rows[2].find_all("td")]
    assert cells[0] == "Phê duyệt, ký kết quả" and cells[-1] == "Sai ngày sinh"
    assert cells[-2] == "trả lại bước trước"
    assert "Thẩm định hồ sơ" in page.select_one("#current-step").text
    assert page.select_one('#steps a[href$="/forms/control"]') is not None
    process = web.get(f"/api/v1/dossiers/{code}").json["process"]
    assert [(s["key"], s["outcome"]) for s in process["steps"]] == [
        (s["key"], s["outcome"]) for s in run["steps"]]
    assert process["steps"][2]["note"] == "Sai ngày sinh"
    assert process["current"]["key"] == "review" and process["current"]["assigned"] == "proc1"
    assert isinstance(process["current"]["minutes_left"], int)
    csrf = as_(web, "recv2")
    web.get(f"/api/v1/dossiers/{code}/step", status=403)        # another branch
    step(web, code, csrf, "claim", status=403)


def test_workflow_actions_on_the_dossier_page_move_the_steps_along(web, received, portal):
    code = received
    csrf = as_(web, "recv1")

    def act(action, **body):
        web.post_json(f"/api/v1/dossiers/{code}/actions", dict(action=action, **body),
                      headers={"X-CSRF-Token": csrf})
    act("transfer", processing_unit=JUSTICE)
    run = web.get(f"/api/v1/dossiers/{code}/step").json
    assert [(s["key"], s["outcome"]) for s in run["steps"]] == [("receive", "done"),
                                                                ("review", None)]
    csrf = as_(web, "proc1")
    act("request_supplement", note="Thiếu giấy chứng sinh")
    assert web.get(f"/api/v1/dossiers/{code}/step").json["steps"][-1]["paused"] is True
    csrf = as_(web, "recv1")
    act("receive_supplement")
    step = web.get(f"/api/v1/dossiers/{code}/step").json["steps"][-1]
    assert step["paused"] is False and step["pauses"][0][1] is not None
    act("withdraw", note="Công dân rút hồ sơ")
    run = web.get(f"/api/v1/dossiers/{code}/step").json
    assert run["closed"] and run["steps"][-1]["outcome"] == "withdrawn"
    csrf = as_(web, "proc1")
    assert web.get("/api/v1/work").json["items"] == []


def test_process_versions_are_validated_and_pinned(web, received, portal):
    csrf = as_(web, "recv1")
    web.post_json(f"/api/v1/processes/{BIRTH}", {"definition": {}},
                  headers={"X-CSRF-Token": csrf}, status=403)
    csrf = as_(web, "admin")
    assert web.get("/api/v1/processes/9.999999", status=404).json["error"]
    first = web.get(f"/api/v1/processes/{BIRTH}").json["versions"]
    assert [v["version"] for v in first] == [1]
    definition = first[0]["definition"]
    definition["cases"][0]["steps"][1]["budget"] = {"days": 2}   # 1-day procedure
    bad = web.post_json(f"/api/v1/processes/{BIRTH}", {"definition": definition},
                        headers={"X-CSRF-Token": csrf}, status=400).json
    assert any("more than the legal time" in p for p in bad["problems"])
    definition["cases"][0]["steps"][1]["budget"] = {"hours": 3}
    definition["cases"][0]["steps"][1]["unit"] = "999.99.99.H99"
    bad = web.post_json(f"/api/v1/processes/{BIRTH}", {"definition": definition},
                        headers={"X-CSRF-Token": csrf}, status=400).json
    assert any("unknown unit" in p for p in bad["problems"])
    definition["cases"][0]["steps"][1]["unit"] = JUSTICE
    kept = web.post_json(f"/api/v1/processes/{BIRTH}", {"definition": definition,
                                                         "note": "rút ngắn thẩm định"},
                         headers={"X-CSRF-Token": csrf}, status=201).json
    assert (kept["version"], kept["by"]) == (2, "admin")
    web.reset()
    login(web, "recv1")
    _, newer, _ = receive(web)
    with portal() as p:
        assert p.process_runs[received].version == 1
        assert p.process_runs[newer].version == 2
        assert p.process_runs[newer].steps[0].budget_minutes == 60
    web.reset()
    login(web, "admin")
    page = web.get(f"/processes/{BIRTH}")
    assert "rút ngắn thẩm định" in page.text and len(page.html.select("#versions tbody tr")) == 2
    form = page.forms["process-form"]
    form["definition"] = "{not json"
    form.submit(status=400)


def test_work_page_and_held_up_report_with_exports(web, received, portal):
    web.reset()
    login(web, "recv1")
    page = web.get("/work")
    assert page.html.select_one(f'#work tr[data-code="{received}"]') is not None
    form = page.forms[f"step-{received}"]
    form.submit("action", value="finish", status=303)
    assert web.get("/work").html.select_one("#no-work") is not None
    web.get("/reports/steps", status=403)
    web.reset()
    login(web, "lead1")   # a leader of the justice department sees only its own steps
    assert web.get("/api/v1/reports/steps").json["steps"] == []
    web.reset()
    login(web, "super")
    report = web.get("/reports/steps")
    assert report.html.select("svg") and report.html.select_one("#steps tbody tr")
    row = report.html.select_one("#steps tbody tr").find_all("td")
    assert [c.text for c in row[:2]] == [BIRTH, "receive"]
    listing = web.get(row[3].a["href"])
    assert [li.text for li in listing.html.select("#codes li")] == [received]
    data = web.get("/api/v1/reports/steps").json
    assert [(r["step"], r["unit"], r["count"]) for r in data["steps"]] == [
        ("receive", BRANCH1, 1)]
    assert data["national"] and sum(r["received"] for r in data["national"]) == 1
    csv_text = web.get("/api/v1/reports/steps", {"table": "steps", "format": "csv"}).body \
        .decode("utf-8-sig").splitlines()
    assert csv_text[0].startswith("procedure,step,unit,count") and csv_text[1].startswith(
        f"{BIRTH},receive,{BRANCH1},1,")
    xlsx = web.get("/reports/steps", {"table": "national", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body)).active
    assert sheet["A1"].value == "field" and sheet.max_row >= 2
    web.get("/api/v1/reports/steps", {"from": "nonsense"}, status=400)
    web.get("/api/v1/reports/steps", {"table": "x", "format": "csv"}, status=400)


def test_every_monthly_figure_links_to_as_many_dossiers(web, received, officers):
    _, second, _ = receive(web)
    web.reset()
    login(web, "super")
    table = web.get("/reports/steps").html.select_one("#national")
    row = next(tr for tr in table.select("tbody tr") if tr.td.text == "Hộ tịch")
    cells = row.find_all("td")[1:]
    assert len(cells) == 11 and all(c.a is not None for c in cells)
    for cell in cells:
        listing = web.get(cell.a["href"])
        assert len(listing.html.select("#codes li")) == int(cell.a.text)
    received_cell = cells[0]
    listing = web.get(received_cell.a["href"])
    assert sorted(li.text for li in listing.html.select("#codes li")) == sorted(
        [received, second])
    api = web.get("/api/v1/reports/monthly/dossiers",
                  {"field": "Hộ tịch", "figure": "pending_in_time"}).json
    assert api["count"] == len(api["codes"]) == 2
    csv_text = web.get("/reports/monthly/dossiers", {"field": "Hộ tịch", "figure": "received",
                                                     "format": "csv"}).body.decode("utf-8-sig")
    assert csv_text.splitlines()[1:] == sorted([received, second])
    web.get("/api/v1/reports/monthly/dossiers", {"field": "Hộ tịch", "figure": "x"}, status=400)
    web.get("/api/v1/reports/monthly/dossiers",
            {"field": "Hộ tịch", "figure": "received", "from": "2001-01-01"}, status=404)


def test_intake_offers_the_cases_of_a_procedure(web, officers):
    login(web, "recv1")
    cases = web.get("/intake", {"procedure": "1.000894"}).html.select("select[name=case] option")
    assert [o["value"] for o in cases] == ["standard", "verification"]
    assert not web.get("/intake", {"procedure": BIRTH}).html.select("select[name=case]")


def test_forms_as_pdf_through_page_and_api(web, received):
    web.reset()
    login(web, "recv1")
    page = web.get(f"/dossiers/{received}/forms/control")
    assert page.content_type == "application/pdf" and page.body.startswith(b"%PDF")
    web.get(f"/dossiers/{received}/forms/apology", status=409)
    web.get(f"/dossiers/{received}/forms/nonsense", status=404)
    as_(web, "recv1")
    assert web.get(f"/api/v1/dossiers/{received}/forms/control").body.startswith(b"%PDF")
    as_(web, "recv2")
    web.get(f"/api/v1/dossiers/{received}/forms/control", status=403)


def test_openapi_describes_every_process_route(web):
    spec = web.get("/api/v1/openapi.json").json
    validate(spec)
    mapper = web.app.registry.getUtility(IRoutesMapper)
    ours = {r.pattern[len("/api/v1"):] for r in mapper.get_routes()
            if r.name in ("api.work", "api.work_step", "api.processes", "api.form",
                          "api.reports_steps", "api.reports_drill")}
    ours |= {r.pattern[len("/api/v1"):] for r in mapper.get_routes()
             if r.name in ("api.reports_monthly_drill", "api.dashboard_drill")}
    assert len(ours) == 8 and ours <= set(spec["paths"])
