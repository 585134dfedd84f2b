"""The dossier catalog: indexes kept in the same transaction as each change.

No page reads every dossier: the lists, the start page, the API list, the archive and the
dashboard ask this catalog, which holds per dossier a small summary (:class:`Entry`) and
BTree indexes over it (by state, unit, procedure, received time, due date, closing date,
code tail, folded name tokens), plus per-month counters for the figures. Substance D does
the same with hypatia; plain BTrees are enough for equality, ranges and sorting here.

``Dossier.record`` (every change goes through it) calls :meth:`Catalog.index`.

The dashboard's counters (:class:`Tally`): per month and (receiving, processing) unit pair,
figure → count, the diff of :func:`records.reports.figures.counted` for the entry before and
after each change; per (state, receiving, processing) of the open dossiers, due month →
count. A month or a year then reads a few dozen tallies instead of every entry.
"""
import datetime
import itertools
from collections import namedtuple

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree, OOTreeSet
from persistent import Persistent

from records.reports.figures import counted, month_days, month_index
from records.spread import SpreadSet, SpreadTree, intersection, union
from records.textnorm import fold
from records.workflow import CLOSED_STATES, OPEN_STATES, WITHOUT_RESULT, legal_due

# NB: below this many candidates, sorting them beats walking the date index.
SORT_LIMIT = 5000
ALWAYS_LATE = 0  # due ordinal of a dossier that was already late when its clock stopped

Entry = namedtuple("Entry", "state receiving processing procedure received due closed "
                            "channel names received_day ready on_time returned electronic "
                            "rating rated files reuses ingested refs disposed",
                   defaults=((), False))
# NB: the figure fields (received_day … reuses) let the dashboard count a period from the
# entries alone, without opening a dossier: days are ordinals, ``files`` is "none", "some"
# (not every file read yet) or "all" (every file read); ``reuses`` the day ordinals of the
# reuses (a reuse counts in the period it happened); ``ingested`` marks a backlog record,
# which the figures leave out. ``refs`` are the file ids the dossier reuses by reference
# and ``disposed`` says it was disposed of (the archive's indexes). NB: the defaults let
# entries stored before these fields load; the "archive-indexes" evolve step rewrites them.
EVENTS = ("ready", "returned", "rated")
HOT_TREES = ("entries", "received", "late", "tails")  # spread: every intake inserts
# NB: the code sets every intake inserts into (its state's, its unit's, its procedure's, its
# name words', its (state, unit)'s): a new code sorts last among its unit's, so in one
# OOTreeSet every intake at a unit wrote the same last bucket and walked (and locked to
# read current, see records.store) the same tree nodes. Spread like the hot trees, over
# fewer shards: there is one set per state, unit, procedure and name word.
CODE_SETS = ("by_state", "by_unit", "by_procedure", "by_name", "by_state_unit")
CODE_SHARDS = 8


def new_codes(codes=()):
    """A code set of the :data:`CODE_SETS` indexes."""
    return SpreadSet(CODE_SHARDS, keys=codes)


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _received_key(dossier):
    """Newest first: the negated timestamp sorts the latest dossier first."""
    return -dossier.received_at.timestamp()


def _late_from(dossier):
    """The due ordinal past which the dossier counts as late, or None when it cannot be
    (closed, result ready, or paused before its due date): see workflow.is_overdue."""
    if dossier.state not in OPEN_STATES or dossier.state == "result_ready":
        return None
    due = dossier.due_at
    if dossier.paused_at is not None:
        return ALWAYS_LATE if dossier.paused_at.date() > due else None
    return due.toordinal()


def _first_day(dossier, action):
    for line in dossier.history:
        if line["action"] == action or line["to"] == action:
            return _day(line["at"])
    return None


def _files(dossier):
    versions = [v for c in dossier.ordered_components() for v in c.versions]
    if not versions:
        return "none"
    return "all" if all(v.reading.state == "done" for v in versions) else "some"


def _ordinal(day):
    return day.toordinal() if day is not None else None


