"""Known histories through the step engine, each figure checked exactly: on time across a
holiday and a weekend, late, paused for a supplement, sent back, rescheduled."""
import datetime

import pymupdf
import pytest
import ZODB
import transaction

from records.calendar import default_calendar
from records.clock import TIMEZONE
from records.intake.receive import IntakeError, receive
from records.printing.forms import FORMS, FormError, edition_for, editions, render_form
from records.process.run import StepRun, timeliness
from records.process import engine, service
from records.process.worktime import default_worktime
from records.reports import steps as report
from records.resources.dossiers import Result
from records.resources.users import User
from records.security import actor_for
from records.store import get_portal
from records.seed import seed

pytestmark = pytest.mark.process

BRANCH1, JUSTICE = "000.00.01.H26", "000.20.01.H26"
BIRTH = "1.001193"


def at(day, hh, mm=0):
    return datetime.datetime(2026, 5, day, hh, mm, tzinfo=TIMEZONE) if isinstance(day, int) \
        else datetime.datetime.combine(day, datetime.time(hh, mm), TIMEZONE)


@pytest.fixture
def portal():
    db = ZODB.DB(None)
    conn = db.open()
    p = get_portal(conn.root())
    seed(p)
    for login, roles, unit in (("recv1", {"receiving"}, BRANCH1), ("proc1", {"processing"}, JUSTICE),
                               ("lead1", {"leader"}, JUSTICE)):
        p.users.add(login, User(login, login, "x", roles, unit))
    yield p
    transaction.abort()
    conn.close()
    db.close()


def actor(p, login):
    return actor_for(p.users[login], p.units)


def receive_at(p, now):
    data = {"procedure": BIRTH, "channel": "in_person", "unit": BRANCH1,
            "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": "001203004567"}}
    dossier, _pin, _ = receive(p, data, {}, actor(p, "recv1"), now, default_calendar(), set(), 1,
                               p.sequences)
    return dossier


def do(p, dossier, login, action, now, **body):
    return service.act(p, dossier, actor(p, login), dict(action=action, **body), now)


def draft_result(dossier):
    dossier.results.append(Result(None, doc_type="TRÍCH LỤC", number_symbol="1/TLKS"))


def on_time_across_holiday(p):
    # Wednesday 29/4 16:00; Thursday 30/4 and Friday 1/5 are holidays, then a weekend.
    d = receive_at(p, datetime.datetime(2026, 4, 29, 16, 0, tzinfo=TIMEZONE))
    assert d.due_at == datetime.date(2026, 5, 4)
    do(p, d, "recv1", "finish", at(4, 8))              # receive: 60 + 30 = 90 min (late)
    do(p, d, "proc1", "claim", at(4, 8, 10))
    do(p, d, "proc1", "start", at(4, 8, 15))
    do(p, d, "proc1", "finish", at(4, 11))             # review: 180 min
    do(p, d, "lead1", "claim", at(4, 11, 5))
    draft_result(d)
    do(p, d, "lead1", "finish", at(4, 13, 30))         # approve: 30 + 30 = 60 min
    do(p, d, "recv1", "claim", at(4, 13, 40))
    do(p, d, "recv1", "finish", at(4, 14))             # return: 30 min
    return d


def paused_and_sent_back(p):
    d = receive_at(p, at(4, 9))
    do(p, d, "recv1", "finish", at(4, 9, 30))          # 30
    do(p, d, "proc1", "claim", at(4, 9, 30))
    do(p, d, "proc1", "pause", at(4, 10, 30), note="Thiếu giấy chứng sinh")
    assert d.state == "supplement_requested"
    do(p, d, "recv1", "resume", at(5, 10))
    do(p, d, "proc1", "finish", at(5, 13, 30))         # 60 + 90 + 30 = 180
    do(p, d, "lead1", "claim", at(5, 13, 30))
    do(p, d, "lead1", "send_back", at(5, 14), note="Sai tên cha")   # approve: 30, sent back
    do(p, d, "proc1", "finish", at(5, 15))             # review again (assigned back): 60
    do(p, d, "lead1", "claim", at(5, 15))
    draft_result(d)
    do(p, d, "lead1", "finish", at(5, 15, 30))         # approve: 30
    do(p, d, "recv1", "claim", at(5, 15, 30))
    do(p, d, "recv1", "finish", at(5, 16))             # return: 30
    return d


