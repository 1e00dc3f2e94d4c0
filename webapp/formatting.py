"""Template filters: times are stored in UTC and shown in Europe/London, dates the GOV.UK way."""

from __future__ import annotations

from datetime import date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from babel import dates
from flask import Flask

from webapp.i18n import current_language, gettext, pgettext

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
    return dates.format_date(value, "d MMMM y", locale=current_language())


def format_datetime(value: datetime | None) -> str:
    """ "1 December 2026 at 3:05pm", or "1 Rhagfyr 2026 am 3:05yh"."""
    if value is None:
        return ""
    local = london(value)
    language = current_language()
    day = dates.format_date(local, "d MMMM y", locale=language)
    hour = local.strftime("%I").lstrip("0") or "12"
    period = pgettext("before noon", "am") if local.hour < 12 else pgettext("after noon", "pm")
    time = f"{hour}:{local:%M}{period}"
    # Translators: a date and a time, as "1 December 2026 at 3:05pm".
    return gettext("%(day)s at %(time)s", day=day, time=time)


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
