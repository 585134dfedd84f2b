"""Internal processes (quy trình nội bộ) as data: their shape and their validation.

A process belongs to a procedure and holds one or more cases (trường hợp), each with its own
legal time and its ordered steps::

    {"procedure": "1.000894", "cases": [{"key": "standard", "name": "...", "legal_days": 1,
      "steps": [{"key": "receive", "name": "...", "unit": "receiving", "role": "receiving",
                 "budget": {"hours": 1}, "send_back": false, "transition": "transfer"}, ...]}]}

``unit`` is ``"receiving"`` (the dossier's receiving unit) or a unit identifier. A step's
``transition`` names the dossier-wide workflow transition fired when the step is finished:
``transfer`` (to the next step's unit), ``approve``, ``return``; the dossier's global state
is derived from them (see :func:`records.process.engine.derived_state`).
"""
from records.errors import UserError
from records.i18n import _

STEP_ROLES = ("receiving", "processing", "leader")
TRANSITIONS = ("transfer", "approve", "return")
RECEIVING = "receiving"


class ProcessInvalid(UserError):
    """A process definition that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(self.problems[0])


def _text(value):
    return value.strip() if isinstance(value, str) else ""


def validate(definition, procedure, unit_ids, worktime):
    """The normalised definition, or :class:`ProcessInvalid` naming every problem.

    Checks: at least one case, unique keys, known units and roles, positive budgets in days
    or hours, send-back only after a first step, the transitions in order (transfer before
    approve, return last), and that each case's budgets fit in its legal time.
    """
    problems = []
    if not isinstance(definition, dict):
        raise ProcessInvalid([_("a process is a JSON object with its cases")])
    cases = definition.get("cases")
    if not isinstance(cases, list) or not cases:
        raise ProcessInvalid([_("a process needs at least one case")])
    out_cases, case_keys = [], set()
    for number, case in enumerate(cases, start=1):
        if not isinstance(case, dict):
            problems.append(_("case ${n} is not an object", mapping={"n": number}))
            continue
        key = _text(case.get("key"))
        if not key or key in case_keys:
            problems.append(_("case ${n} needs a unique key", mapping={"n": number}))
        case_keys.add(key)
        legal = case.get("legal_days", procedure.days)
        if not isinstance(legal, (int, float)) or isinstance(legal, bool) or legal < 0:
            problems.append(_("case ${case}: the legal time is not a number of working days",
                              mapping={"case": key}))
            legal = 0
        steps = _steps(key, case.get("steps"), unit_ids, worktime, problems)
        budget = sum(s["minutes"] for s in steps)
        legal_minutes = int(round(legal * worktime.minutes_per_day))
        if steps and budget > legal_minutes:
            problems.append(_("case ${case}: the steps take ${budget} working hours, more than "
                              "the legal time of ${legal} working days",
                              mapping={"case": key, "budget": _hours(budget),
                                       "legal": _number(legal)}))
        out_cases.append({"key": key, "name": _text(case.get("name")) or key,
                          "legal_days": legal, "legal_minutes": legal_minutes,
                          "steps": steps})
    if problems:
        raise ProcessInvalid(problems)
    return {"procedure": procedure.code, "cases": out_cases}


def _steps(case, steps, unit_ids, worktime, problems):
    if not isinstance(steps, list) or not steps:
        problems.append(_("case ${case} needs at least one step", mapping={"case": case}))
        return []
    out, keys, fired = [], set(), []
    for number, step in enumerate(steps, start=1):
        where = {"case": case, "n": number}
        if not isinstance(step, dict):
            problems.append(_("case ${case}, step ${n} is not an object", mapping=where))
            continue
        key = _text(step.get("key"))
        if not key or key in keys:
            problems.append(_("case ${case}, step ${n} needs a unique key", mapping=where))
        keys.add(key)
        name = _text(step.get("name"))
        if not name:
            problems.append(_("case ${case}, step ${n} needs a name", mapping=where))
        unit = _text(step.get("unit"))
        if unit != RECEIVING and unit not in unit_ids:
            problems.append(_("case ${case}, step ${n}: unknown unit ${unit}",
                              mapping={**where, "unit": repr(unit)}))
        role = step.get("role")
        if role not in STEP_ROLES:
            problems.append(_("case ${case}, step ${n}: the role must be one of ${roles}",
                              mapping={**where, "roles": ", ".join(STEP_ROLES)}))
        budget = step.get("budget")
        minutes = _budget(budget)
        if minutes is None:
            problems.append(_("case ${case}, step ${n}: the budget is {\"days\": n} or "
                              "{\"hours\": n}, more than zero", mapping=where))
            minutes, budget = 0, {"hours": 0}
        else:
            minutes = worktime.budget_minutes(budget)
        send_back = bool(step.get("send_back", False))
        if send_back and number == 1:
            problems.append(_("case ${case}: the first step cannot send a dossier back",
                              mapping=where))
        transition = step.get("transition") or None
        if transition is not None:
            if transition not in TRANSITIONS or transition in fired:
                problems.append(_("case ${case}, step ${n}: unknown or repeated transition",
                                  mapping=where))
            fired.append(transition)
        out.append({"key": key, "name": name, "unit": unit, "role": role,
                    "budget": dict(budget), "minutes": minutes, "send_back": send_back,
                    "transition": transition})
    if fired != [t for t in TRANSITIONS if t in fired] or "return" not in fired \
            or "approve" not in fired or (out and out[-1]["transition"] != "return"):
        problems.append(_("case ${case}: the steps must transfer (optional), then approve, and "
                          "return the result in the last step", mapping={"case": case}))
    return out


def _budget(budget):
    if not isinstance(budget, dict) or len(budget) != 1:
        return None
    (unit, value), = budget.items()
    if unit not in ("days", "hours") or isinstance(value, bool) \
            or not isinstance(value, (int, float)) or value <= 0:
        return None
    return value


def _number(value):
    return f"{value:g}"


def _hours(minutes):
    return f"{minutes / 60:g}"
