"""Form fields shared by every area: GOV.UK widgets with the messages the design system asks for."""

from __future__ import annotations

import re
from datetime import date
from typing import TypeVar, overload

from flask import flash
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import DateField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from webapp.formatting import format_date, format_number, today_in_london
from webapp.i18n import gettext, lazy_gettext

T = TypeVar("T")


def validated(value: T | None) -> T:
    """A required field's value once its form has validated, when its validators refuse an empty one.

    A field's data is None until then; reading it earlier is a bug in the view, and fails here."""
    if value is None:
        raise ValueError("a required field was read before its form validated")
    return value


# The longest free text most fields take; a field that needs more says so with its own limit.
TEXT_MAX = 5000

# Control characters a textarea can carry but PostgreSQL (NUL) and DOCX (XML) cannot store.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@overload
def clean_text(value: str) -> str: ...
@overload
def clean_text(value: None) -> None: ...
@overload
def clean_text(value: str | None) -> str | None: ...


def clean_text(value: str | None) -> str | None:
    """Line endings as \\n and no control characters; the rest of the text exactly as typed."""
    if value is None:
        return None
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class MaxLength(Length):
    """At most ``max`` characters, its message written when the check fails: in the reader's
    language, with the field's label and the limit as the reader writes numbers."""

    def __init__(self, max: int):
        super().__init__(max=max)

    def __call__(self, form, field):
        if field.data and len(field.data) > self.max:
            raise ValidationError(
                gettext(
                    "%(label)s must be %(limit)s characters or fewer",
                    label=str(field.label.text),
                    limit=format_number(self.max),
                )
            )


def text_area(
    label: str, message: str | None = None, *, limit: int = TEXT_MAX, description: str | None = None
) -> TextAreaField:
    """A GOV.UK character-count textarea: required when ``message`` (what to enter) is given, at most
    ``limit`` characters, its text cleaned of what cannot be stored. ``label``, ``message`` and
    ``description`` are lazy texts (``lazy_gettext``): the form is built at import time."""
    return TextAreaField(
        label,
        widget=GovCharacterCount(),
        description=description,
        validators=[DataRequired(message=message) if message else Optional(), MaxLength(limit)],
        filters=[clean_text],
    )


class _DateInput(GovDateInput):
    """The library's widget expects exactly three posted parts; a tampered form may send fewer."""

    def map_gov_params(self, field, **kwargs):
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = ([*list(field.raw_data), "", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        # The library writes the boxes' labels in English.
        words = {"Day": gettext("Day"), "Month": gettext("Month"), "Year": gettext("Year")}
        for item in params.get("items", []):
            item["label"] = words.get(item.get("label"), item.get("label"))
        return params


class GovDateField(DateField):
    """Day, month and year boxes; a clear message for anything that is not a real date."""

    widget = _DateInput()

    def __init__(
        self, label=None, validators=None, *, missing_message: str, optional: bool = False, **kwargs
    ):
        self.missing_message = missing_message
        self.optional = optional
        super().__init__(label, validators, format="%d %m %Y", **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not any(part.strip() for part in valuelist):
            self.data = None
            return
        if len(valuelist) != 3 or not all(part.strip() for part in valuelist):
            self.data = None
            raise ValueError(
                gettext("%(label)s must include a day, month and year", label=str(self.label.text))
            )
        try:
            day, month, year = (int(part.strip()) for part in valuelist)
            if year < 1900:
                raise ValueError
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError(gettext("%(label)s must be a real date", label=str(self.label.text))) from None

    def pre_validate(self, form):
        if self.data is None and not self.errors and not self.optional:
            raise StopValidation(self.missing_message)
        if self.errors:
            raise StopValidation()


class NotInFuture:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and field.data > today_in_london():
            raise ValidationError(self.message)


class NotBeforeIncident:
    """A date that records something following the incident cannot come before it. The page sets
    ``form.incident_date`` (``on_incident``); without it the check has nothing to compare."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        earliest = getattr(form, "incident_date", None)
        if field.data is not None and earliest is not None and field.data < earliest:
            raise ValidationError(self.message)


F = TypeVar("F")


def on_incident(form: F, incident_date) -> F:
    """Give ``form`` the incident's date, for its NotBeforeIncident checks."""
    form.incident_date = incident_date  # type: ignore[attr-defined]
    return form


class NotLaterThanWorkingDays:
    """A due date no later than the policy's maximum (working days from today), read when checked,
    so an administrator's change applies at once. ``message`` (a lazy text) names the date as
    ``{latest}``, written when checked in the reader's language."""

    def __init__(self, policy_key: str, message: str):
        self.policy_key = policy_key
        self.message = message

    def __call__(self, form, field):
        import rules
        from webapp.tasks.services import policy

        if field.data is None:
            return
        latest = rules.add_working_days(today_in_london(), policy().timescale(self.policy_key))
        if field.data > latest:
            raise ValidationError(str(self.message).format(latest=format_date(latest)))


class _RadioInput(GovRadioInput):
    """No empty hint element: the library adds one, and aria-describedby would point at nothing."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)
        return params


class GovRadioField(RadioField):
    """Radios where a missing or unknown answer gets the one message the page asks for."""

    widget = _RadioInput()

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        self.missing_message = message
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form):
        if self.data not in {choice[0] for choice in self.iter_choices()}:
            raise StopValidation(self.missing_message)


class NotInPast:
    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.data is not None and field.data < today_in_london():
            raise ValidationError(self.message)


def radio_field(label: str, choices: list[tuple[str, str]], *, message: str, **kwargs) -> RadioField:
    return GovRadioField(label, choices=choices, message=message, **kwargs)


YES_NO = [("yes", lazy_gettext("Yes")), ("no", lazy_gettext("No"))]


def yes_no_field(label: str, *, message: str, **kwargs) -> RadioField:
    return radio_field(label, YES_NO, message=message, **kwargs)


def int_or_none(value) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class GovSelectField(SelectField):
    """A select of ids; a missing, malformed or unknown choice gets the page's own message."""

    widget = GovSelect()

    def __init__(self, label=None, validators=None, *, message: str, optional: bool = False, **kwargs):
        self.missing_message = message
        self.optional = optional
        kwargs.setdefault("coerce", int_or_none)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        allowed = {self.coerce(choice[0]) for choice in self.iter_choices()} - {None}
        if self.data is None and self.optional:
            return
        if self.data not in allowed:
            raise StopValidation(self.missing_message)


class ConfirmRemovalForm(FlaskForm):
    """The button on a page that asks before removing something (WCAG 3.3.4); confirm_removal.html."""

    submit = SubmitField(lazy_gettext("Yes, remove it"), widget=GovSubmitInput())


NOTHING_CHANGED = lazy_gettext("You did not change anything.")


def flash_saved(message: str, changed: object) -> None:
    """After a save: ``message`` as a success when something changed; otherwise that nothing did, as
    information, never under a "Success" heading. A flash is kept in the session as plain text, so
    ``message`` is put in the reader's language now (``gettext`` or a lazy text)."""
    if changed:
        flash(str(message), "success")
    else:
        flash(str(NOTHING_CHANGED), "info")
