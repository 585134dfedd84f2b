"""Dossier states, transitions, their guards and the deadline clock.

The transition table is the single source of truth: the pages, the API and the tests all
read it. A transition names the states it leaves, the state it enters, the roles that may
fire it and the unit the officer must belong to (the receiving or the processing unit).
"""
from dataclasses import dataclass

from records import clock, errors, labels
from records.i18n import _

STATES = ("received", "in_processing", "supplement_requested", "result_ready", "returned",
          "rejected", "withdrawn")
OPEN_STATES = ("received", "in_processing", "supplement_requested", "result_ready")
CLOSED_STATES = ("returned", "rejected", "withdrawn")
WITHOUT_RESULT = ("rejected", "withdrawn")  # closed without a result (retention differs)
RATING_LEVELS = ("very_satisfied", "satisfied", "not_satisfied")  # a citizen's rating


class WorkflowError(errors.UserError):
    """A transition that is not allowed in the dossier's state; the message says why."""

    status = 409


class Forbidden(WorkflowError):
    """The user's role or unit does not allow the transition."""

    status = 403


class InvalidInput(WorkflowError):
    """The transition is allowed but its input (reason, unit, date) is missing or wrong."""

    status = 400


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple
    target: str  # None: the state does not change (reschedule)
    roles: tuple
    scope: tuple  # "receiving", "processing": which of the dossier's units the user must be in
    note_required: bool = False


TRANSITIONS = {t.name: t for t in (
    Transition("transfer", ("received",), "in_processing",
               ("receiving", "leader"), ("receiving",)),
    Transition("request_supplement", ("in_processing",), "supplement_requested",
               ("processing", "leader"), ("processing",), note_required=True),
    Transition("receive_supplement", ("supplement_requested",), "in_processing",
               ("receiving", "processing", "leader"), ("receiving", "processing")),
    Transition("approve", ("in_processing",), "result_ready",
               ("leader",), ("processing",)),
    Transition("return", ("result_ready",), "returned",
               ("receiving", "processing", "leader"), ("receiving", "processing")),
    Transition("reject", ("received", "in_processing", "supplement_requested"), "rejected",
               ("processing", "leader"), ("receiving", "processing"), note_required=True),
    Transition("withdraw", ("received", "in_processing", "supplement_requested"), "withdrawn",
               ("receiving", "leader"), ("receiving", "processing"), note_required=True),
    Transition("reschedule", ("in_processing", "supplement_requested"), None,
               ("leader",), ("processing", "receiving"), note_required=True),
)}


# In messages ("cannot ${action} a dossier in state ${state}"), from records.labels.
ACTION_VERBS = labels.ACTIONS
STATE_LABELS = labels.STATES_IN_TEXT


@dataclass(frozen=True)
class Actor:
    """Who acts: login, roles, their own unit and the unit ids it covers (itself + below)."""
    login: str
    roles: frozenset
    units: frozenset
    unit: str = None


def in_scope(actor, dossier, scope):
    if "admin" in actor.roles:
        return True
    wanted = {"receiving": dossier.receiving_unit, "processing": dossier.processing_unit}
    return any(wanted[s] in actor.units for s in scope if wanted[s])


def allowed(actor, dossier, name):
    """True when ``actor`` may fire transition ``name`` on ``dossier`` now."""
    try:
        check(actor, dossier, TRANSITIONS[name])
    except WorkflowError:
        return False
    return True


def available(actor, dossier):
    return [name for name in TRANSITIONS if allowed(actor, dossier, name)]


def check(actor, dossier, transition):
    if dossier.state not in transition.sources:
        raise WorkflowError(_("cannot ${action} a dossier in state ${state}",
                                mapping={"action": ACTION_VERBS[transition.name],
                                         "state": STATE_LABELS.get(dossier.state,
                                                                   dossier.state)}))
    if transition.name == "reschedule" and dossier.rescheduled:
        raise WorkflowError(_("a dossier can be rescheduled only once"))
    if "admin" in actor.roles:
        return
    if not set(transition.roles) & set(actor.roles):
        raise Forbidden(_("your role may not ${action}",
                          mapping={"action": ACTION_VERBS[transition.name]}))
    if not in_scope(actor, dossier, transition.scope):
        raise Forbidden(_("this dossier is not handled by your unit"))


def fire(dossier, name, actor, now, calendar, note="", unit=None, processing_unit=None,
         new_due=None):
    """Fire transition ``name``: check, change state and clock, append to the history.

    ``unit`` is the unit the actor acts at (recorded); ``processing_unit`` is needed by
    ``transfer``, ``new_due`` (a date) by ``reschedule``.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise InvalidInput(_("unknown action ${name}", mapping={"name": repr(name)}))
    check(actor, dossier, transition)
    note = (note or "").strip()
    if transition.note_required and not note:
        raise InvalidInput(_("a reason is required for this action"))
    before = dossier.state
    today = now.date()
    if name == "transfer":
        if not processing_unit:
            raise InvalidInput(_("choose the department that will process the dossier"))
        dossier.processing_unit = processing_unit
    elif name == "request_supplement":
        dossier.paused_at = now
        dossier.supplement_note = note
    elif name == "receive_supplement":
        paused = calendar.working_days_between(dossier.paused_at.date(), today)
        dossier.paused_days += paused
        dossier.due_at = calendar.add_working_days(dossier.due_at, paused)
        if dossier.rescheduled:  # the legal due date is paused too (see legal_due)
            previous = calendar.add_working_days(dossier.rescheduled["previous_due"], paused)
            dossier.rescheduled = {**dossier.rescheduled, "previous_due": previous}
        dossier.paused_at = None
        dossier.supplement_note = None
    elif name == "approve":
        drafts = [r for r in dossier.results if r.status == "draft"]
        if not drafts:
            raise WorkflowError(_("attach a result before approving"))
        for result in drafts:
            result.status = "approved"
            result.approved_by = actor.login
            result.approved_at = now
    elif name == "reschedule":
        if not is_overdue(dossier, today):
            raise WorkflowError(_("only a late dossier can be rescheduled"))
        if new_due is None or new_due <= today:
            raise InvalidInput(_("give a new due date after today"))
        dossier.rescheduled = {"reason": note, "by": actor.login, "at": now,
                               "previous_due": dossier.due_at}
        dossier.due_at = new_due
    if transition.target is not None:
        dossier.state = transition.target
    if dossier.state in CLOSED_STATES and dossier.closed_at is None:
        dossier.closed_at = now
    dossier.record(name, actor.login, now, unit, before, dossier.state, note)
    return dossier


def is_overdue(dossier, today=None):
    """Late: still open and past its due date (the clock is stopped while paused)."""
    today = today or clock.today()  # NB: the portal's clock (UTC+7), not the server's date
    if dossier.state not in OPEN_STATES or dossier.state == "result_ready":
        return False
    if dossier.paused_at is not None:
        return dossier.paused_at.date() > dossier.due_at
    return today > dossier.due_at


def legal_due(dossier):
    """The due date the law sets: the procedure's time from receipt, plus the time paused
    for supplements, but not moved by a reschedule (a late dossier stays late)."""
    return dossier.rescheduled["previous_due"] if dossier.rescheduled else dossier.due_at


def finished_on_time(dossier):
    """For closed dossiers: was the result ready by the legal due date?"""
    for entry in dossier.history:
        if entry["to"] == "result_ready":
            return entry["at"].date() <= legal_due(dossier)
    return None
