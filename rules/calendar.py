"""Working days on the England-and-Wales bank holiday calendar (GOV.UK, subdivision Wales)."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
_DAY = timedelta(days=1)


@functools.cache
def _bank_holidays(year: int) -> frozenset[date]:
    # Subdivision WLS: the bare UK calendar misses Easter Monday and the August bank holiday.
    # A frozenset, because a holidays object adds years to itself when asked about them.
    return frozenset(holidays.country_holidays("GB", subdiv="WLS", years=year))


def _check_date(d: date) -> None:
    # A datetime is a date, but never equals one: it would slip past the holiday check.
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}; use due_date() for datetimes")


def is_working_day(d: date) -> bool:
    """True unless ``d`` is a Saturday, a Sunday or an England-and-Wales bank holiday."""
    _check_date(d)
    return d.weekday() < 5 and d not in _bank_holidays(d.year)


def add_working_days(start: date, n: int) -> date:
    """The date ``n`` working days after ``start`` (not counted); n=0 rolls start to a working day."""
    _check_date(start)
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    day = start
    if n == 0:
        while not is_working_day(day):
            day += _DAY
        return day
    while n:
        day += _DAY
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days after ``a`` up to and including ``b``; negative when ``b`` is before ``a``.

    So ``working_days_between(a, add_working_days(a, n)) == n`` for n > 0.
    """
    _check_date(a)
    _check_date(b)
    if b < a:
        return -working_days_between(b, a)
    count = 0
    day = a
    while day < b:
        day += _DAY
        count += is_working_day(day)
    return count


def due_date(start: datetime, n: int) -> date:
    """The date ``n`` working days after ``start`` (an aware UTC datetime) as a London date."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("due_date needs a timezone-aware datetime (UTC), not a naive one")
    return add_working_days(start.astimezone(LONDON).date(), n)
