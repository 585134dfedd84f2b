"""The figures a centre reports each month, computed from the store.

For a period (usually a month): dossiers received, share received online, share
digitized (every file read), share solved on time (by the legal due date, whatever a reschedule
said) among those whose result was ready in the period, share of results returned electronically, satisfaction, reuses of earlier results,
and where open dossiers are held up (state × unit, late ones counted).
"""
import dataclasses
import datetime

from records import workflow
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


def _day(value):
    return value.date() if isinstance(value, datetime.datetime) else value


def _when(dossier, action):
    for entry in dossier.history:
        if entry["action"] == action or entry["to"] == action:
            return _day(entry["at"])
    return None


def month_bounds(year, month):
    start = datetime.date(year, month, 1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def figures(dossiers, start, end, today, units=None):
    """:class:`Figures` for dossiers in ``[start, end]``; ``units`` limits to dossiers
    received or processed by those units (None: all)."""
    out = Figures(start, end)
    for dossier in dossiers:
        if units is not None and not {dossier.receiving_unit, dossier.processing_unit} & units:
            continue
        received = _day(dossier.received_at)
        if start <= received <= end:
            out.received += 1
            out.online += dossier.channel == "online"
            versions = [v for c in dossier.ordered_components() for v in c.versions]
            if versions:
                out.with_files += 1
                out.digitized += all(v.reading.state == "done" for v in versions)
        # NB: a reuse counts in the month it happened, not the month the dossier came in
        out.reused += sum(1 for entry in dossier.history if entry["action"] == "reuse"
                          and start <= _day(entry["at"]) <= end)
        ready = _when(dossier, "result_ready")
        if ready is not None and start <= ready <= end:
            out.solved += 1
            out.solved_on_time += ready <= workflow.legal_due(dossier)
        returned = _when(dossier, "returned")
        if returned is not None and start <= returned <= end:
            out.returned += 1
            out.returned_electronically += bool(dossier.returned_electronically)
        rating = dossier.rating
        if rating is not None and start <= _day(rating["at"]) <= end:
            out.ratings[rating["level"]] += 1
        if dossier.state in workflow.OPEN_STATES:
            unit = dossier.processing_unit or dossier.receiving_unit
            counts = out.held_up.setdefault((dossier.state, unit), [0, 0])
            counts[0] += 1
            counts[1] += workflow.is_overdue(dossier, today)
    return out
