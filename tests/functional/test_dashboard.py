"""The monthly figures a centre reports, from the store."""
import datetime

import pytest

from records import clock, workflow
from records.calendar import default_calendar
from records.catalog import entry_of
from records.reports.figures import figures, month_bounds
from records.resources.dossiers import Dossier, Result
from records.workflow import Actor
from tests.conftest import PASSWORD, login
from tests.functional.helpers import act, api_login, receive

pytestmark = pytest.mark.foundation


def test_dashboard_counts_received_online_on_time_and_held_up(web, officers, portal):
    login(web, "recv1")
    codes = [receive(web)[1] for _ in range(3)]
    web.reset()
    csrf = api_login(web, "recv1", PASSWORD)
    act(web, codes[0], "transfer", csrf, processing_unit="000.20.01.H26")
    with portal() as p:
        p.dossiers[codes[1]].channel = "online"
        late = p.dossiers[codes[2]]
        late.due_at = datetime.date.today() - datetime.timedelta(days=2)
        for code in codes[1:]:
            p.dossiers[code].changed()  # NB: changes made behind record() index themselves
    web.reset()
    login(web, "super")
    page = web.get("/dashboard")
    assert page.html.find(id="fig-received").text == "3"
    data = web.get("/api/v1/dashboard").json
    assert data["received"] == 3 and data["online_pct"] == 33.3
    held = {(r["state"], r["unit"]): (r["open"], r["late"]) for r in data["held_up"]}
    assert held[("in_processing", "000.20.01.H26")] == (1, 0)
    assert held[("received", "000.00.01.H26")] == (2, 1)
    web.reset()
    login(web, "recv1")
    web.get("/dashboard", status=403)


def test_on_time_and_electronic_return_shares():
    def returned(ready, due, electronically):
        t = datetime.datetime(2026, 3, ready, 10)
        d = Dossier(f"U-2603{ready:02d}-0001", "1.001193", {"name": "A"}, "online", "U", t, "x",
                    datetime.date(2026, 3, due), "h")
        d.history = [{"action": "approve", "to": "result_ready", "at": t},
                     {"action": "return", "to": "returned", "at": t}]
        d.state, d.closed_at, d.returned_electronically = "returned", t, electronically
        return entry_of(d)
    start, end = month_bounds(2026, 3)
    out = figures([returned(5, 6, True), returned(9, 6, False)], [], start, end,
                  datetime.date(2026, 3, 31))
    data = out.as_dict()
    assert data["on_time_pct"] == 50.0 and data["returned_electronically_pct"] == 50.0
    assert data["online_pct"] == 100.0 and data["held_up"] == []


def _dossier(code, received, due):
    return Dossier(code, "1.001193", {"name": "A", "id_number": "001203004567"}, "in_person",
                   "U", datetime.datetime(2026, 3, received, 9, tzinfo=clock.TIMEZONE), "recv1",
                   datetime.date(2026, 3, due), "h")


@pytest.mark.house
def test_a_reuse_counts_in_the_month_it_happened():
    dossier = _dossier("U-1", 30, 31)
    dossier.record("reuse", "recv1", datetime.datetime(2026, 4, 2, 9, tzinfo=clock.TIMEZONE),
                   "U", "received", "received", "birth certificate")
    march, april = month_bounds(2026, 3), month_bounds(2026, 4)
    today = datetime.date(2026, 4, 30)
    assert figures([entry_of(dossier)], [], *march, today).reused == 0
    assert figures([entry_of(dossier)], [], *april, today).reused == 1


@pytest.mark.house
def test_on_time_is_judged_against_the_legal_due_date_not_the_rescheduled_one():
    calendar = default_calendar()
    actor = Actor("lead1", frozenset({"admin"}), frozenset(), "U")
    late = _dossier("U-1", 2, 6)
    late.state = "in_processing"
    workflow.fire(late, "reschedule", actor, datetime.datetime(
        2026, 3, 9, 9, tzinfo=clock.TIMEZONE), calendar, note="xin lỗi",
        new_due=datetime.date(2026, 3, 20))
    assert late.due_at == datetime.date(2026, 3, 20)
    assert workflow.legal_due(late) == datetime.date(2026, 3, 6)
    late.results.append(Result(None, doc_type="TRÍCH LỤC", number_symbol="1/TL"))
    workflow.fire(late, "approve", actor, datetime.datetime(
        2026, 3, 12, 9, tzinfo=clock.TIMEZONE), calendar)
    out = figures([entry_of(late)], [], *month_bounds(2026, 3), datetime.date(2026, 3, 31))
    assert out.solved == 1 and out.solved_on_time == 0  # ready the 12th, due by law the 6th
    assert workflow.finished_on_time(late) is False


@pytest.mark.scale
def test_dashboard_for_a_year_counts_the_whole_year(web, officers, portal):
    login(web, "recv1")
    receive(web)
    web.reset()
    csrf = api_login(web, "super", PASSWORD)
    assert csrf
    this_year = datetime.date.today().year
    assert web.get("/api/v1/dashboard", {"year": str(this_year)}).json["received"] == 1
    assert web.get("/api/v1/dashboard", {"year": str(this_year - 1)}).json["received"] == 0
    period = web.get("/api/v1/dashboard", {"year": str(this_year)}).json["period"]
    assert period == {"start": f"{this_year}-01-01", "end": f"{this_year}-12-31"}
    assert "/dashboard" in web.get("/api/v1/openapi.json").json["paths"]


@pytest.mark.process
def test_every_dashboard_figure_links_to_as_many_dossiers(web, officers, portal):
    login(web, "recv1")
    codes = [receive(web)[1] for _ in range(3)]
    with portal() as p:
        p.dossiers[codes[1]].channel = "online"
        p.dossiers[codes[2]].due_at = datetime.date.today() - datetime.timedelta(days=2)
        for code in codes[1:]:
            p.dossiers[code].changed()
    web.reset()
    login(web, "super")
    data = web.get("/api/v1/dashboard").json
    expected = {"received": 3, "online": 1, "with_files": data["with_files"],
                "digitized": data["digitized"], "solved_on_time": 0, "solved": 0,
                "returned_electronically": 0, "returned": 0, "rating:very_satisfied": 0,
                "rated": 0, "reused": 0}
    page = web.get("/dashboard").html
    links = page.select("#figures a.drill")
    assert sorted(a["data-figure"] for a in links) == sorted(expected)
    for a in links:
        listing = web.get(a["href"]).html.select("#codes li")
        assert len(listing) == expected[a["data-figure"]], a["data-figure"]
    online = web.get(next(a["href"] for a in links if a["data-figure"] == "online"))
    assert [li.text for li in online.html.select("#codes li")] == [codes[1]]
    held = {(r["state"], r["unit"]): (r["open"], r["late"]) for r in data["held_up"]}
    cells = page.select("table.list a.drill")
    assert len(cells) == 2 * len(held)
    for a in cells:
        assert len(web.get(a["href"]).html.select("#codes li")) == int(a.text)
    late = web.get("/api/v1/dashboard/dossiers", {"figure": "held_up", "state": "received",
                                                  "unit": "000.00.01.H26", "late": "1"}).json
    assert late["codes"] == [codes[2]] and late["count"] == held[("received",
                                                                  "000.00.01.H26")][1] == 1
    web.get("/api/v1/dashboard/dossiers", {"figure": "nonsense"}, status=400)
    web.reset()
    login(web, "recv1")
    web.get("/dashboard/dossiers", {"figure": "received"}, status=403)
