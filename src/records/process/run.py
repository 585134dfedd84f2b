"""A dossier's run through its process: one record per step passage.

``Run`` pins the process version and case; ``steps`` lists every passage in order (a step
sent back to is passed again, so it appears twice). A passage records when it arrived, who
was assigned and when, when work started and ended, the officer, the outcome (``done``,
``sent_back``, ``rejected``), the note, and the pauses for a supplement.
"""
from persistent import Persistent
from persistent.list import PersistentList


class StepRun(Persistent):
    def __init__(self, index, key, name, unit, role, budget_minutes, arrived_at, due_at):
        self.index = index              # position of the step in the case's definition
        self.key = key
        self.name = name
        self.unit = unit                # the resolved unit identifier
        self.role = role
        self.budget_minutes = budget_minutes
        self.arrived_at = arrived_at
        self.due_at = due_at            # None while paused
        self.assigned = None            # login
        self.assigned_at = None
        self.assigned_by = None
        self.started_at = None
        self.ended_at = None
        self.officer = None             # who finished it
        self.outcome = None
        self.note = ""
        self.pauses = PersistentList()  # [start, end] pairs; end None while paused

    @property
    def open(self):
        return self.ended_at is None

    @property
    def paused(self):
        return bool(self.pauses) and self.pauses[-1][1] is None


class Run(Persistent):
    def __init__(self, code, procedure, version, case, field, receiving_unit):
        self.code = code
        self.procedure = procedure
        self.version = version
        self.case = case
        self.field = field
        self.receiving_unit = receiving_unit
        self.steps = PersistentList()
        self.fired = PersistentList()   # workflow transitions fired by finished steps
        self.closed = False

    @property
    def current(self):
        if self.steps and self.steps[-1].open:
            return self.steps[-1]
        return None


def timeliness(step):
    """``early`` (finished on a day before the one it was due), ``done`` (on time) or
    ``late`` (after its due moment) for a finished step; ``done`` when it had no due
    moment (paused at the end)."""
    if step.ended_at is None or step.due_at is None:
        return "done"
    if step.ended_at > step.due_at:
        return "late"
    return "early" if step.ended_at.date() < step.due_at.date() else "done"
