"""Template filters: times are stored in UTC and shown in Europe/London, dates the GOV.UK way."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from babel import dates, numbers
from flask import Flask

from webapp.i18n import current_language, gettext, ngettext, pgettext

LONDON = ZoneInfo("Europe/London")


def today_in_london() -> date:
    return datetime.now(LONDON).date()


@overload
def london(value: datetime) -> datetime: ...
@overload
def london(value: None) -> None: ...
@overload
def london(value: datetime | None) -> datetime | None: ...


def london(value: datetime | None) -> datetime | None:
    """The moment in Europe/London (None stays None)."""
    return value.astimezone(LONDON) if value is not None else None


def format_date(value: date | datetime | None) -> str:
    """ "1 December 2026", or in Welsh "1 Rhagfyr 2026" (Babel's cy locale)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london(value)
    return _day(value, current_language())


@functools.lru_cache(maxsize=4096)
def _day(value: date, language: str) -> str:
    """A day in words: the same day comes many times on a page (a list's due dates), and Babel reads
    its locale and pattern anew each call."""
    return dates.format_date(value, "d MMMM y", locale=language)


def format_datetime(value: datetime | None) -> str:
    """ "1 December 2026 at 3:05pm", or "1 Rhagfyr 2026 am 3:05yh"."""
    if value is None:
        return ""
    local = london(value)
    language = current_language()
    day = _day(local.date(), language)
    hour = local.strftime("%I").lstrip("0") or "12"
    period = pgettext("before noon", "am") if local.hour < 12 else pgettext("after noon", "pm")
    time = f"{hour}:{local:%M}{period}"
    # Translators: a date and a time, as "1 December 2026 at 3:05pm".
    return gettext("%(day)s at %(time)s", day=day, time=time)


def format_number(value: int) -> str:
    """ "5,000" (the same in Welsh)."""
    return numbers.format_decimal(value, locale=current_language())


def due_in(due_on: date, today: date | None = None) -> str:
    """How a deadline stands, in words: "Due today", "Due in 3 working days",
    "Overdue by 2 days". Working days (weekends and bank holidays skipped) until it; calendar days
    since it, as a person counts how late something is. Welsh has a form for 0, 1, 2, 3, 6 and
    other numbers, and keeps the noun singular after a figure ("Mewn 3 diwrnod gwaith")."""
    import rules

    today = today or today_in_london()
    if due_on == today:
        return gettext("Due today")
    if due_on < today:
        late = (today - due_on).days
        return ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", late)
    left = rules.working_days_between(today, due_on)
    if left <= 0:  # due on a weekend or bank holiday: the next working day is the last chance
        return gettext("Due on the next working day")
    return ngettext("Due in %(num)d working day", "Due in %(num)d working days", left)


def yes_no(value: bool | None) -> str:
    return gettext("Yes") if value else gettext("No")


def format_iso_date(value: str | None) -> str:
    """A date kept as ISO text (in a JSON record of a change) in the pages' words."""
    return format_date(date.fromisoformat(value)) if value else ""


def register(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(yes_no, "yes_no")
    app.add_template_filter(format_iso_date, "iso_date")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(due_in, "due_in")
