"""Template filters: times are stored in UTC and shown in Europe/London, dates the GOV.UK way."""

from __future__ import annotations

from datetime import date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from flask import Flask

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
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london(value)
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = london(value)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def yes_no(value: bool | None) -> str:
    return "Yes" if value else "No"


def format_iso_date(value: str | None) -> str:
    """A date kept as ISO text (in a JSON record of a change) in the pages' words."""
    return format_date(date.fromisoformat(value)) if value else ""


def register(app: Flask) -> None:
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(yes_no, "yes_no")
    app.add_template_filter(format_iso_date, "iso_date")
