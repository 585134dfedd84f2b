"""Per-step indexes and aggregates, kept in the same transaction as each step change.

No report reads every dossier: the open steps are indexed by code, due moment, unit queue
and officer; finished passages are summed per (month, procedure, step, step unit, receiving
unit) with an exact histogram of their working minutes (so the 90th percentile is exact),
and the codes behind every figure (drill-down). Monthly counters per field, with the codes
behind each, feed the national report; its pending figures come from the open dossiers'
counts by (field, due date) and each closed month's counts (:mod:`records.process.held`).

Past months keep their pending split: the open dossiers are written down as each month
closed them (in time or late by its last day), so a dossier moving on later does not change
a month already over. A periodic task (``records.close_month``, Celery beat; ``records run``
embeds it) does that writing just after midnight on a month's first day; the write path
only checks that it was done (one read), and does it itself in the rare change that comes
first (see :meth:`StepIndex.close_months`).

NB: the indexes every new dossier writes (open steps, due moments, pending dossiers, unit
queues, monthly codes) are spread over shards (:mod:`records.spread`): their keys
are dossier codes and due dates, which grow with time, and in one BTree every intake would
write the same last bucket, whose splits conflict with every intake in flight.
"""
import datetime

from BTrees.IIBTree import IIBTree
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from records.clock import TIMEZONE
from records.process.held import IN_TIME, LATE, HeldCounts, split_of
from records.spread import SpreadSet, SpreadTree

SET_SHARDS = 8  # NB: a monthly code set exists per (month, field, measure): keep them small


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


def _next(month):
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def previous_month(month):
    year, number = int(month[:4]), int(month[5:])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def months_after(first, stop):
    """Months from ``first`` up to ``stop`` (excluded), 'YYYY-MM' strings."""
    out = []
    while first < stop:
        out.append(first)
        first = _next(first)
    return out


def month_end(month):
    """The first day of the month after ``month``: what is due before it is late when
    ``month`` closes."""
    return datetime.date.fromisoformat(_next(month) + "-01")


def pending_split(due, month):
    """How a dossier due on ``due`` stands when ``month`` closes: late when due before the
    first day of the next month."""
    return split_of(due, month_end(month))


class OpenStep(dict):
    """What :meth:`StepIndex.entry` keeps of a dossier's open step (a dict).

    NB: ordered: a BTree bucket merges concurrent changes only when its values compare
    with "<", which a plain dict refuses, so a bucket of plain dicts never merged (every
    two intakes meeting in one bucket conflicted)."""

    def _order(self):
        return repr(sorted(self.items()))

    def __lt__(self, other):
        return self._order() < OpenStep._order(other)

    def __gt__(self, other):
        return self._order() > OpenStep._order(other)


