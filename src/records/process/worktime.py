"""Working time: office hours on working days (data/working_hours.json + the calendar).

Step budgets are kept in working minutes. A step that arrives at 16:00 with a budget of two
working hours is due at 09:30 the next working day (07:30–11:30, 13:00–17:00).
"""
import datetime
import json
from functools import lru_cache
from importlib import resources

from records.calendar import default_calendar
from records.clock import TIMEZONE


class WorkTime:
    """Counts working minutes between aware datetimes, and adds them."""

    def __init__(self, calendar, periods, tz=TIMEZONE):
        self.calendar = calendar
        self.periods = tuple(sorted(periods))
        self.tz = tz
        if not self.periods or any(a >= b for a, b in self.periods):
            raise ValueError("working hours need periods with start before end")
        self.minutes_per_day = sum(_minutes(b) - _minutes(a) for a, b in self.periods)

    @classmethod
    def from_json(cls, data, calendar):
        periods = [(datetime.time.fromisoformat(a), datetime.time.fromisoformat(b))
                   for a, b in data["periods"]]
        return cls(calendar, periods)

    def budget_minutes(self, budget):
        """``{"days": n}`` or ``{"hours": h}`` as working minutes."""
        if "days" in budget:
            return int(round(float(budget["days"]) * self.minutes_per_day))
        return int(round(float(budget["hours"]) * 60))

    def _local(self, moment):
        return moment.astimezone(self.tz)

    def _windows(self, day):
        if not self.calendar.is_working_day(day):
            return
        for a, b in self.periods:
            yield (datetime.datetime.combine(day, a, self.tz),
                   datetime.datetime.combine(day, b, self.tz))

    def minutes_between(self, start, end):
        """Working minutes in [start, end) (0 when end is not after start).

        NB: the days strictly between the first and the last are counted whole (working
        days × minutes a day) rather than walked: an overdue list of steps late by years
        costs no more than one late by a day."""
        start, end = self._local(start), self._local(end)
        if end <= start:
            return 0
        first, last = start.date(), end.date()
        total = self._clipped(first, start, end)
        if last > first:
            total += self._clipped(last, start, end)
            inner = self.calendar.working_days_in(first + datetime.timedelta(days=1),
                                                  last - datetime.timedelta(days=1))
            total += inner * self.minutes_per_day
        return int(total)

    def _clipped(self, day, start, end):
        """Working minutes of ``day`` inside [start, end)."""
        total = 0.0
        for a, b in self._windows(day):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        return total

    def add(self, start, minutes):
        """The moment ``minutes`` working minutes after ``start``."""
        moment = self._local(start)
        left = float(minutes)
        day = moment.date()
        while True:
            for a, b in self._windows(day):
                lo = max(a, moment)
                if b <= lo:
                    continue
                available = (b - lo).total_seconds() / 60
                if left <= available:
                    return lo + datetime.timedelta(minutes=left)
                left -= available
            day += datetime.timedelta(days=1)

    def add_days(self, start, days):
        return self.add(start, days * self.minutes_per_day)


def _minutes(t):
    return t.hour * 60 + t.minute


@lru_cache(maxsize=1)
def default_worktime():
    text = resources.files("records").joinpath("data/working_hours.json").read_text("utf-8")
    return WorkTime.from_json(json.loads(text), default_calendar())
