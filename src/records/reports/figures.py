"""The figures a centre reports each month, counted from the catalog's entries.

For a period (usually a month): dossiers received, share received online, share
digitized (every file read), share solved on time (by the legal due date, whatever a
reschedule said) among those whose result was ready in the period, share of results returned
electronically, satisfaction, reuses of earlier results (in the period they happened), and
where open dossiers are held up (state × unit, late ones counted).
"""
import dataclasses
import datetime

from records.workflow import RATING_LEVELS


@dataclasses.dataclass
class Figures:
    start: datetime.date
    end: datetime.date
    received: int = 0
    online: int = 0
    digitized: int = 0
    with_files: int = 0
    solved: int = 0
    solved_on_time: int = 0
    returned: int = 0
    returned_electronically: int = 0
    reused: int = 0
    ratings: dict = dataclasses.field(default_factory=lambda: dict.fromkeys(RATING_LEVELS, 0))
    held_up: dict = dataclasses.field(default_factory=dict)  # (state, unit) → [open, late]

    @staticmethod
    def share(part, whole):
        return round(100.0 * part / whole, 1) if whole else None

    def as_dict(self):
        rated = sum(self.ratings.values())
        return {
            "period": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "received": self.received,
            # NB: the counts behind the shares, each with its list (figure_codes)
            "online": self.online, "with_files": self.with_files, "digitized": self.digitized,
            "solved_on_time": self.solved_on_time,
            "returned_electronically": self.returned_electronically,
            "online_pct": self.share(self.online, self.received),
            "digitized_pct": self.share(self.digitized, self.with_files),
            "solved": self.solved,
            "on_time_pct": self.share(self.solved_on_time, self.solved),
            "returned": self.returned,
            "returned_electronically_pct": self.share(self.returned_electronically,
                                                      self.returned),
            "reused": self.reused,
            "ratings": dict(self.ratings),
            "very_satisfied_pct": self.share(self.ratings["very_satisfied"], rated),
            "held_up": [{"state": s, "unit": u, "open": n, "late": late}
                        for (s, u), (n, late) in sorted(self.held_up.items())],
        }


def month_bounds(year, month):
    start = datetime.date(year, month, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def month_index(day):
    """A month as one number (year × 12 + month − 1): the key of the catalog's tallies."""
    return day.year * 12 + day.month - 1


def month_days(month):
    """(first, last) day ordinals of the month ``month`` (a :func:`month_index`)."""
    start, end = month_bounds(month // 12, month % 12 + 1)
    return start.toordinal(), end.toordinal()


def _seen(entry, units):
    return units is None or bool({entry.receiving, entry.processing} & units)


def counted(entry, first, last):
    """(figure, times) for each figure of the period ``[first, last]`` (ordinals) that
    ``entry`` counts in: the one place that says what each figure counts."""
    if entry.ingested:  # NB: a backlog record is no work done
        return
    if first <= entry.received_day <= last:
        yield "received", 1
        if entry.channel == "online":
            yield "online", 1
        if entry.files != "none":
            yield "with_files", 1
            if entry.files == "all":
                yield "digitized", 1
    # NB: a reuse counts in the period it happened, not the one the dossier came in
    reuses = sum(1 for day in entry.reuses if first <= day <= last)
    if reuses:
        yield "reused", reuses
    if entry.ready is not None and first <= entry.ready <= last:
        yield "solved", 1
        if entry.on_time:  # by the legal due date
            yield "solved_on_time", 1
    if entry.returned is not None and first <= entry.returned <= last:
        yield "returned", 1
        if entry.electronic:
            yield "returned_electronically", 1
    if entry.rating is not None and first <= entry.rated <= last:
        yield "rated", 1
        yield "rating:" + entry.rating, 1


def holding(entry, today):
    """The held-up cell (state, unit) of an open dossier, and whether it is late."""
    due = entry.due
    return (entry.state, entry.processing or entry.receiving), \
        due is not None and due < today.toordinal()


# Figures with the dossiers behind them (figure_codes): the period's, and held-up cells.
PERIOD_FIGURES = ("received", "online", "with_files", "digitized", "reused", "solved",
                  "solved_on_time", "returned", "returned_electronically", "rated",
                  *("rating:" + level for level in RATING_LEVELS))


def _add(out, figure, times):
    if figure.startswith("rating:"):
        out.ratings[figure[len("rating:"):]] += times
    elif figure != "rated":
        setattr(out, figure, getattr(out, figure) + times)


def _count_entries(out, period_entries, first, last, units):
    for entry in period_entries:
        if _seen(entry, units):
            for figure, times in counted(entry, first, last):
                _add(out, figure, times)


def figures(period_entries, open_entries, start, end, today, units=None):
    """:class:`Figures` for ``[start, end]`` from catalog entries (records.catalog): those of
    the dossiers with something in the period, and those of the open dossiers. ``units``
    limits to dossiers received or processed by those units (None: all)."""
    out = Figures(start, end)
    _count_entries(out, period_entries, start.toordinal(), end.toordinal(), units)
    for entry in open_entries:
        if not _seen(entry, units):
            continue
        cell, late = holding(entry, today)
        counts = out.held_up.setdefault(cell, [0, 0])
        counts[0] += 1
        counts[1] += late
    return out


def whole_months(start, end):
    """``(first month, last month, edges)``: the month indexes (:func:`month_index`) of the
    whole months in ``[start, end]`` (first > last when there is none) and the ``(start,
    end)`` date ranges left at either edge."""
    first = month_index(start) + (start.day != 1)
    after = end + datetime.timedelta(days=1)
    last = month_index(end) - (after.month == end.month)
    if first > last:
        return first, last, [(start, end)]
    edges = []
    if start.day != 1:
        edges.append((start, month_bounds(start.year, start.month)[1]))
    if after.month == end.month:
        edges.append((end.replace(day=1), end))
    return first, last, edges


def catalog_figures(catalog, start, end, today, units=None):
    """:class:`Figures` for ``[start, end]`` as :func:`figures` counts them, from the
    catalog's tallies (records.catalog.Catalog.period_counts, held_up_counts): the whole
    months from their tallies, the days of a month cut by the period's edges from the
    entries of those days."""
    out = Figures(start, end)
    first, last, edges = whole_months(start, end)
    if first <= last:
        for figure, times in catalog.period_counts(first, last, units).items():
            _add(out, figure, times)
    for low, high in edges:
        _count_entries(out, catalog.in_period(low, high), low.toordinal(), high.toordinal(),
                       units)
    out.held_up = catalog.held_up_counts(today, units)
    return out


def figure_codes(period_items, open_items, start, end, today, figure, units=None,
                 state=None, unit=None, late=False):
    """Sorted codes of the dossiers behind one figure: a period figure (one of
    :data:`PERIOD_FIGURES`) from ``period_items``, or ``held_up`` (the open dossiers in
    ``state`` at ``unit``, only the late ones if ``late``) from ``open_items``; items are
    (code, entry) pairs from the catalog. ``reused`` lists each dossier once however many
    reuses it had in the period."""
    if figure == "held_up":
        return sorted(code for code, entry in open_items if _seen(entry, units)
                      and holding(entry, today)[0] == (state, unit)
                      and (holding(entry, today)[1] or not late))
    if figure not in PERIOD_FIGURES:
        raise KeyError(figure)
    first, last = start.toordinal(), end.toordinal()
    return sorted(code for code, entry in period_items if _seen(entry, units)
                  and any(f == figure for f, _n in counted(entry, first, last)))
