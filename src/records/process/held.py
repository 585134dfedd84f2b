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
conflict would say so.
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

    def __init__(self):
        self.by_due = OOBTree()   # (field, due ISO) → Length: dossiers open, due that day
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
            key = (field, due.isoformat())
            counter = self.by_due.get(key)
            if counter is None:
                counter = self.by_due[key] = Length()
            counter.change(change)

    def split(self, late_before):
        """{field: {IN_TIME: n, LATE: n}} of the open dossiers, late when due before the date
        ``late_before`` (fields with none open are left out)."""
        bound, out = late_before.isoformat(), {}
        for (field, due), counter in self.by_due.items():
            count = counter()
            if count:
                splits = out.setdefault(field, dict.fromkeys((IN_TIME, LATE), 0))
                splits[split_of(due, bound)] += count
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