def entry_of(dossier):
    closed = _day(dossier.closed_at)
    ready, returned = _first_day(dossier, "result_ready"), _first_day(dossier, "returned")
    rating = dossier.rating
    return Entry(dossier.state, dossier.receiving_unit, dossier.processing_unit,
                 dossier.procedure_code, _received_key(dossier), _late_from(dossier),
                 _ordinal(closed), dossier.channel,
                 tuple(sorted(set(fold(dossier.applicant.get("name", "")).split()))),
                 _day(dossier.received_at).toordinal(), _ordinal(ready),
                 ready is not None and ready <= legal_due(dossier), _ordinal(returned),
                 bool(dossier.returned_electronically),
                 rating["level"] if rating else None,
                 _ordinal(_day(rating["at"])) if rating else None,
                 _files(dossier),
                 tuple(sorted({_day(line["at"]).toordinal() for line in dossier.history
                               if line["action"] == "reuse"})),
                 bool(getattr(dossier, "ingested", False)),
                 tuple(sorted({c.reference["file_id"] for c in dossier.ordered_components()
                               if c.reference and c.reference.get("file_id")})),
                 any(line["action"] == "dispose" for line in dossier.history))


# NB: the entry fields counted() reads; an entry change that keeps them all changes no tally.
COUNTED = ("received_day", "channel", "files", "reuses", "ready", "on_time", "returned",
           "electronic", "rating", "rated", "ingested", "receiving", "processing")
NEVER_LATE = None  # the due month of an open dossier that cannot be late (see _late_from)


def month_of_day(ordinal):
    return month_index(datetime.date.fromordinal(ordinal))


def _due_month(due):
    if due is None:
        return NEVER_LATE
    return -1 if due < 1 else month_of_day(due)  # NB: ALWAYS_LATE is before every month


def _pair(e):
    return e.receiving or "", e.processing or ""


def _period_deltas(old, new):
    """{(month, receiving, processing): {figure: delta}} from ``old`` to ``new`` entries."""
    deltas = {}
    for entry, sign in ((old, -1), (new, 1)):
        if entry is None or entry.ingested:
            continue
        days = {entry.received_day, entry.ready, entry.returned, entry.rated, *entry.reuses}
        for month in {month_of_day(day) for day in days if day is not None}:
            cell = deltas.setdefault((month, *_pair(entry)), {})
            for figure, times in counted(entry, *month_days(month)):
                cell[figure] = cell.get(figure, 0) + sign * times
    return deltas


def _open_deltas(old, new):
    """{(state, receiving, processing): {due month: delta}} of the open dossiers."""
    deltas = {}
    for entry, sign in ((old, -1), (new, 1)):
        if entry is not None and entry.state in OPEN_STATES:
            cell = deltas.setdefault((entry.state, *_pair(entry)), {})
            month = _due_month(entry.due)
            cell[month] = cell.get(month, 0) + sign
    return deltas


def _add(counts, key, delta):
    value = counts.get(key, 0) + delta
    if value:
        counts[key] = value
    else:
        counts.pop(key, None)


class Tally(Persistent):
    """Counts by key that concurrent transactions change without conflicting: as with
    ``BTrees.Length``, a write conflict is resolved by adding both sides' deltas."""

    def __init__(self):
        self.counts = {}

    def change(self, deltas):
        counts = dict(self.counts)  # NB: a new dict, so the change is seen and stored
        for key, delta in deltas.items():
            _add(counts, key, delta)
        self.counts = counts

    def _p_resolveConflict(self, old, committed, new):
        merged, before, after = dict(committed["counts"]), old["counts"], new["counts"]
        for key in set(before) | set(after):
            _add(merged, key, after.get(key, 0) - before.get(key, 0))
        return dict(committed, counts=merged)


def _seen_pair(receiving, processing, units):
    return units is None or receiving in units or processing in units


def _state_units(e):
    return [(e.state, unit) for unit in {e.receiving, e.processing} if unit] if e else []


def _is_record(e):
    return e is not None and e.state in CLOSED_STATES


def _year_units(e):
    """The (year closed, unit) counts a record is in: its receiving and its processing
    unit, and (year, "") for the year's whole count."""
    if not _is_record(e) or not e.closed:
        return set()
    year = datetime.date.fromordinal(e.closed).year
    return {(year, "")} | {(year, unit) for unit in (e.receiving, e.processing) if unit}


