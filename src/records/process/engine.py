"""The step engine: a dossier moves through its pinned process, step by step.

Each open step is assigned to a named officer or waits in its unit's queue to be claimed;
the officer starts and finishes it, or sends the dossier back to an earlier step with a
reason, or pauses it for a supplement. A finished step that names a workflow transition
fires it (:func:`records.workflow.fire`), so the dossier-wide state follows the steps and
the workflow's guards (roles, units, a result before approval) still apply. Every change
updates :class:`records.process.index.StepIndex` in the same transaction.
"""
import math

from records import workflow
from records.calendar import default_calendar
from records.i18n import _
from records.process.definitions import RECEIVING
from records.process.run import Run, StepRun
from records.process.worktime import default_worktime

MANAGING_ROLES = frozenset({"leader", "admin"})


class StepError(workflow.WorkflowError):
    """A step action that is not allowed now (409)."""


class StepForbidden(workflow.Forbidden):
    """The officer's role or unit does not allow the step action (403)."""


class StepInput(workflow.InvalidInput):
    """A missing reason, officer or target (400)."""


def begin(portal, dossier, now, login, case=None):
    """Pin the procedure's current process (``case`` or its first) and open the first step,
    assigned to ``login`` (the receiving officer). None when the procedure has none."""
    entry = portal.processes.current(dossier.procedure_code)
    if entry is None:
        return None
    cases = entry["definition"]["cases"]
    chosen = next((c for c in cases if c["key"] == case), None) if case else cases[0]
    if chosen is None:
        raise StepInput(_("procedure ${code} has no case ${case}",
                          mapping={"code": dossier.procedure_code, "case": repr(case)}))
    procedure = portal.procedures.get(dossier.procedure_code)
    # NB: each case has its own legal time; the due date follows the case received.
    days = math.ceil(chosen["legal_days"])
    dossier.due_at = dossier.original_due_at = default_calendar().add_working_days(
        dossier.received_at.date(), days)
    run = Run(dossier.code, dossier.procedure_code, entry["version"], chosen["key"],
              procedure.field if procedure is not None else "", dossier.receiving_unit)
    portal.process_runs[dossier.code] = run
    step = _open(portal, run, dossier, 0, now)
    step.assigned, step.assigned_at, step.assigned_by = login, now, login
    portal.process_index.note(run, step)
    portal.process_index.count(now, run.field, "received_" + dossier.channel, dossier.code)
    portal.process_index.hold(dossier.code, run.field, dossier.due_at, now)
    return run


def steps_of(portal, run):
    return portal.processes.case(run.procedure, run.version, run.case)["steps"]


def derived_state(run, dossier):
    """The dossier-wide state from the run: the last transition fired by a finished step,
    paused while a step waits for a supplement; rejections and withdrawals stay as the
    workflow recorded them."""
    if dossier.state in ("rejected", "withdrawn"):
        return dossier.state
    current = run.current
    if current is not None and current.paused:
        return "supplement_requested"
    if not run.fired:
        return "received"
    return workflow.TRANSITIONS[run.fired[-1]].target


def _unit_of(definition, dossier):
    if definition["unit"] == RECEIVING:
        return dossier.receiving_unit
    return definition["unit"]


def _open(portal, run, dossier, index, now):
    definition = steps_of(portal, run)[index]
    worktime = portal_worktime(portal)
    step = StepRun(index, definition["key"], definition["name"], _unit_of(definition, dossier),
                   definition["role"], definition["minutes"], now,
                   worktime.add(now, definition["minutes"]))
    run.steps.append(step)
    return step


def portal_worktime(portal):
    # NB: one calendar for the whole centre, read from data; the portal argument keeps the
    # door open for per-centre hours without changing callers.
    return default_worktime()


def _current(run):
    step = run.current
    if step is None:
        raise StepError(_("this dossier has no open step"))
    return step


def _may_work(actor, step):
    if "admin" in actor.roles:
        return True
    return step.role in actor.roles and step.unit in actor.units


def _require_assignee(actor, step):
    if "admin" in actor.roles:
        return
    if step.assigned != actor.login:
        raise StepForbidden(_("this step is assigned to another officer"))


