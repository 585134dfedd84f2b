"""Per-step indexes and aggregates, kept in the same transaction as each step change.

No report reads every dossier: the open steps are indexed by code, due moment, unit queue
and officer; finished passages are summed per (month, procedure, step, step unit, receiving
unit) with an exact histogram of their working minutes (so the 90th percentile is exact),
and the codes behind every figure (drill-down). Monthly counters per field feed the national
report.
"""
from BTrees.IIBTree import IIBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from records.clock import TIMEZONE


class StepStat(Persistent):
    """Finished passages of one step in one month at one unit.

    NB: the sums are :class:`Length` objects, which resolve concurrent additions, so two
    officers finishing the same step at once do not conflict on them.
    """

    def __init__(self):
        self._count, self._minutes, self._late = Length(), Length(), Length()
        self.histogram = IIBTree()   # working minutes → passages
        self.codes = OOTreeSet()
        self.late_codes = OOTreeSet()

    count = property(lambda self: self._count())
    minutes = property(lambda self: self._minutes())
    late = property(lambda self: self._late())

    def add(self, code, minutes, late):
        self._count.change(1)
        self._minutes.change(minutes)
        self.histogram[minutes] = self.histogram.get(minutes, 0) + 1
        self.codes.add(code)
        if late:
            self._late.change(1)
            self.late_codes.add(code)


def month_of(moment):
    return f"{moment:%Y-%m}"


class StepIndex(Persistent):
    def __init__(self):
        self.open = OOBTree()      # code → dict of the open step (see :meth:`entry`)
        self.by_due = OOBTree()    # (due ISO, code) → 1, for open steps not paused
        self.queues = OOBTree()    # unit → codes waiting to be claimed
        self.mine = OOBTree()      # login → codes assigned to them
        self.stats = OOBTree()     # (month, procedure, step, unit, receiving unit) → StepStat
        self.monthly = OOBTree()   # (month, field, measure) → Length
        self.pending = OOBTree()   # code → (field, due date) of dossiers still open

    @staticmethod
    def entry(run, step):
        return {"procedure": run.procedure, "case": run.case, "field": run.field,
                "receiving_unit": run.receiving_unit, "step": step.key, "name": step.name,
                "unit": step.unit, "role": step.role, "officer": step.assigned,
                "arrived_at": step.arrived_at, "due_at": step.due_at,
                "budget": step.budget_minutes, "paused": step.paused}

    def forget(self, code):
        old = self.open.pop(code, None)
        if old is None:
            return
        if old["due_at"] is not None:
            self.by_due.pop((old["due_at"].isoformat(), code), None)
        bucket = self.mine if old["officer"] else self.queues
        codes = bucket.get(old["officer"] or old["unit"])
        if codes is not None and code in codes:
            codes.remove(code)

    def note(self, run, step):
        """Index ``run``'s open ``step`` (replacing what was indexed for the dossier)."""
        self.forget(run.code)
        if step is None:
            return
        entry = self.entry(run, step)
        self.open[run.code] = entry
        if step.due_at is not None:
            self.by_due[(step.due_at.isoformat(), run.code)] = 1
        bucket, key = (self.mine, step.assigned) if step.assigned else (self.queues, step.unit)
        codes = bucket.get(key)
        if codes is None:
            codes = bucket[key] = OOTreeSet()
        codes.add(run.code)

    def finished(self, run, step, minutes):
        key = (month_of(step.ended_at), run.procedure, step.key, step.unit, run.receiving_unit)
        stat = self.stats.get(key)
        if stat is None:
            stat = self.stats[key] = StepStat()
        stat.add(run.code, minutes, minutes > step.budget_minutes)

    def count(self, moment, field, measure, delta=1):
        key = (month_of(moment), field, measure)
        counter = self.monthly.get(key)
        if counter is None:
            counter = self.monthly[key] = Length()
        counter.change(delta)

    def counts(self):
        """((month, field, measure), count) for every monthly counter."""
        return ((key, counter()) for key, counter in self.monthly.items())

    def waiting_for(self, login):
        return list(self.mine.get(login, ()))

    def queued_at(self, unit):
        return list(self.queues.get(unit, ()))

    def due_between(self, start=None, end=None):
        """Codes of open steps due in [start, end), soonest first (a lazy iterator; aware
        datetimes, None: unbounded)."""
        lo = (start.astimezone(TIMEZONE).isoformat(), "") if start is not None else None
        hi = (end.astimezone(TIMEZONE).isoformat(), "") if end is not None else None
        return (code for (_due, code) in self.by_due.keys(min=lo, max=hi, excludemax=True))
