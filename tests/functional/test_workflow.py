"""States and transitions through the API: roles, units, history, clock, reschedule."""
import datetime

import pytest

from tests.conftest import ECONOMY, JUSTICE, login
from tests.functional.helpers import act, as_

pytestmark = pytest.mark.foundation
BOTH_STORES = True


def test_full_path_received_to_returned_with_history(web, received, portal):
    code = received
    csrf = as_(web, "recv1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE, note="chuyển phòng Tư pháp")
    csrf = as_(web, "proc1")
    reply = act(web, code, "request_supplement", csrf, note="Thiếu bản sao CCCD")
    assert reply.json["state"] == "supplement_requested"
    csrf = as_(web, "recv1")
    act(web, code, "receive_supplement", csrf, note="đã nhận bản sao")
    csrf = as_(web, "lead1")
    act(web, code, "approve", csrf, status=409)  # no result attached yet
    with portal() as p:
        from records.resources.dossiers import Result
        dossier = p.dossiers[code]
        dossier.results.append(Result(dossier.components["application"].current,
                                      doc_type="TRÍCH LỤC", number_symbol="12/TLKS"))
    reply = act(web, code, "approve", csrf)
    assert reply.json["state"] == "result_ready"
    csrf = as_(web, "recv1")
    reply = act(web, code, "return", csrf)
    assert reply.json["state"] == "returned"
    history = reply.json["history"]
    assert [(h["action"], h["from"], h["to"]) for h in history] == [
        ("receive", None, "received"),
        ("transfer", "received", "in_processing"),
        ("request_supplement", "in_processing", "supplement_requested"),
        ("receive_supplement", "supplement_requested", "in_processing"),
        ("approve", "in_processing", "result_ready"),
        ("return", "result_ready", "returned"),
    ]
    assert [h["user"] for h in history] == ["recv1", "recv1", "proc1", "recv1", "lead1", "recv1"]
    assert history[2]["unit"] == JUSTICE and history[2]["note"] == "Thiếu bản sao CCCD"


def test_roles_and_units_are_checked(web, received):
    code = received
    csrf = as_(web, "proc1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE, status=403)  # wrong role
    csrf = as_(web, "recv2")
    web.get(f"/api/v1/dossiers/{code}", status=403)  # other branch: cannot even see it
    act(web, code, "transfer", csrf, processing_unit=JUSTICE, status=403)
    csrf = as_(web, "recv1")
    act(web, code, "transfer", csrf, processing_unit=JUSTICE)
    csrf = as_(web, "proc2")
    web.get(f"/api/v1/dossiers/{code}", status=403)  # another department
    csrf = as_(web, "proc1")
    assert web.get(f"/api/v1/dossiers/{code}").json["actions"] == [
        "request_supplement", "reject"]
    act(web, code, "approve", csrf, status=403)  # only a leader approves
    act(web, code, "reject", csrf, status=400)  # a reason is required
    act(web, code, "nonsense", csrf, status=400)


def test_wrong_state_is_refused(web, received):
    csrf = as_(web, "recv1")
    reply = act(web, received, "return", csrf, status=409)
    assert "cannot return" in reply.json["error"]


def test_withdraw_closes_the_dossier(web, received, portal):
    csrf = as_(web, "recv1")
    act(web, received, "withdraw", csrf, note="công dân rút hồ sơ")
    with portal() as p:
        dossier = p.dossiers[received]
        assert dossier.state == "withdrawn" and dossier.closed_at is not None


def test_archivist_sees_only_closed_and_supervisor_sees_all(web, received):
    as_(web, "arch")
    web.get(f"/api/v1/dossiers/{received}", status=403)
    as_(web, "super")
    web.get(f"/api/v1/dossiers/{received}", status=200)
    csrf = as_(web, "recv1")
    act(web, received, "withdraw", csrf, note="rút")
    as_(web, "arch")
    web.get(f"/api/v1/dossiers/{received}", status=200)


def test_supplement_pauses_the_clock(web, received, portal):
    from records.calendar import default_calendar
    from records import workflow
    from records.workflow import Actor
    cal = default_calendar()
    with portal() as p:
        dossier = p.dossiers[received]
        dossier.processing_unit = JUSTICE
        dossier.state = "in_processing"
        start = datetime.datetime(2026, 3, 2, 9, 0)  # a Monday
        dossier.due_at = datetime.date(2026, 3, 4)
        leader = Actor("lead1", frozenset({"leader"}), frozenset({JUSTICE}), JUSTICE)
        workflow.fire(dossier, "request_supplement", leader, start, cal, note="thiếu giấy")
        assert workflow.is_overdue(dossier, datetime.date(2026, 3, 10)) is False  # paused
        workflow.fire(dossier, "receive_supplement", leader,
                      datetime.datetime(2026, 3, 6, 10, 0), cal)  # Friday: 4 working days
        assert dossier.due_at == datetime.date(2026, 3, 10)
        assert dossier.paused_days == 4


def test_late_dossier_rescheduled_once(web, received, portal):
    with portal() as p:
        dossier = p.dossiers[received]
        dossier.processing_unit = JUSTICE
        dossier.state = "in_processing"
        dossier.due_at = datetime.date.today() - datetime.timedelta(days=3)
    csrf = as_(web, "lead1")
    new_due = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    act(web, received, "reschedule", csrf, new_due=new_due, status=400)  # reason required
    reply = act(web, received, "reschedule", csrf, new_due=new_due,
                note="Chờ ý kiến phối hợp của cơ quan thuế; xin lỗi công dân")
    assert reply.json["due_at"] == new_due and reply.json["rescheduled"] is True
    reply = act(web, received, "reschedule", csrf, new_due=new_due, note="lần hai", status=409)
    assert "only once" in reply.json["error"]


def test_reschedule_refused_when_not_late(web, received, portal):
    with portal() as p:
        dossier = p.dossiers[received]
        dossier.processing_unit, dossier.state = JUSTICE, "in_processing"
        dossier.due_at = datetime.date.today() + datetime.timedelta(days=3)
    csrf = as_(web, "lead1")
    reply = act(web, received, "reschedule", csrf, note="x",
                new_due=(datetime.date.today() + datetime.timedelta(days=9)).isoformat(),
                status=409)
    assert "late" in reply.json["error"]


def test_dossier_page_actions_form(web, received):
    login(web, "recv1")
    page = web.get(f"/dossiers/{received}")
    form = page.forms["action-transfer"]
    form["processing_unit"] = ECONOMY
    page = form.submit(status=303).follow()
    assert "000.20.02.H26" not in page.html.find(id="dossier-state").text
    assert "Phòng Kinh tế" in page.text