def claim(portal, run, actor, now):
    """Take a step that waits in the unit's queue."""
    step = _current(run)
    if step.assigned:
        raise StepError(_("this step is already assigned"))
    if not _may_work(actor, step):
        raise StepForbidden(_("this step is done by another role or unit"))
    step.assigned, step.assigned_at, step.assigned_by = actor.login, now, actor.login
    portal.process_index.note(run, step)
    return step


def assign(portal, run, actor, login, now):
    """A leader of the step's unit (or an admin) gives the step to a named officer, or puts
    it back in the queue (``login`` empty)."""
    step = _current(run)
    if not (actor.roles & MANAGING_ROLES and ("admin" in actor.roles or step.unit in actor.units)):
        raise StepForbidden(_("only a leader of the step's unit assigns it"))
    if login:
        user = portal.users.get(login)
        if user is None or not user.active or step.role not in user.roles \
                or user.unit_id != step.unit:
            raise StepInput(_("this officer cannot do this step"))
    if step.started_at is not None:
        raise StepError(_("work on this step has started"))
    step.assigned = login or None
    step.assigned_at = now if login else None
    step.assigned_by = actor.login if login else None
    portal.process_index.note(run, step)
    return step


def start(portal, run, actor, now):
    step = _current(run)
    _require_assignee(actor, step)
    if step.started_at is not None:
        raise StepError(_("work on this step has started"))
    step.started_at = now
    return step


def _close(portal, run, step, actor, now, outcome, note):
    worktime = portal_worktime(portal)
    step.ended_at, step.officer, step.outcome, step.note = now, actor.login, outcome, note
    if step.started_at is None:
        step.started_at = now
    portal.process_index.finished(run, step, worked_minutes(step, worktime))


def worked_minutes(step, worktime, until=None):
    """Working minutes the step has been held (arrival to end or ``until``), pauses out."""
    end = step.ended_at or until
    total = worktime.minutes_between(step.arrived_at, end)
    for pause_start, pause_end in step.pauses:
        total -= worktime.minutes_between(pause_start, min(pause_end or end, end))
    return max(total, 0)


def finish(portal, run, dossier, actor, now, note="", calendar=None, fired=False):
    """Finish the open step; fire its transition (unless ``fired``: the workflow has done
    it already, see :func:`follow`); open the next step (or close the run)."""
    step = _current(run)
    if not fired:
        _require_assignee(actor, step)
    if step.paused:
        raise StepError(_("the dossier waits for a supplement"))
    steps = steps_of(portal, run)
    definition = steps[step.index]
    transition = definition["transition"]
    nxt = step.index + 1 if step.index + 1 < len(steps) else None
    if transition is not None:
        extra = {}
        if transition == "transfer":
            extra["processing_unit"] = _unit_of(steps[nxt], dossier) if nxt is not None \
                else dossier.receiving_unit
        if not fired:
            workflow.fire(dossier, transition, actor, now, calendar, note=note,
                          unit=actor.unit, **extra)
        run.fired.append(transition)
        if transition == "approve":
            _count_resolved(portal, run, dossier, now)
    _close(portal, run, step, actor, now, "done", note)
    if nxt is None:
        run.closed = True
        portal.process_index.note(run, None)
        return None
    following = _open(portal, run, dossier, nxt, now)
    portal.process_index.note(run, following)
    return following


def _count_resolved(portal, run, dossier, now):
    day = now.date()
    # NB: only a late dossier can be rescheduled, so a rescheduled one counts as late.
    measure = "resolved_late" if dossier.rescheduled else "resolved_early" if day < dossier.due_at else (
        "resolved_on_time" if day == dossier.due_at else "resolved_late")
    portal.process_index.count(now, run.field, measure, dossier.code)
    portal.process_index.release(dossier.code, now)


