"""The figures a centre reports each month, counted from the catalog's entries.

For a period (usually a month): dossiers received, share received online, share
digitized (every file read), share solved on time (by the legal due date, whatever a
reschedule said) among those whose result was ready in the period, share of results returned
electronically, satisfaction, reuses of earlier results (in the period they happened), and
where open dossiers are held up (state × unit, late ones counted).
"""
import dataclasses
import datetime

from records.resources.dossiers import RATING_LEVELS


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


def _seen(entry, units):
    return units is None or bool({entry.receiving, entry.processing} & units)


def figures(period_entries, open_entries, start, end, today, units=None):
    """:class:`Figures` for ``[start, end]`` from catalog entries (records.catalog): those of
    the dossiers with something in the period, and those of the open dossiers. ``units``
    limits to dossiers received or processed by those units (None: all)."""
    out = Figures(start, end)
    first, last = start.toordinal(), end.toordinal()
    for entry in period_entries:
        if entry.ingested or not _seen(entry, units):  # NB: a backlog record is no work done
            continue
        if first <= entry.received_day <= last:
            out.received += 1
            out.online += entry.channel == "online"
            if entry.files != "none":
                out.with_files += 1
                out.digitized += entry.files == "all"
        # NB: a reuse counts in the period it happened, not the one the dossier came in
        out.reused += sum(1 for day in entry.reuses if first <= day <= last)
        if entry.ready is not None and first <= entry.ready <= last:
            out.solved += 1
            out.solved_on_time += bool(entry.on_time)  # by the legal due date
        if entry.returned is not None and first <= entry.returned <= last:
            out.returned += 1
            out.returned_electronically += bool(entry.electronic)
        if entry.rating is not None and first <= entry.rated <= last:
            out.ratings[entry.rating] += 1
    late_after = today.toordinal()
    for entry in open_entries:
        if not _seen(entry, units):
            continue
        counts = out.held_up.setdefault((entry.state, entry.processing or entry.receiving),
                                        [0, 0])
        counts[0] += 1
        counts[1] += entry.due is not None and entry.due < late_after
    return out