def late_and_rescheduled(p):
    d = receive_at(p, at(4, 9))
    do(p, d, "recv1", "finish", at(4, 9, 30))          # 30
    do(p, d, "proc1", "claim", at(4, 10))
    do(p, d, "lead1", "reschedule", at(6, 9), note="Chờ xác minh",
       new_due="2026-05-08")
    do(p, d, "proc1", "finish", at(7, 9, 30))          # 360 + 480 + 480 + 120 = 1440 (late)
    do(p, d, "lead1", "claim", at(7, 9, 30))
    draft_result(d)
    do(p, d, "lead1", "finish", at(7, 10))             # approve: 30; return stays open
    return d


def test_histories_give_exact_step_figures(portal):
    a = on_time_across_holiday(portal)
    b = paused_and_sent_back(portal)
    c = late_and_rescheduled(portal)
    assert (a.state, b.state, c.state) == ("returned", "returned", "result_ready")
    for d in (a, b, c):
        assert engine.derived_state(portal.process_runs[d.code], d) == d.state
    assert b.due_at == datetime.date(2026, 5, 6)  # one working day paused
    filters = report.Filters(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    rows = {(r["step"], r["unit"]): r for r in report.step_rows(portal.process_index, filters)}
    assert {k: (r["count"], r["mean"], r["p90"], r["late"]) for k, r in rows.items()} == {
        ("receive", BRANCH1): (3, 50.0, 90, 1),
        ("review", JUSTICE): (4, 465.0, 1440, 1),
        ("approve", JUSTICE): (4, 37.5, 60, 0),
        ("return", BRANCH1): (2, 30.0, 30, 0),
    }
    assert report.drill_codes(portal.process_index, filters, BIRTH, "review", JUSTICE,
                              late=True) == [c.code]
    assert report.drill_codes(portal.process_index, filters, BIRTH, "receive", BRANCH1) == \
        sorted([a.code, b.code, c.code])
    april = report.Filters(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert report.step_rows(portal.process_index, april) == []
    run_b = portal.process_runs[b.code]
    assert [(s.key, s.outcome, s.officer) for s in run_b.steps] == [
        ("receive", "done", "recv1"), ("review", "done", "proc1"),
        ("approve", "sent_back", "lead1"), ("review", "done", "proc1"),
        ("approve", "done", "lead1"), ("return", "done", "recv1")]
    assert run_b.steps[2].note == "Sai tên cha"


def test_overdue_and_due_soon_lists(portal):
    late_and_rescheduled(portal)
    soon = receive_at(portal, at(7, 16, 30))           # receive due Friday 08:00
    worktime = default_worktime()
    filters = report.Filters(datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    now = at(7, 12)
    late = report.overdue(portal.process_index, filters, now, worktime)
    assert [(r["step"], r["officer"], r["minutes_left"]) for r in late] == [("return", None, -30)]
    due = report.due_within(portal.process_index, filters, at(7, 16, 45), 1, worktime)
    assert [(r["code"], r["step"], r["officer"], r["minutes_left"]) for r in due] == [
        (soon.code, "receive", "recv1", 45)]


def test_national_month(portal):
    on_time_across_holiday(portal)
    paused_and_sent_back(portal)
    late_and_rescheduled(portal)
    open_one = receive_at(portal, at(6, 9))            # due 7/5, still open
    rows = report.national_month(portal.process_index, datetime.date(2026, 5, 1),
                                 ["Hộ tịch"], at(8, 9))
    row = rows["Hộ tịch"]
    assert (row["carried_over"], row["received_in_person"], row["received"]) == (1, 3, 4)
    assert (row["resolved_early"], row["resolved_on_time"], row["resolved_late"]) == (1, 1, 1)
    assert (row["pending_in_time"], row["pending_late"]) == (0, 1)
    assert open_one.code in portal.process_index.pending


def test_my_work_lists_late_first_and_queues(portal):
    c = late_and_rescheduled(portal)
    fresh = receive_at(portal, at(7, 9))               # receive step due 10:00
    mine = service.work_items(portal, actor(portal, "recv1"), at(7, 11))
    assert [(i["code"], i["where"], i["late"], i["minutes_left"]) for i in mine] == [
        (fresh.code, "mine", True, -60), (c.code, "queue", False, 0)]
    assert service.work_items(portal, actor(portal, "proc1"), at(7, 11)) == []
    do(portal, c, "recv1", "claim", at(7, 11, 10))
    with pytest.raises(engine.StepError):
        do(portal, c, "recv1", "claim", at(7, 11, 20))
    with pytest.raises(engine.StepForbidden):
        do(portal, fresh, "proc1", "finish", at(7, 11, 20))


def test_forms_are_filled_from_the_history(portal):
    b = paused_and_sent_back(portal)
    c = late_and_rescheduled(portal)
    procedure, units = portal.procedures[BIRTH], portal.units
    unit = units[JUSTICE]

    def text(form, d):
        pdf = render_form(form, d, procedure, unit, units, portal.process_runs[d.code])
        with pymupdf.open(stream=pdf, filetype="pdf") as doc:
            return " ".join(" ".join(page.get_text().split()) for page in doc)

    # Received in 2026: the forms of Thông tư 03/2025/TT-VPCP (Nghị định 118/2025/NĐ-CP).
    control = text("control", b)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control and "Mẫu số 06" in control
    assert "03/2025/TT-VPCP" in control and "(Trước hạn/đúng hạn/quá hạn)" in control
    assert control.count("Thẩm định hồ sơ") == 2 and "Trả lại bước trước" in control
    assert "Sai tên cha" in control and "Người giao: lead1 Người nhận: proc1" in control
    assert "Thiếu giấy chứng sinh" in text("supplement", b)
    apology = text("apology", c)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in apology
    assert "Mẫu số 04" in apology
    assert "05/05/2026" in apology and "08/05/2026" in apology and "Chờ xác minh" in apology
    with pytest.raises(FormError):
        text("refusal", b)
    with pytest.raises(FormError):
        text("apology", b)


def test_a_dossier_received_before_the_2025_circular_keeps_the_2018_forms(portal):
    d = receive_at(portal, datetime.datetime(2025, 9, 12, 9, 0, tzinfo=TIMEZONE))
    do(portal, d, "recv1", "finish", datetime.datetime(2025, 9, 12, 9, 30, tzinfo=TIMEZONE))
    procedure, units = portal.procedures[BIRTH], portal.units
    pdf = render_form("control", d, procedure, units[JUSTICE], units, portal.process_runs[d.code])
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        control = " ".join(" ".join(page.get_text().split()) for page in doc)
    assert "Mẫu số 05" in control and "01/2018/TT-VPCP" in control
    assert "Đúng hạn" in control and "Đang xử lý" in control   # reception done, review open
    assert edition_for(datetime.date(2025, 9, 14))["key"] == "tt01-2018"
    assert edition_for(datetime.date(2025, 9, 15))["key"] == "tt03-2025"
    assert edition_for(datetime.date(2017, 1, 1))["key"] == "tt01-2018"


def test_a_refusal_before_the_2025_circular_is_the_2018_form_03(portal):
    d = receive_at(portal, datetime.datetime(2025, 9, 12, 9, 0, tzinfo=TIMEZONE))
    d.applicant.update(address="12 Lê Lợi, Hạ Long", phone="0912345678")
    moment = datetime.datetime(2025, 9, 12, 9, 30, tzinfo=TIMEZONE)
    do(portal, d, "recv1", "finish", moment)
    do(portal, d, "lead1", "assign", moment, officer="proc1")
    do(portal, d, "proc1", "reject", moment, note="Không thuộc thẩm quyền giải quyết")
    procedure, units = portal.procedures[BIRTH], portal.units
    pdf = render_form("refusal", d, procedure, units[JUSTICE], units, portal.process_runs[d.code])
    with pymupdf.open(stream=pdf, filetype="pdf") as doc:
        refusal = " ".join(" ".join(page.get_text().split()) for page in doc)
    assert "Mẫu số 03" in refusal and "01/2018/TT-VPCP" in refusal
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in refusal
    assert "Tiếp nhận hồ sơ của: Nguyễn Văn An" in refusal
    assert "Địa chỉ: 12 Lê Lợi, Hạ Long" in refusal and "0912345678" in refusal
    assert "với lý do cụ thể như sau: Không thuộc thẩm quyền giải quyết" in refusal
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in refusal


def test_a_step_is_early_on_time_or_late_on_the_control_sheet():
    step = StepRun(0, "review", "Thẩm định", JUSTICE, "processing", 960, at(4, 9), at(5, 17))
    step.ended_at = at(4, 16)
    assert timeliness(step) == "early"       # a day before the day it was due
    step.ended_at = at(5, 17)
    assert timeliness(step) == "done"
    step.ended_at = at(5, 17, 1)
    assert timeliness(step) == "late"


def test_every_form_says_what_was_verified_and_against_what():
    for edition in editions():
        assert set(edition["forms"]) == set(FORMS)
        for name, form in edition["forms"].items():
            checked = form["verified"]
            assert {"name", "number", "fields", "sources", "note"} <= set(checked)
            if checked["name"] or checked["number"] or checked["fields"]:
                assert checked["sources"], (edition["key"], name)


def test_a_leader_assigns_a_step_to_a_named_officer(portal):
    portal.users.add("proc9", User("proc9", "proc9", "x", {"processing"}, "000.20.02.H26"))
    d = receive_at(portal, at(4, 9))
    do(portal, d, "recv1", "finish", at(4, 9, 30))
    with pytest.raises(engine.StepForbidden):
        do(portal, d, "proc1", "assign", at(4, 9, 40), officer="proc1")   # not a leader
    with pytest.raises(engine.StepInput):
        do(portal, d, "lead1", "assign", at(4, 9, 40), officer="proc9")   # other department
    with pytest.raises(engine.StepInput):
        do(portal, d, "lead1", "assign", at(4, 9, 40), officer="recv1")   # wrong role
    do(portal, d, "lead1", "assign", at(4, 9, 40), officer="proc1")
    assert portal.process_index.waiting_for("proc1") == [d.code]
    assert portal.process_index.queued_at(JUSTICE) == []
    do(portal, d, "proc1", "start", at(4, 10))
    with pytest.raises(engine.StepError):
        do(portal, d, "lead1", "assign", at(4, 10, 5), officer="")        # work has started
    step = portal.process_runs[d.code].current
    assert (step.assigned, step.assigned_by, step.assigned_at, step.started_at) == (
        "proc1", "lead1", at(4, 9, 40), at(4, 10))


def test_each_case_has_its_own_legal_time(portal):
    def marriage(case):
        data = {"procedure": "1.000894", "channel": "online", "unit": BRANCH1, "case": case,
                "applicant": {"kind": "person", "name": "Lê Văn Cường",
                              "id_number": "001203004568"}}
        return receive(portal, data, {}, actor(portal, "recv1"), at(4, 9), default_calendar(),
                       set(), 1, portal.sequences)[0]
    assert marriage(None).due_at == datetime.date(2026, 5, 5)             # standard: 1 day
    verified = marriage("verification")
    assert verified.due_at == datetime.date(2026, 5, 11)                  # 5 days
    run = portal.process_runs[verified.code]
    assert (run.case, run.version) == ("verification", 1)
    with pytest.raises(IntakeError):
        marriage("no-such-case")


def june(day, hh, mm=0):
    return datetime.datetime(2026, 6, day, hh, mm, tzinfo=TIMEZONE)


def resolve(p, d, when):
    """Take ``d`` from reception to an approved result within the hour from ``when``."""
    step = datetime.timedelta(minutes=5)
    do(p, d, "recv1", "finish", when)
    do(p, d, "proc1", "claim", when + step)
    do(p, d, "proc1", "finish", when + 2 * step)
    do(p, d, "lead1", "claim", when + 3 * step)
    draft_result(d)
    do(p, d, "lead1", "finish", when + 4 * step)


def every_figure_is_its_list(p, month, now):
    rows = report.national_month(p.process_index, month, ["Hộ tịch"], now)
    row = rows["Hộ tịch"]
    for figure in report.FIGURES:
        codes = report.national_codes(p.process_index, month, "Hộ tịch", figure, now)
        assert len(codes) == row[figure], figure
    return row


def test_a_past_month_keeps_its_pending_split_as_dossiers_move_on(portal):
    may, june_first = datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)
    resolved_in_may = receive_at(portal, at(18, 9))
    resolve(portal, resolved_in_may, at(18, 10))
    late = receive_at(portal, at(20, 9))            # due Thursday 21/5: late when May closes
    in_time = receive_at(portal, at(29, 9))         # Friday 29/5, due Monday 1/6: in time
    figures = ("carried_over", "received_in_person", "received", "resolved_early",
               "resolved_on_time", "resolved", "pending_in_time", "pending_late")
    # Read on 2 June before anything moved in June: the month is over, nothing changed since.
    closed = every_figure_is_its_list(portal, may, june(2, 8))
    assert [closed[f] for f in figures] == [0, 3, 3, 1, 0, 1, 1, 1]
    assert report.national_codes(portal.process_index, may, "Hộ tịch", "pending_late",
                                 june(2, 8)) == [late.code]

    resolve(portal, in_time, june(2, 9))            # resolved late (due 1/6)
    resolve(portal, late, june(3, 9))
    fresh = receive_at(portal, june(3, 10))
    now = june(4, 9)
    assert [every_figure_is_its_list(portal, may, now)[f] for f in figures] == \
        [0, 3, 3, 1, 0, 1, 1, 1]
    assert report.national_codes(portal.process_index, may, "Hộ tịch", "pending_in_time",
                                 now) == [in_time.code]
    current = every_figure_is_its_list(portal, june_first, now)
    assert [current[f] for f in figures + ("resolved_late",)] == \
        [2, 1, 3, 0, 0, 2, 1, 0, 2]
    assert report.national_codes(portal.process_index, june_first, "Hộ tịch", "carried_over",
                                 now) == sorted([late.code, in_time.code])
    assert report.national_codes(portal.process_index, june_first, "Hộ tịch",
                                 "pending_in_time", now) == [fresh.code]


def test_a_month_with_nothing_kept_says_so(portal):
    d = receive_at(portal, at(20, 9))
    portal.process_index.closed_months.clear()
    portal.process_index.last_month = "2026-07"      # as if closed before the figures were kept
    row = report.national_month(portal.process_index, datetime.date(2026, 5, 1), ["Hộ tịch"],
                                june(1, 9) + datetime.timedelta(days=40))
    assert (row["Hộ tịch"]["pending_in_time"], row["Hộ tịch"]["pending_late"]) == (None, None)
    assert d.code in portal.process_index.pending


def test_the_step_history_gives_time_taken_against_budget_and_time_left(portal):
    b = paused_and_sent_back(portal)
    history = service.step_history(portal.process_runs[b.code], at(6, 9))
    assert [(p["step"].key, p["step"].budget_minutes, p["taken_minutes"], p["over_budget"],
             p["timeliness"] or p["step"].outcome) for p in history["passages"]] == [
        ("receive", 60, 30, False, "done"), ("review", 240, 180, False, "done"),
        ("approve", 120, 30, False, "sent_back"), ("review", 240, 60, False, "early"),
        ("approve", 120, 30, False, "done"), ("return", 60, 30, False, "done")]
    assert history["current"] is None and history["minutes_left"] is None
    c = late_and_rescheduled(portal)                  # the return step opened 7/5 10:00
    history = service.step_history(portal.process_runs[c.code], at(7, 11, 30))
    assert (history["current"].key, history["minutes_left"]) == ("return", -30)
    assert history["passages"][-1]["taken_minutes"] == 90
    assert history["passages"][-1]["over_budget"] is True
    assert [p["timeliness"] for p in history["passages"][:3]] == ["done", "late", "done"]
