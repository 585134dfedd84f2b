"""How many dossiers are open, by field and due date, and how many each month closed with:
the national report's pending and carried-over figures without reading the open dossiers.

The open dossiers themselves (``StepIndex.pending``) grow with the store (4,260 open took
45 ms to split at each report, 0.7 s expected at a million stored); their counts per (field,
due date) are a few thousand numbers at most (fields × due days), split at any day by
summing them. :meth:`StepIndex.hold` and :meth:`StepIndex.release` keep them, and
:meth:`StepIndex.close_months` writes each closed month's counts beside its code sets.

NB: each count is a :class:`Length`, which resolves concurrent changes, so intakes due on
the same day do not conflict on it; only the first dossier of a (field, due date) adds a
key. A count that falls to zero is kept, not deleted: a transaction moving a dossier to
that due date at the same time would change a counter no longer in the tree, and no
conflict would say so. So the counts of ten years of due days are kept (40,000 for 11
fields), and a sum over them all would grow with the years (35 ms at ten); each field's
open dossiers are also counted in all (``totals``), the in-time ones are summed from the
due days on and after the bound (a few months of days), and the late ones are the rest.
"""
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from persistent import Persistent

IN_TIME, LATE = "pending_in_time", "pending_late"


def split_of(due, late_before):
    """``LATE`` for a dossier due before the date ``late_before``, else ``IN_TIME``."""
    return LATE if due < late_before else IN_TIME


class HeldCounts(Persistent):
    """The counts; this object's own record is written once, when it is made."""

    totals = None  # NB: made by the evolve step ``held-totals`` on stores made before it

    def __init__(self):
        self.by_due = OOBTree()   # (field, due ISO) → Length: dossiers open, due that day
        self.totals = OOBTree()   # field → Length: dossiers open in all
        self.closed = OOBTree()   # (month, field, IN_TIME|LATE) → dossiers open at its close

    def move(self, old, new):
        """A dossier counted under ``old`` ((field, due date), None: not counted) is now
        counted under ``new`` (None: no longer open)."""
        if old == new:
            return
        for held, change in ((old, -1), (new, 1)):
            if held is None:
                continue
            field, due = held
            for tree, key in ((self.by_due, (field, due.isoformat())), (self.totals, field)):
                counter = tree.get(key)
                if counter is None:
                    counter = tree[key] = Length()
                counter.change(change)

    def count_totals(self):
        """Make ``totals`` from the due days' counts (a store made before it)."""
        self.totals = OOBTree()
        for (field, _due), counter in self.by_due.items():
            if field not in self.totals:
                self.totals[field] = Length()
            self.totals[field].change(counter())

    def split(self, late_before):
        """{field: {IN_TIME: n, LATE: n}} of the open dossiers, late when due before the date
        ``late_before`` (fields with none open are left out)."""
        bound, out = late_before.isoformat(), {}
        for field, total in self.totals.items():
            count = total()
            if count:
                in_time = sum(counter() for counter in self.by_due.values(
                    min=(field, bound), max=(field, "\uffff")))
                out[field] = {IN_TIME: in_time, LATE: count - in_time}
        return out

    def write_close(self, month, counts):
        """Write down ``counts`` ({(field, split): n}) as what ``month`` closed with."""
        for (field, split), count in counts.items():
            self.closed[(month, field, split)] = count

    def at_close(self, month):
        """{field: {IN_TIME: n, LATE: n}} as ``month`` closed (see :meth:`write_close`)."""
        out = {}
        for (_m, field, split), count in self.closed.items(min=(month,), max=(month, "\uffff")):
            out.setdefault(field, dict.fromkeys((IN_TIME, LATE), 0))[split] = count
        return out
