"""Working days on the England-and-Wales calendar; expected dates worked out by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import holidays
import pytest

from rules import add_working_days, due_date, is_working_day, working_days_between

# Christmas 2026: Fri 25 Dec; Boxing Day Sat 26 Dec, substitute Mon 28 Dec. New Year: Fri 1 Jan 2027.
# Easter 2027: Good Friday 26 Mar, Easter Monday 29 Mar.


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 25),  # Christmas Day, Friday
        date(2026, 12, 28),  # Boxing Day (substitute), Monday
        date(2027, 1, 1),  # New Year's Day, Friday
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2026, 8, 31),  # Late summer bank holiday
        date(2026, 12, 26),  # Saturday
        date(2026, 11, 22),  # Sunday
    ],
)
def test_holidays_and_weekends_are_not_working_days(day: date) -> None:
    assert not is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 12, 24), date(2026, 12, 29), date(2027, 3, 30)])
def test_ordinary_weekdays_are_working_days(day: date) -> None:
    assert is_working_day(day)


def test_wales_calendar_includes_easter_monday_which_bare_uk_misses() -> None:
    easter_monday = date(2027, 3, 29)

    assert easter_monday in holidays.country_holidays("GB", subdiv="WLS", years=2027)
    assert easter_monday not in holidays.UK(years=2027)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Thu -> skips Fri 25, weekend, Mon 28
        (date(2026, 12, 23), 2, date(2026, 12, 29)),  # Thu 24 is the first
        (date(2026, 12, 24), 3, date(2026, 12, 31)),  # Tue 29, Wed 30, Thu 31
        (date(2026, 12, 24), 4, date(2027, 1, 4)),  # skips Fri 1 Jan and the weekend
        (date(2027, 3, 25), 1, date(2027, 3, 30)),  # Thu -> skips Good Friday, weekend, Easter Monday
        (date(2027, 3, 24), 2, date(2027, 3, 30)),  # Thu 25 is the first
        (date(2026, 11, 20), 1, date(2026, 11, 23)),  # Fri -> Mon over a plain weekend
        (date(2026, 11, 21), 1, date(2026, 11, 23)),  # Sat -> Mon
        (date(2026, 11, 16), 5, date(2026, 11, 23)),  # a whole week
    ],
)
def test_add_working_days(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected


def test_zero_days_rolls_forward_to_a_working_day() -> None:
    assert add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)
    assert add_working_days(date(2027, 3, 26), 0) == date(2027, 3, 30)
    assert add_working_days(date(2026, 12, 24), 0) == date(2026, 12, 24)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (date(2026, 12, 24), date(2026, 12, 29), 1),
        (date(2026, 12, 24), date(2027, 1, 4), 4),
        (date(2027, 3, 25), date(2027, 3, 30), 1),
        (date(2026, 11, 20), date(2026, 11, 22), 0),  # only the weekend after
        (date(2026, 11, 16), date(2026, 11, 16), 0),
        (date(2026, 12, 29), date(2026, 12, 24), -1),
    ],
)
def test_working_days_between(a: date, b: date, expected: int) -> None:
    assert working_days_between(a, b) == expected


def test_due_date_counts_from_the_london_date() -> None:
    # 23:30 UTC on Tue 30 Jun 2026 is 00:30 BST on Wed 1 Jul: one working day later is Thu 2 Jul.
    assert due_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), 1) == date(2026, 7, 2)
    # In winter London is on UTC: Thu 24 Dec 2026 + 1 working day is Tue 29 Dec.
    assert due_date(datetime(2026, 12, 24, 23, 30, tzinfo=UTC), 1) == date(2026, 12, 29)


def test_due_date_accepts_other_aware_datetimes() -> None:
    new_york = timezone(timedelta(hours=-5))

    assert due_date(datetime(2026, 12, 24, 20, 0, tzinfo=new_york), 0) == date(2026, 12, 29)


def test_due_date_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        due_date(datetime(2026, 12, 24, 12, 0), 1)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 24), -1)


def test_datetimes_are_refused_where_a_date_is_expected() -> None:
    # A datetime never equals a date, so it would slip past the holiday check.
    with pytest.raises(TypeError):
        is_working_day(datetime(2026, 12, 25, tzinfo=UTC))
