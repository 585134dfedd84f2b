"""What the pages and the API share: step actions by name, the officer's work list, saving
a new process version. Callers check the route's permission; these check the rest."""
import datetime

from records import clock
from records.calendar import default_calendar
from records.i18n import _
from records.process import engine
from records.process.definitions import validate
from records.process.engine import StepError, StepInput
from records.process.run import timeliness
from records.process.worktime import default_worktime
from records.security import can_see_dossier

ACTIONS = ("claim", "assign", "start", "finish", "send_back", "pause", "resume", "reject",
           "reschedule")


def run_of(portal, dossier):
    run = portal.process_runs.get(dossier.code)
    if run is None:
        raise StepError(_("this dossier follows no internal process"))
    return run


def act(portal, dossier, actor, body, now):
    """Fire step action ``body["action"]`` (with ``note``, ``officer``, ``to``, ``new_due``)."""
    name = body.get("action")
    if name not in ACTIONS:
        raise StepInput(_("unknown action ${name}", mapping={"name": repr(name)}))
    run = run_of(portal, dossier)
    note = str(body.get("note") or "").strip()
    cal = default_calendar()
    if name == "claim":
        return engine.claim(portal, run, actor, now)
    if name == "assign":
        return engine.assign(portal, run, actor, str(body.get("officer") or ""), now)
    if name == "start":
        return engine.start(portal, run, actor, now)
    if name == "finish":
        return engine.finish(portal, run, dossier, actor, now, note, cal)
    if name == "send_back":
        return engine.send_back(portal, run, dossier, actor, now, note, body.get("to") or None)
    if name == "pause":
        return engine.pause(portal, run, dossier, actor, now, note, cal)
    if name == "resume":
        return engine.resume(portal, run, dossier, actor, now, cal, note)
    if name == "reject":
        return engine.reject(portal, run, dossier, actor, now, note, cal)
    try:
        new_due = datetime.date.fromisoformat(str(body.get("new_due") or ""))
    except ValueError:
        raise StepInput(_("give a new due date after today")) from None
    return engine.reschedule(portal, run, dossier, actor, now, note, new_due, cal)


def step_json(step):
    def iso(value):
        return value.isoformat() if value is not None else None
    return {"key": step.key, "name": step.name, "unit": step.unit, "role": step.role,
            "budget_minutes": step.budget_minutes, "arrived_at": iso(step.arrived_at),
            "due_at": iso(step.due_at), "assigned": step.assigned,
            "assigned_at": iso(step.assigned_at), "started_at": iso(step.started_at),
            "ended_at": iso(step.ended_at), "officer": step.officer, "outcome": step.outcome,
            "note": step.note, "paused": step.paused,
            "pauses": [[iso(a), iso(b)] for a, b in step.pauses]}


def minutes_left(step, now, worktime):
    """Working minutes until the open ``step`` is due (negative: late; None: paused)."""
    if step.due_at is None:
        return None
    if step.due_at >= now:
        return worktime.minutes_between(now, step.due_at)
    return -worktime.minutes_between(step.due_at, now)


def step_history(run, now):
    """Every passage of ``run`` with the working minutes it took (so far, for the open one)
    against its budget and, for a finished one, whether it was early, on time or late; the
    open step with the working minutes left."""
    worktime = default_worktime()
    passages = []
    for step in run.steps:
        taken = engine.worked_minutes(step, worktime, until=None if step.ended_at else now)
        passages.append({"step": step, "taken_minutes": taken,
                         "over_budget": taken > step.budget_minutes,
                         "timeliness": timeliness(step) if step.outcome == "done" else None})
    current = run.current
    return {"passages": passages, "current": current,
            "minutes_left": minutes_left(current, now, worktime) if current else None}


def run_json(portal, run, dossier, now=None):
    history = step_history(run, now or clock.now())
    steps = []
    for passage in history["passages"]:
        steps.append({**step_json(passage["step"]), "taken_minutes": passage["taken_minutes"],
                      "over_budget": passage["over_budget"],
                      "timeliness": passage["timeliness"]})
    current = history["current"]
    return {"code": run.code, "procedure": run.procedure, "version": run.version,
            "case": run.case, "closed": run.closed, "state": dossier.state,
            "derived_state": engine.derived_state(run, dossier), "steps": steps,
            "current": None if current is None else {
                "key": current.key, "name": current.name, "unit": current.unit,
                "assigned": current.assigned, "due_at": step_json(current)["due_at"],
                "paused": current.paused, "minutes_left": history["minutes_left"]}}


def work_items(portal, actor, now):
    """Open steps assigned to ``actor`` and those waiting in the queues of the units they
    may work for; each with the working minutes left (negative: late), late first."""
    index = portal.process_index
    worktime = default_worktime()
    found = {code: "mine" for code in index.waiting_for(actor.login)}
    for unit in sorted(actor.units):
        for code in index.queued_at(unit):
            entry = index.open.get(code)
            if entry and (entry["role"] in actor.roles or "admin" in actor.roles):
                found.setdefault(code, "queue")
    items = []
    for code, where in found.items():
        entry = index.open.get(code)
        dossier = portal.dossiers.get(code)
        if entry is None or dossier is None:
            continue
        if where == "queue" and not can_see_dossier(actor, dossier):
            continue
        run = portal.process_runs[code]
        left = minutes_left(run.current, now, worktime)
        may_send_back = engine.steps_of(portal, run)[run.current.index]["send_back"]
        items.append({"code": code, "where": where, "procedure": entry["procedure"],
                      "send_back": may_send_back,
                      "step": entry["step"], "name": entry["name"], "unit": entry["unit"],
                      "officer": entry["officer"], "due_at": entry["due_at"],
                      "minutes_left": left, "late": left is not None and left < 0,
                      "paused": entry["paused"], "state": dossier.state})
    items.sort(key=lambda i: (not i["late"], i["minutes_left"] is None,
                              i["minutes_left"] or 0, i["code"]))
    return items


def save_version(portal, code, definition, actor, now, note=""):
    """Validate and keep a new version of procedure ``code``'s process."""
    procedure = portal.procedures.get(code)
    if procedure is None:
        raise KeyError(code)
    if not isinstance(definition, dict):
        definition = {}
    checked = validate({**definition, "procedure": code}, procedure, set(portal.units.keys()),
                       default_worktime())
    return portal.processes.add(checked, actor.login, now, note)


def editable(definition):
    """A kept definition as an admin edits it (without the derived minutes)."""
    return {"cases": [{"key": c["key"], "name": c["name"], "legal_days": c["legal_days"],
                       "steps": [{k: s[k] for k in ("key", "name", "unit", "role", "budget",
                                                    "send_back", "transition")}
                                 for s in c["steps"]]}
                      for c in definition["cases"]]}

