"""Working minutes and working days are counted, not walked day by day, and agree with a
day-by-day walk across weekends, holidays (Tết, 30/4–1/5, 2/9) and swapped Saturdays."""
import datetime
import random

import pytest

from records.calendar import default_calendar
from records.clock import TIMEZONE
from records.process.worktime import default_worktime

pytestmark = pytest.mark.process


def walked_minutes(wt, start, end):
    """The reference: every day's office windows clipped to [start, end), summed."""
    start, end = start.astimezone(TIMEZONE), end.astimezone(TIMEZONE)
    total, day = 0.0, start.date()
    while day <= end.date():
        for a, b in wt._windows(day):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        day += datetime.timedelta(days=1)
    return int(total) if end > start else 0


def test_working_days_in_a_span_match_a_walk_of_it():
    cal, rng = default_calendar(), random.Random(11)
    years = sorted({d.year for d in cal.holidays} | {d.year for d in cal.extra_working})
    assert cal.holidays and cal.extra_working  # the data has both kinds
    for _ in range(400):
        first = datetime.date(years[0], 1, 1) + datetime.timedelta(days=rng.randrange(
            365 * (years[-1] - years[0] + 1)))
        last = first + datetime.timedelta(days=rng.randrange(-3, 900))
        walked = sum(1 for i in range((last - first).days + 1)
                     if cal.is_working_day(first + datetime.timedelta(days=i)))
        assert cal.working_days_in(first, last) == walked, (first, last)


def test_working_minutes_match_a_walk_from_minutes_to_years():
    wt, rng = default_worktime(), random.Random(5)
    base = datetime.datetime(2025, 1, 1, tzinfo=TIMEZONE)
    for _ in range(400):
        start = base + datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
        end = start + datetime.timedelta(minutes=rng.choice(
            (rng.randrange(-60, 600), rng.randrange(3 * 24 * 60), rng.randrange(800 * 24 * 60))))
        assert wt.minutes_between(start, end) == walked_minutes(wt, start, end), (start, end)
    # a step late by two years: counted in a handful of operations, not 700 day walks
    start = datetime.datetime(2024, 12, 2, 9, tzinfo=TIMEZONE)
    end = datetime.datetime(2026, 12, 2, 9, tzinfo=TIMEZONE)
    assert wt.minutes_between(start, end) == walked_minutes(wt, start, end) > 0
