"""The monthly figures a centre reports, from the store."""
import datetime

import pytest

from records.catalog import entry_of
from records.reports.figures import figures, month_bounds
from records.resources.dossiers import Dossier
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
