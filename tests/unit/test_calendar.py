import datetime

import pytest

from records.calendar import Calendar, default_calendar

pytestmark = pytest.mark.foundation
D = datetime.date


def test_weekends_are_skipped():
    cal = Calendar()
    assert cal.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday → Monday
    assert cal.add_working_days(D(2026, 3, 6), 3) == D(2026, 3, 11)
    assert cal.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # received on Saturday


def test_holidays_from_data_are_skipped():
    cal = default_calendar()
    # Tết 2026: 14–22 February off; received Friday 13 Feb with 1 working day → Monday 23.
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    # 30/4 and 1/5/2026 (Thursday, Friday): received Wednesday 29/4, 2 days → Tuesday 5/5.
    assert cal.add_working_days(D(2026, 4, 29), 2) == D(2026, 5, 5)
    assert not cal.is_working_day(D(2026, 9, 2))


def test_swapped_working_saturday_counts():
    cal = Calendar(holidays=[D(2026, 1, 2)], working_days=[D(2026, 1, 10)])
    assert cal.is_working_day(D(2026, 1, 10))
    assert cal.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)


def test_working_days_between():
    cal = Calendar()
    assert cal.working_days_between(D(2026, 3, 2), D(2026, 3, 9)) == 5
    assert cal.working_days_between(D(2026, 3, 9), D(2026, 3, 2)) == 0


def test_zero_day_procedure_is_due_the_same_day():
    assert Calendar().add_working_days(D(2026, 3, 4), 0) == D(2026, 3, 4)
