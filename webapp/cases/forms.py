"""Forms for cases, children, court applications and incidents."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from webapp.forms import GovDateField, GovSelectField, NotInFuture, radio_field, text_area, yes_no_field
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning.forms import TagChoiceField
from webapp.models import (
    ApplicationType,
    IncidentCause,
    IncidentKind,
    LawType,
    PersonAffected,
    ProceedingsStatus,
)

SUMMARY_MAX = 2000


class CaseForm(FlaskForm):
    case_number = StringField(
        _l("Case number"),
        widget=GovTextInput(),
        description=_l("For example, CF25P01234"),
        validators=[
            DataRequired(message=_l("Enter the case number")),
            Length(max=32, message=_l("Case number must be 32 characters or fewer")),
            Regexp(
                r"^\s*[A-Za-z0-9][A-Za-z0-9/\- ]*\s*$",
                message=_l("Case number must only include letters, numbers, hyphens and slashes"),
            ),
        ],
    )
    area_id = GovSelectField(_l("Operational area"), message=_l("Select the operational area"))
    law_type = radio_field(
        _l("Type of proceedings"), LawType.choices(), message=_l("Select public law or private law")
    )
    proceedings_status = radio_field(
        _l("Are the proceedings ongoing or closed?"),
        ProceedingsStatus.choices(),
        message=_l("Select whether the proceedings are ongoing or closed"),
    )
    proceedings_closed_on = GovDateField(
        _l("Date the proceedings closed"),
        missing_message=_l("Enter the date the proceedings closed"),
        optional=True,
        description=_l("Only if the proceedings are closed. For example, 27 3 2025"),
        validators=[NotInFuture(_l("Date the proceedings closed must be today or in the past"))],
    )
    practitioner_id = GovSelectField(_l("Allocated practitioner"), message=_l("Select the practitioner"))
    practice_manager_id = GovSelectField(_l("Practice Manager"), message=_l("Select the Practice Manager"))
    version = HiddenField()
    submit = SubmitField(_l("Save case"), widget=GovSubmitInput())

    def validate_proceedings_closed_on(self, field):
        if self.proceedings_status.data == ProceedingsStatus.CLOSED and field.data is None:
            raise ValidationError(_l("Enter the date the proceedings closed"))

    def values(self) -> dict:
        from webapp.cases.services import normalise_case_number

        status = ProceedingsStatus(self.proceedings_status.data)
        return {
            "case_number": normalise_case_number(self.case_number.data or ""),
            "area_id": self.area_id.data,
            "law_type": LawType(self.law_type.data),
            "proceedings_status": status,
            "proceedings_closed_on": (
                self.proceedings_closed_on.data if status == ProceedingsStatus.CLOSED else None
            ),
            "practitioner_id": self.practitioner_id.data,
            "practice_manager_id": self.practice_manager_id.data,
        }


class ChildForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter the child's full name")),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
    )
    date_of_birth = GovDateField(
        _l("Date of birth"),
        missing_message=_l("Enter the child's date of birth"),
        description=_l("For example, 14 6 2019"),
        validators=[NotInFuture(_l("Date of birth must be today or in the past"))],
    )
    submit = SubmitField(_l("Add child"), widget=GovSubmitInput())


class ApplicationForm(FlaskForm):
    application_type = radio_field(
        _l("Type of application"), ApplicationType.choices(), message=_l("Select the type of application")
    )
    made_on = GovDateField(
        _l("Date the application was made"),
        missing_message=_l("Enter the date the application was made"),
        description=_l("For example, 3 2 2025"),
        validators=[NotInFuture(_l("Date the application was made must be today or in the past"))],
    )
    submit = SubmitField(_l("Add application"), widget=GovSubmitInput())


class IncidentForm(FlaskForm):
    kind = radio_field(
        _l("What happened?"), IncidentKind.choices(), message=_l("Select a death or a significant incident")
    )
    occurred_on = GovDateField(
        _l("Date of the incident"),
        missing_message=_l("Enter the date of the incident"),
        description=_l(
            "If you do not know the exact date, give the best date you have. For example, 9 10 2026"
        ),
        validators=[NotInFuture(_l("Date of the incident must be today or in the past"))],
    )
    cause = radio_field(
        _l("What was the cause?"),
        IncidentCause.choices(),
        message=_l("Select the cause, or 'Not yet known'"),
    )
    person_affected = radio_field(
        _l("Who was affected?"), PersonAffected.choices(), message=_l("Select who was affected")
    )
    linked_to_court_involvement = yes_no_field(
        _l("Is the death or significant incident linked to previous family court involvement?"),
        message=_l("Select yes if the incident is linked to the court involvement"),
        description=_l(
            "The procedure's words (Closed Cases). Answer for cases whose proceedings have closed: is "
            "the incident linked to the family court proceedings we were involved in? An incident that "
            "happened before the proceedings closed counts as linked whatever you answer."
        ),
    )
    susr_known = yes_no_field(
        _l("Is a Single Unified Safeguarding Review (Wales) known to be taking place?"),
        message=_l("Select yes if a Single Unified Safeguarding Review is known"),
    )
    scr_known = yes_no_field(
        _l("Is a Serious Case Review or Child Safeguarding Practice Review (England) known?"),
        message=_l("Select yes if a Serious Case Review or Child Safeguarding Practice Review is known"),
    )
    summary = TextAreaField(
        _l("Summary of what is known"),
        widget=GovCharacterCount(),
        description=_l("Keep it short and factual. Do not include information that is not needed."),
        validators=[
            DataRequired(message=_l("Enter a summary of what is known")),
            Length(
                max=SUMMARY_MAX,
                message=_l("Summary must be %(max)s characters or fewer", max=SUMMARY_MAX),
            ),
        ],
    )
    notified_by = StringField(
        _l("Who told us"),
        widget=GovTextInput(),
        description=_l("A role or organisation, for example 'Local authority social worker' or 'Police'"),
        validators=[
            DataRequired(message=_l("Enter who told us about the incident")),
            Length(max=200, message=_l("Who told us must be 200 characters or fewer")),
        ],
    )
    notified_on = GovDateField(
        _l("Date we were told"),
        missing_message=_l("Enter the date we were told"),
        description=_l("Deadlines run from this date."),
        validators=[NotInFuture(_l("Date we were told must be today or in the past"))],
    )
    # Noted on the review, so the earlier reviews that share them are shown from the start
    # (webapp/learning/past.py). Optional: often little is known yet. Choices: the route's.
    known_risk_factors = TagChoiceField(
        _l("Risk factors already known (optional)"),
        message=_l("Select risk factors from the list"),
        description=_l(
            "Select any that are known about the family now. Earlier reviews that share them are "
            "shown with the incident, so what they learned can be used from the start."
        ),
    )
    correction_reason = text_area(
        _l("Why are you correcting the facts of a closed review?"),
        description=_l(
            "The review is closed. Your correction and this reason are kept in the incident's history."
        ),
    )
    version = HiddenField()
    submit = SubmitField(_l("Save incident"), widget=GovSubmitInput())

    def validate_notified_on(self, field):
        if field.data and self.occurred_on.data and field.data < self.occurred_on.data:
            raise ValidationError(
                _("Date we were told must be the same as or after the date of the incident")
            )

    def values(self) -> dict:
        return {
            "kind": IncidentKind(self.kind.data),
            "occurred_on": self.occurred_on.data,
            "cause": IncidentCause(self.cause.data),
            "person_affected": PersonAffected(self.person_affected.data),
            "linked_to_court_involvement": self.linked_to_court_involvement.data == "yes",
            "susr_known": self.susr_known.data == "yes",
            "scr_known": self.scr_known.data == "yes",
            "summary": (self.summary.data or "").strip(),
            "notified_by": (self.notified_by.data or "").strip(),
            "notified_on": self.notified_on.data,
        }


def version_of(form) -> int | None:
    """The record version the form was opened on; None if missing or tampered with."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None
