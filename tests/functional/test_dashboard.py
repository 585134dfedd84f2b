"""The monthly figures a centre reports, from the store."""
import datetime

import pytest

from records import clock, workflow
from records.calendar import default_calendar
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
    class D:  # a stand-in with only what the report reads
        def __init__(self, ready, due, returned_e):
            t = datetime.datetime(2026, 3, ready, 10)
            self.received_at, self.due_at, self.channel = t, datetime.date(2026, 3, due), "online"
            self.receiving_unit = self.processing_unit = "U"
            self.history = [{"action": "approve", "to": "result_ready", "at": t},
                            {"action": "return", "to": "returned", "at": t}]
            self.returned_electronically, self.rating, self.state = returned_e, None, "returned"
            self.rescheduled = None

        def ordered_components(self):
            return []
    start, end = month_bounds(2026, 3)
    out = figures([D(5, 6, True), D(9, 6, False)], start, end, datetime.date(2026, 3, 31))
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
    assert figures([dossier], *march, today).reused == 0
    assert figures([dossier], *april, today).reused == 1


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
    out = figures([late], *month_bounds(2026, 3), datetime.date(2026, 3, 31))
    assert out.solved == 1 and out.solved_on_time == 0  # ready the 12th, due by law the 6th
    assert workflow.finished_on_time(late) is False