def send_back(portal, run, dossier, actor, now, reason, to=None):
    """Send the dossier back to an earlier step of the same stage (after the last step that
    fired a transition), by default the step before; the reason is required."""
    step = _current(run)
    _require_assignee(actor, step)
    reason = (reason or "").strip()
    if not reason:
        raise StepInput(_("a reason is required for this action"))
    steps = steps_of(portal, run)
    if not steps[step.index]["send_back"]:
        raise StepError(_("this step cannot send a dossier back"))
    stage_start = max([i + 1 for i, s in enumerate(steps[:step.index]) if s["transition"]],
                      default=0)
    keys = [s["key"] for s in steps]
    target = keys.index(to) if to in keys else (step.index - 1 if not to else None)
    if target is None or not stage_start <= target < step.index:
        raise StepInput(_("a dossier goes back only to an earlier step of the same stage"))
    _close(portal, run, step, actor, now, "sent_back", reason)
    back = _open(portal, run, dossier, target, now)
    earlier = [s for s in run.steps[:-1] if s.index == target and s.officer]
    if earlier:
        back.assigned, back.assigned_at, back.assigned_by = earlier[-1].officer, now, actor.login
    portal.process_index.note(run, back)
    dossier.record("send_back", actor.login, now, actor.unit, dossier.state, dossier.state,
                   reason)
    return back


def pause(portal, run, dossier, actor, now, reason, calendar, fired=False):
    """Request a supplement: the workflow stops the dossier's clock, the step's stops too."""
    step = _current(run)
    if not fired:
        _require_assignee(actor, step)
        workflow.fire(dossier, "request_supplement", actor, now, calendar, note=reason,
                      unit=actor.unit)
    step.pauses.append([now, None])
    step.due_at = None
    portal.process_index.note(run, step)
    return step


def resume(portal, run, dossier, actor, now, calendar, note="", fired=False):
    """The supplement arrived: the step's clock runs again for the budget it had left."""
    step = _current(run)
    if not step.paused:
        raise StepError(_("the dossier does not wait for a supplement"))
    if not fired:
        workflow.fire(dossier, "receive_supplement", actor, now, calendar, note=note,
                      unit=actor.unit)
    step.pauses[-1] = [step.pauses[-1][0], now]
    worktime = portal_worktime(portal)
    left = max(step.budget_minutes - worked_minutes(step, worktime, until=now), 0)
    step.due_at = worktime.add(now, left)
    portal.process_index.note(run, step)
    portal.process_index.hold(dossier.code, run.field, dossier.due_at, now)
    return step


def reject(portal, run, dossier, actor, now, reason, calendar, fired=None):
    """Refuse the dossier at its open step (the workflow's ``reject``); ``fired`` names the
    closing transition (reject, withdraw) when the workflow has fired it already."""
    step = _current(run)
    if fired is None:
        _require_assignee(actor, step)
        workflow.fire(dossier, "reject", actor, now, calendar, note=reason, unit=actor.unit)
    outcome = {"withdraw": "withdrawn"}.get(fired, "rejected")
    _close(portal, run, step, actor, now, outcome, reason)
    run.closed = True
    portal.process_index.note(run, None)
    portal.process_index.release(dossier.code, now)
    portal.process_index.count(now, run.field, outcome, dossier.code)


def reschedule(portal, run, dossier, actor, now, reason, new_due, calendar):
    """A late dossier gets a new due date once (the apology letter gives it to the citizen)."""
    workflow.fire(dossier, "reschedule", actor, now, calendar, note=reason, unit=actor.unit,
                  new_due=new_due)
    portal.process_index.hold(dossier.code, run.field, dossier.due_at, now)
    portal.process_index.count(now, run.field, "rescheduled", dossier.code)


def follow(portal, dossier, action, actor, now, calendar, note=""):
    """Bring the run along after workflow action ``action`` was fired outside the engine
    (the dossier page's buttons): the open step is paused, resumed, finished (when it is
    the step whose transition this is) or closed; nothing happens for a dossier with no
    open run, or for an action that does not belong to its open step."""
    run = portal.process_runs.get(dossier.code)
    step = run.current if run is not None else None
    if step is None:
        return
    if action == "request_supplement" and not step.paused:
        pause(portal, run, dossier, actor, now, note, calendar, fired=True)
    elif action == "receive_supplement" and step.paused:
        resume(portal, run, dossier, actor, now, calendar, note, fired=True)
    elif action in ("reject", "withdraw"):
        reject(portal, run, dossier, actor, now, note, calendar, fired=action)
    elif action == "reschedule":
        portal.process_index.hold(dossier.code, run.field, dossier.due_at, now)
        portal.process_index.count(now, run.field, "rescheduled", dossier.code)
    elif steps_of(portal, run)[step.index]["transition"] == action:
        finish(portal, run, dossier, actor, now, note, calendar, fired=True)
