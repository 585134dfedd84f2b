"""Working days and public holidays (ngày làm việc, ngày nghỉ lễ).

The holidays and the Saturdays made working days in exchange are data, not code: they are
read from ``data/holidays.json`` (a centre edits that file when the government announces
a year's schedule).
"""
import datetime
import json
from functools import lru_cache
from importlib import resources


class Calendar:
    """Counts working days: Monday to Friday, minus holidays, plus swapped working Saturdays."""

    def __init__(self, holidays=(), working_days=()):
        self.holidays = frozenset(holidays)
        self.extra_working = frozenset(working_days)

    @classmethod
    def from_json(cls, data):
        def dates(key):
            return [datetime.date.fromisoformat(item["date"]) for item in data.get(key, ())]
        return cls(dates("holidays"), dates("working_days"))

    def is_working_day(self, day):
        if day in self.extra_working:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start, days):
        """The date ``days`` working days after ``start`` (counting starts the next day).

        A dossier received on a Friday with a 3-day procedure is due on Wednesday.
        """
        day = start
        remaining = int(days)
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_in(self, first, last):
        """Working days from ``first`` to ``last``, both included (0 when last < first):
        counted, not walked, so a span of years costs as little as a week."""
        if last < first:
            return 0
        days = (last - first).days + 1
        weeks, rest = divmod(days, 7)
        count = weeks * 5 + sum(1 for i in range(rest)
                                if (first.weekday() + i) % 7 < 5)
        count -= sum(1 for d in self.holidays
                     if first <= d <= last and d.weekday() < 5 and d not in self.extra_working)
        count += sum(1 for d in self.extra_working if first <= d <= last and d.weekday() >= 5)
        return count

    def working_days_between(self, start, end):
        """Working days in (start, end]; 0 when end is not after start."""
        return self.working_days_in(start + datetime.timedelta(days=1), end)


@lru_cache(maxsize=1)
def default_calendar():
    text = resources.files("records").joinpath("data/holidays.json").read_text("utf-8")
    return Calendar.from_json(json.loads(text))