class StepIndex(Persistent):
    def __init__(self):
        self.open = SpreadTree()   # code → dict of the open step (see :meth:`entry`)
        self.by_due = SpreadTree()  # (due ISO, code) → 1, for open steps not paused
        self.queues = OOBTree()    # unit → codes waiting to be claimed (SpreadSet)
        self.mine = OOBTree()      # login → codes assigned to them (SpreadSet)
        self.stats = OOBTree()     # (month, procedure, step, unit, receiving unit) → StepStat
        self.monthly = OOBTree()   # (month, field, measure) → Length
        self.pending = SpreadTree()  # code → (field, due date) of dossiers still open
        self.monthly_codes = OOBTree()  # (month, field, measure) → codes (SpreadSet)
        self.closes = OOBTree()    # (month, field, "pending_in_time"|"pending_late") → codes
        self.closed_months = OOTreeSet()  # months whose open dossiers are in ``closes``
        self.held = HeldCounts()   # ``pending`` and ``closes`` counted (records.process.held)
        self.last_month = None     # month of the last change (None: no change yet)

    @staticmethod
    def entry(run, step):
        return OpenStep({"procedure": run.procedure, "case": run.case, "field": run.field,
                "receiving_unit": run.receiving_unit, "step": step.key, "name": step.name,
                "unit": step.unit, "role": step.role, "officer": step.assigned,
                "arrived_at": step.arrived_at, "due_at": step.due_at,
                "budget": step.budget_minutes, "paused": step.paused})

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
            codes = bucket[key] = SpreadSet()
        codes.add(run.code)

    def finished(self, run, step, minutes):
        key = (month_of(step.ended_at), run.procedure, step.key, step.unit, run.receiving_unit)
        stat = self.stats.get(key)
        if stat is None:
            stat = self.stats[key] = StepStat()
        stat.add(run.code, minutes, minutes > step.budget_minutes)

    def count(self, moment, field, measure, code):
        """Count dossier ``code`` under ``measure`` in ``moment``'s month."""
        self._closed_before(moment)
        key = (month_of(moment), field, measure)
        counter = self.monthly.get(key)
        if counter is None:
            counter = self.monthly[key] = Length()
        counter.change(1)
        codes = self.monthly_codes.get(key)
        if codes is None:
            codes = self.monthly_codes[key] = SpreadSet(SET_SHARDS)
        codes.add(code)

    def hold(self, code, field, due, moment):
        """Dossier ``code`` is open, due on ``due`` (a date), as of ``moment``."""
        self._closed_before(moment)
        old, new = self.pending.get(code), (field, due)
        if old != new:
            self.pending[code] = new
            self.held.move(old, new)

    def release(self, code, moment):
        """Dossier ``code`` is no longer open (resolved, refused, withdrawn)."""
        self._closed_before(moment)
        self.held.move(self.pending.pop(code, None), None)

    def _closed_before(self, moment):
        # NB: the write path's one check (a read of ``last_month``). The periodic task has
        # closed the months before ``moment``'s, unless this change comes first in its
        # month (between midnight and the task's next run, or with no worker running):
        # then it closes them itself, as every change once did, because what the month
        # closed with is the open dossiers before any change of the next month.
        last = self.last_month
        if last is None or month_of(moment) > last:
            self.close_months(moment)

    def close_months(self, moment):
        """Write down the open dossiers as each month from the last one changed up to
        ``moment``'s (excluded) closed them (nothing changed since); returns those months.

        Idempotent: a second call in the same month does nothing and writes nothing. Run by
        the periodic task just after a month ends, so that the first change of the new
        month (an intake) does not pay for it (342 ms for 3,034 open dossiers) nor make
        every concurrent change conflict on this object."""
        month = month_of(moment)
        last = self.last_month
        if last is not None and month <= last:
            return []
        closed = []
        if last is None and not self.pending:
            # NB: the first change of all: the month before closed with nothing open.
            self.closed_months.add(previous_month(month))
        if last is not None:
            for closing in months_after(last, month):
                self.closed_months.add(closing)
                closed.append(closing)
                counts = {}
                for code, (field, due) in self.pending.items():
                    split = pending_split(due, closing)
                    counts[field, split] = counts.get((field, split), 0) + 1
                    codes = self.closes.get((closing, field, split))
                    if codes is None:
                        codes = self.closes[closing, field, split] = OOTreeSet()
                    codes.add(code)
                self.held.write_close(closing, counts)
        self.last_month = month
        return closed

    def open_split(self, late_before, counted=False):
        """{field: {"pending_in_time": codes, "pending_late": codes}} of the dossiers open
        now, late when due before the date ``late_before``; with ``counted``, how many
        instead of which (from the counts: no open dossier is read)."""
        if counted:
            return self.held.split(late_before)
        out = {}
        for code, (field, due) in self.pending.items():
            out.setdefault(field, {IN_TIME: set(), LATE: set()})[
                split_of(due, late_before)].add(code)
        return out

    def pending_at_end(self, month, counted=False):
        """{field: {"pending_in_time": codes, "pending_late": codes}} of the dossiers open
        when ``month`` ('YYYY-MM', over) closed (``counted``: how many, see
        :meth:`open_split`); None when that is not known (the month is over, closed before
        these indexes kept it)."""
        if self.last_month is None or self.last_month <= month:
            # NB: nothing changed since the month ended: the open dossiers are its own.
            return self.open_split(month_end(month), counted)
        if month not in self.closed_months:
            return None
        if counted:
            return self.held.at_close(month)
        out = {}
        for (_m, field, split), codes in self.closes.items(min=(month,), max=(month, "\uffff")):
            out.setdefault(field, {IN_TIME: set(), LATE: set()})[split].update(codes)
        return out

    def codes(self, month, field, measure):
        return set(self.monthly_codes.get((month, field, measure), ()))

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