def _recorded_key(code, e):
    # NB: a record without a closing date (old data) sorts after every dated one.
    return (-e.closed if e.closed else 0, code) if _is_record(e) else None


def _retained_key(code, e):
    if not _is_record(e) or not e.closed or e.disposed:
        return None
    return (e.procedure or "", e.state in WITHOUT_RESULT, e.closed, code)


def _intersect(match, size, others):
    """``match`` (of ``size`` codes) ∩ each of ``others``: a small match is filtered by
    membership, so a big set is looked into, not walked whole (as ``intersection`` does)."""
    for codes in others:
        match = [c for c in match if c in codes] if size <= SORT_LIMIT else \
            intersection(match, codes)
        size = len(match)
    return match


class Catalog(Persistent):
    """Indexes over dossier codes. See :meth:`query` for the questions it answers."""

    # NB: None until the "dashboard-counters" evolve step adds and fills them (a catalog
    # made before them must not count half the changes); the same for the (state, unit)
    # index and the "state-unit-index" step.
    period_tallies = open_tallies = None
    by_state_unit = state_unit_counts = None
    year_unit_counts = None   # NB: the same, with the "year-unit-counts" step

    def __init__(self):
        # NB: the codes and times of new dossiers grow: the trees every intake inserts
        # into are spread over shards (records.spread), or each split of their
        # last bucket would conflict with every intake in flight.
        self.entries = SpreadTree()     # code → Entry
        self.by_state = OOBTree()       # state → codes
        self.state_counts = OOBTree()   # state → Length
        self.by_unit = OOBTree()        # unit (receiving or processing) → codes
        self.by_procedure = OOBTree()   # procedure code → codes
        self.by_name = OOBTree()        # folded name token → codes
        self.received = SpreadTree()    # (−received timestamp, code) → None
        self.late = SpreadTree()        # (due ordinal, code) → None, open dossiers only
        self.closed = OOBTree()         # (closed ordinal, code) → None
        self.tails = SpreadTree()       # "YYMMDD-XXXX|code" → None (the code's tail)
        self.events = OOBTree()         # (event, day ordinal, code) → None, see EVENTS
        self.add_archive_indexes()
        self.add_counters()
        self.add_state_units()
        self.add_year_units()

    def add_state_units(self):
        """The codes by (state, unit), unit receiving or processing, and their counts: the
        list filtered by state and unit, at any size, without intersecting two big sets."""
        self.by_state_unit = OOBTree()      # (state, unit) → codes
        self.state_unit_counts = OOBTree()  # (state, unit) → Length

    def add_year_units(self):
        """The records' counts by (year closed, unit) ((year, "") for the whole year): the
        archive's records of a year, of a unit or not, are counted without a walk (their
        page is a range of :attr:`recorded`, see :meth:`year_range`)."""
        self.year_unit_counts = OOBTree()  # (year, unit or "") → Length

    def add_counters(self):
        """The dashboard's tallies (see the module docstring); empty: fill_counters fills
        them from the entries."""
        self.period_tallies = OOBTree()  # (month, receiving, processing) → Tally of figures
        self.open_tallies = OOBTree()    # (state, receiving, processing) → Tally of due months

    def spread_code_sets(self):
        """Spread the code sets of :data:`CODE_SETS` (a catalog made before gets them from
        the "spread-code-sets" evolve step). Returns how many sets were converted."""
        converted = 0
        for name in CODE_SETS:
            tree = getattr(self, name)
            for key, codes in list(tree.items()) if tree is not None else ():
                if not isinstance(codes, SpreadSet):
                    tree[key] = new_codes(codes)
                    converted += 1
        return converted

    def spread_hot_trees(self):
        """Spread the trees every intake inserts into (a catalog made before they were
        spread gets them from the "spread-catalog" evolve step). Returns whether any was
        converted."""
        changed = False
        for name in HOT_TREES:
            tree = getattr(self, name)
            if not isinstance(tree, SpreadTree):
                setattr(self, name, SpreadTree(items=tree))
                changed = True
        return changed

    def add_archive_indexes(self):
        """The indexes the archive browses by (a store made before them gets them from the
        "archive-indexes" evolve step, which also fills them)."""
        self.record_codes = OOTreeSet()  # codes of the closed dossiers (the records)
        self.by_ref = OOBTree()         # file id reused by reference → codes reusing it
        self.recorded = OOBTree()       # (−closed ordinal, code) → None: records, newest first
        # NB: retention is looked up at query time (records.archive.records) from the
        # procedure and whether the dossier closed without a result, never stored here: an
        # edited procedure or retention rule cannot leave this index stale.
        self.retained = OOBTree()       # (procedure, no result, closed ordinal, code) → None

    # -- keeping it up to date ------------------------------------------------------------

    def index(self, dossier):
        """(Re)index ``dossier``; only the indexes whose value changed are written."""
        self._update(dossier.code, entry_of(dossier))

    def unindex(self, code):
        """Forget the dossier ``code`` (it left the store: a bag taken back, a test)."""
        if code in self.entries:
            self._update(code, None)

    def _update(self, code, new):
        old = self.entries.get(code)
        if old == new:
            return
        tail = f"{code[-11:]}|{code}"
        if old is None:
            self.tails[tail] = None
        elif new is None:
            self.tails.pop(tail, None)
        for tree, old_values, new_values in self._sets(old, new):
            for value in set(old_values) - set(new_values):
                codes = tree.get(value)
                if codes is not None:
                    codes.remove(code)
            for value in set(new_values) - set(old_values):
                codes = tree.get(value)
                if codes is None:
                    codes = tree[value] = OOTreeSet() if tree is self.by_ref else new_codes()
                codes.insert(code)
        if old is None or new is None or old.state != new.state:
            if old is not None:
                self._count(old.state, -1)
            if new is not None:
                self._count(new.state, 1)
        if self.by_state_unit is not None:
            before, after = set(_state_units(old)), set(_state_units(new))
            for key, delta in [(k, -1) for k in before - after] + [(k, 1) for k in after - before]:
                self._count(key, delta, self.state_unit_counts)
        if self.year_unit_counts is not None:
            before, after = _year_units(old), _year_units(new)
            for key, delta in [(k, -1) for k in before - after] + [(k, 1) for k in after - before]:
                self._count(key, delta, self.year_unit_counts)
        for tree, attr in ((self.received, "received"), (self.late, "due"),
                           (self.closed, "closed")):
            before, after = (getattr(e, attr) if e else None for e in (old, new))
            if before != after:
                if before is not None:
                    tree.pop((before, code), None)
                if after is not None:
                    tree[(after, code)] = None
        for event, attr in zip(EVENTS, ("ready", "returned", "rated")):
            before, after = (getattr(e, attr) if e else None for e in (old, new))
            if before != after:
                if before is not None:
                    self.events.pop((event, before, code), None)
                if after is not None:
                    self.events[(event, after, code)] = None
        if _is_record(old) != _is_record(new):
            if _is_record(new):
                self.record_codes.insert(code)
            else:
                self.record_codes.remove(code)
        for tree, key in ((self.recorded, _recorded_key), (self.retained, _retained_key)):
            before, after = (key(code, e) for e in (old, new))
            if before != after:
                if before is not None:
                    tree.pop(before, None)
                if after is not None:
                    tree[after] = None
        before, after = (set(e.reuses) if e else set() for e in (old, new))
        for day in before - after:
            self.events.pop(("reused", day, code), None)
        for day in after - before:
            self.events[("reused", day, code)] = None
        self._tally(old, new)
        if new is None:
            del self.entries[code]
        else:
            self.entries[code] = new

    def _tally(self, old, new):
        if self.period_tallies is None:
            return
        if old is None or new is None or any(getattr(old, f) != getattr(new, f)
                                             for f in COUNTED):
            self._change(self.period_tallies, _period_deltas(old, new))
        if old is None or new is None or (old.state, old.due) != (new.state, new.due) or \
                _pair(old) != _pair(new):
            self._change(self.open_tallies, _open_deltas(old, new))

    @staticmethod
    def _change(tree, deltas):
        for key, counts in deltas.items():
            counts = {k: v for k, v in counts.items() if v}
            if counts:
                tally = tree.get(key)
                if tally is None:
                    tally = tree[key] = Tally()
                tally.change(counts)

    def fill_counters(self):
        """Count every entry into the tallies (the evolve step; no dossier read)."""
        for entry in self.entries.values():
            self._tally(None, entry)

    def _sets(self, old, new):
        def values(e, *names):
            return [v for v in (getattr(e, n) for n in names) if v] if e else []
        return ((self.by_state, values(old, "state"), values(new, "state")),
                (self.by_unit, values(old, "receiving", "processing"),
                 values(new, "receiving", "processing")),
                (self.by_procedure, values(old, "procedure"), values(new, "procedure")),
                (self.by_name, old.names if old else (), new.names if new else ()),
                (self.by_ref, old.refs if old else (), new.refs if new else ()),
                *(((self.by_state_unit, _state_units(old), _state_units(new)),)
                  if self.by_state_unit is not None else ()))

    def _count(self, key, delta, counts=None):
        counts = self.state_counts if counts is None else counts
        counter = counts.get(key)
        if counter is None:
            counter = counts[key] = Length()
        counter.change(delta)

    def __len__(self):
        return sum(c() for c in self.state_counts.values())

    # -- questions ------------------------------------------------------------------------

    def count(self, state):
        counter = self.state_counts.get(state)
        return counter() if counter is not None else 0

    def codes_in(self, tree, values):
        """The codes filed under any of ``values`` in ``tree`` (one of the by_* indexes)."""
        sets = [tree[v] for v in values if v in tree]
        if not sets:
            return OOTreeSet()
        found = sets[0]
        for s in sets[1:]:
            found = union(found, s)
        return found

    def late_codes(self, today):
        """Codes of the open dossiers past their due date on ``today``."""
        return OOTreeSet(code for _, code in
                         self.late.keys(max=(today.toordinal() - 1, "\uffff")))

    def closed_between(self, start, end):
        """Codes of the dossiers closed in ``[start, end]`` (dates), oldest first."""
        return [code for _, code in self.closed.keys(min=(start.toordinal(), ""),
                                                      max=(end.toordinal(), "\uffff"))]

    def received_between(self, start, end):
        """Codes of the dossiers received in ``[start, end]`` (aware datetimes)."""
        return [code for _, code in self.received.keys(min=(-end.timestamp(), ""),
                                                        max=(-start.timestamp(), "\uffff"))]

    def in_period(self, start, end):
        """Entries of the dossiers received, ready, returned or rated in ``[start, end]``
        (dates): what the figures of that period count, and nothing else."""
        return [entry for _code, entry in self.period_items(start, end)]

    def period_items(self, start, end):
        """(code, entry) of :meth:`in_period`'s dossiers (the drill-down's lists)."""
        first, last = start.toordinal(), end.toordinal()
        codes = set()
        low = datetime.datetime.combine(start, datetime.time.min, tzinfo=datetime.timezone.utc)
        high = datetime.datetime.combine(end, datetime.time.max, tzinfo=datetime.timezone.utc)
        # NB: a day's bounds in UTC widen the range by the zone offset; exact days are
        # checked on the entries (received_day) by the caller.
        codes.update(self.received_between(low - datetime.timedelta(days=1),
                                           high + datetime.timedelta(days=1)))
        codes.update(code for _, _, code in self.events.keys(
            min=("reused", first, ""), max=("reused", last, "\uffff")))
        for event in EVENTS:
            codes.update(code for _, _, code in self.events.keys(
                min=(event, first, ""), max=(event, last, "\uffff")))
        return [(code, self.entries[code]) for code in codes]

    def open_entries(self):
        """Entries of the open dossiers (where they are held up)."""
        return [entry for _code, entry in self.open_items()]

    def open_items(self):
        """(code, entry) of the open dossiers."""
        return [(code, self.entries[code]) for state in OPEN_STATES
                for code in self.by_state.get(state, ())]

    def period_counts(self, first_month, last_month, units=None):
        """figure → count over the whole months ``first_month`` … ``last_month`` (month
        indexes: records.reports.figures.month_index) from the tallies; ``units`` as for the
        figures: a dossier counts once when its receiving or processing unit is among them."""
        total = {}
        for (_month, receiving, processing), tally in self.period_tallies.items(
                min=(first_month,), max=(last_month + 1,), excludemax=True):
            if _seen_pair(receiving, processing, units):
                for figure, n in tally.counts.items():
                    total[figure] = total.get(figure, 0) + n
        return total

    def held_up_counts(self, today, units=None):
        """(state, unit) → [open, late] of the open dossiers (``unit``: the processing unit,
        else the receiving one); late: due before ``today``. Whole months come from the
        tallies, this month's days before today from the ``late`` index."""
        this_month, cells = month_of_day(today.toordinal()), {}
        for (state, receiving, processing), tally in self.open_tallies.items():
            if not tally.counts or not _seen_pair(receiving, processing, units):
                continue
            counts = cells.setdefault((state, processing or receiving), [0, 0])
            for month, n in tally.counts.items():
                counts[0] += n
                if month is not NEVER_LATE and month < this_month:
                    counts[1] += n
        for _due, code in self.late.keys(min=(month_days(this_month)[0], ""),
                                         max=(today.toordinal() - 1, "\uffff")):
            entry = self.entries[code]
            if _seen_pair(entry.receiving or "", entry.processing or "", units):
                cell = (entry.state, entry.processing or entry.receiving)
                cells.setdefault(cell, [0, 0])[1] += 1
        return cells

    def matching_text(self, q, names):
        """Codes whose code starts with or ends in ``q`` (the ``YYMMDD-XXXX`` tail), and,
        with ``names``, whose applicant's name holds every word of ``q`` (folded)."""
        q = q.strip()
        found = OOTreeSet(self.entries.keys(min=q, max=q + "\uffff"))
        found.update(key.split("|", 1)[1] for key in self.tails.keys(min=q, max=q + "\uffff")
                     if key.split("|", 1)[0].startswith(q))
        if names:
            words = fold(q).split()
            sets = [self.by_name.get(w) for w in words]
            if words and all(s is not None for s in sets):
                hits = sets[0]
                for s in sets[1:]:
                    hits = intersection(hits, s)
                found.update(hits)
        return found

    def query(self, filters, page=1, size=50, order="received", within=None, total=None):
        """Codes matching every filter, newest first: ``(total, codes of page)``.

        ``filters`` is a list of code sets (SpreadSets or BTree sets, None for "no limit"), or of
        ``(size, set)`` pairs when the size is known (a set's ``len`` walks it); each comes
        from the methods above or an index. ``order`` is "received" (newest received
        first; every dossier when there is no filter) or "closed" (newest closed first;
        the records when there is no filter). The page is cut without sorting the whole
        match when the match is large: the order's index is walked instead. ``within``
        (``(min, max)`` keys of the order's index, e.g. :meth:`year_range`) walks only that
        range, the filters tested by membership; ``total``, when the caller knows it (a
        count index), stops the walk at the page.
        """
        tree, key = self._order(order)
        if within is not None:
            return self._walk_range(tree, within, filters, (max(page, 1) - 1) * size, size,
                                    total)
        # NB: the same set given twice (the records, and an archivist's visible records)
        # is intersected once.
        given = list({id(f[1] if isinstance(f, tuple) else f): f for f in filters
                      if f is not None}.values())
        sized = sorted(((f if isinstance(f, tuple) else (len(f), f)) for f in given),
                       key=lambda pair: pair[0])
        sets = [s for _, s in sized]
        start = (max(page, 1) - 1) * size
        if len(sets) == 1 and sized[0][0] > SORT_LIMIT:
            return sized[0][0], self._walk(tree, sets[0], start, size)
        if not sets:
            total = len(self) if order == "received" else self.closed_count()
            # NB: islice, not a slice: slicing a BTree's keys takes their length first,
            # which walks (and loads) every bucket of the order index.
            keys = itertools.islice(tree.keys(), start, start + size)
            return total, [code for _, code in keys] if start < total else []
        match = _intersect(sets[0], sized[0][0], sets[1:])
        if len(match) <= SORT_LIMIT:
            ordered = sorted(match, key=lambda code: (key(self.entries[code]), code))
            return len(ordered), ordered[start:start + size]
        return len(match), self._walk(tree, match, start, size)

    def _order(self, order):
        if order == "received":
            return self.received, lambda e: e.received
        if order == "closed":
            return self.recorded, lambda e: -e.closed if e.closed else 0
        raise ValueError(f"unknown order {order!r}")

    @staticmethod
    def _walk_range(tree, within, filters, start, size, total):
        if total is not None and start >= total:
            return total, []
        sets = [f[1] if isinstance(f, tuple) else f for f in filters if f is not None]
        out, seen = [], 0
        for _, code in tree.keys(min=within[0], max=within[1]):
            if all(code in s for s in sets):
                if seen >= start and len(out) < size:
                    out.append(code)
                seen += 1
                if total is not None and len(out) >= size:
                    break
        return (total if total is not None else seen), out

    def _walk(self, tree, match, start, size):
        out, seen = [], 0
        for _, code in tree.keys():
            if code in match:
                if seen >= start:
                    out.append(code)
                    if len(out) >= size:
                        break
                seen += 1
        return out

    def state_filter(self, state):
        return (self.count(state), self.by_state.get(state, OOTreeSet()))

    def state_unit_filter(self, state, unit):
        """The dossiers in ``state`` received or processed by ``unit``, as a ``(size, set)``
        filter for :meth:`query`."""
        counter = self.state_unit_counts.get((state, unit))
        return (counter() if counter is not None else 0,
                self.by_state_unit.get((state, unit), OOTreeSet()))

    def fill_state_units(self):
        """Fill the (state, unit) index from the entries (the evolve step; no dossier read)."""
        for code, entry in self.entries.items():
            for key in _state_units(entry):
                codes = self.by_state_unit.get(key)
                if codes is None:
                    codes = self.by_state_unit[key] = new_codes()
                codes.insert(code)
                self._count(key, 1, self.state_unit_counts)

    def fill_year_units(self):
        """Fill the (year, unit) counts from the entries (the evolve step)."""
        for entry in self.entries.values():
            for key in _year_units(entry):
                self._count(key, 1, self.year_unit_counts)

    def year_count(self, year, unit=None):
        """How many records closed in ``year`` (received or processed by ``unit``)."""
        counter = self.year_unit_counts.get((year, unit or ""))
        return counter() if counter is not None else 0

    def year_range(self, year):
        """The keys of :attr:`recorded` (newest closed first) of the records closed in
        ``year``: a ``within`` for :meth:`query` with ``order="closed"``."""
        first, last = (datetime.date(year, 1, 1).toordinal(),
                       datetime.date(year, 12, 31).toordinal())
        return (-last, ""), (-first, "\uffff")

    def closed_codes(self):
        """The codes of the closed dossiers (kept as one set: no union per question)."""
        return self.record_codes

    def closed_count(self):
        return sum(self.count(state) for state in CLOSED_STATES)

    def records_filter(self):
        """The closed dossiers, as a ``(size, set)`` filter for :meth:`query`."""
        return (self.closed_count(), self.closed_codes())

    def reusing(self, file_id):
        """Codes of the dossiers that reuse file ``file_id`` by reference."""
        return self.by_ref.get(file_id, OOTreeSet())

    def retained_groups(self):
        """The ``(procedure, closed without result)`` pairs that have dossiers kept (closed,
        not disposed of): what retention is looked up for."""
        groups, key = [], self.retained.minKey() if self.retained else None
        while key is not None:
            group = key[:2]
            groups.append(group)
            try:
                key = self.retained.minKey((group[0], group[1], float("inf")))
            except ValueError:
                key = None
        return groups

    def retained_until(self, procedure, without_result, last_closed):
        """``(closed ordinal, code)`` of the kept dossiers of that group closed up to the day
        ordinal ``last_closed``, oldest first (a lazy sequence)."""
        return ((closed, code) for _, _, closed, code in self.retained.keys(
            min=(procedure, without_result, 0, ""),
            max=(procedure, without_result, last_closed, "\uffff")))

    def fill_archive_indexes(self):
        """Fill the archive's indexes from the entries (the evolve step; no dossier read):
        entries stored before ``refs`` and ``disposed`` are re-made by reindexing."""
        for code, entry in self.entries.items():
            if _is_record(entry):
                self.record_codes.insert(code)
            for tree, key in ((self.recorded, _recorded_key), (self.retained, _retained_key)):
                k = key(code, entry)
                if k is not None:
                    tree[k] = None
            for value in entry.refs:
                codes = self.by_ref.get(value)
                if codes is None:
                    codes = self.by_ref[value] = OOTreeSet()
                codes.insert(code)
