"""Forms for cases, children, court applications and incidents."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from webapp.forms import GovDateField, GovSelectField, NotInFuture, radio_field, text_area, yes_no_field
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
        "Case number",
        widget=GovTextInput(),
        description="For example, CF25P01234",
        validators=[
            DataRequired(message="Enter the case number"),
            Length(max=32, message="Case number must be 32 characters or fewer"),
            Regexp(
                r"^\s*[A-Za-z0-9][A-Za-z0-9/\- ]*\s*$",
                message="Case number must only include letters, numbers, hyphens and slashes",
            ),
        ],
    )
    area_id = GovSelectField("Operational area", message="Select the operational area")
    law_type = radio_field(
        "Type of proceedings", LawType.choices(), message="Select public law or private law"
    )
    proceedings_status = radio_field(
        "Are the proceedings ongoing or closed?",
        ProceedingsStatus.choices(),
        message="Select whether the proceedings are ongoing or closed",
    )
    proceedings_closed_on = GovDateField(
        "Date the proceedings closed",
        missing_message="Enter the date the proceedings closed",
        optional=True,
        description="Only if the proceedings are closed. For example, 27 3 2025",
        validators=[NotInFuture("Date the proceedings closed must be today or in the past")],
    )
    practitioner_id = GovSelectField("Allocated practitioner", message="Select the practitioner")
    practice_manager_id = GovSelectField("Practice Manager", message="Select the Practice Manager")
    version = HiddenField()
    submit = SubmitField("Save case", widget=GovSubmitInput())

    def validate_proceedings_closed_on(self, field):
        if self.proceedings_status.data == ProceedingsStatus.CLOSED and field.data is None:
            raise ValidationError("Enter the date the proceedings closed")

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
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the child's full name"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    date_of_birth = GovDateField(
        "Date of birth",
        missing_message="Enter the child's date of birth",
        description="For example, 14 6 2019",
        validators=[NotInFuture("Date of birth must be today or in the past")],
    )
    submit = SubmitField("Add child", widget=GovSubmitInput())


class ApplicationForm(FlaskForm):
    application_type = radio_field(
        "Type of application", ApplicationType.choices(), message="Select the type of application"
    )
    made_on = GovDateField(
        "Date the application was made",
        missing_message="Enter the date the application was made",
        description="For example, 3 2 2025",
        validators=[NotInFuture("Date the application was made must be today or in the past")],
    )
    submit = SubmitField("Add application", widget=GovSubmitInput())


class IncidentForm(FlaskForm):
    kind = radio_field(
        "What happened?", IncidentKind.choices(), message="Select a death or a significant incident"
    )
    occurred_on = GovDateField(
        "Date of the incident",
        missing_message="Enter the date of the incident",
        description="If you do not know the exact date, give the best date you have. For example, 9 10 2026",
        validators=[NotInFuture("Date of the incident must be today or in the past")],
    )
    cause = radio_field(
        "What was the cause?",
        IncidentCause.choices(),
        message="Select the cause, or 'Not yet known'",
    )
    person_affected = radio_field(
        "Who was affected?", PersonAffected.choices(), message="Select who was affected"
    )
    linked_to_court_involvement = yes_no_field(
        "Is the death or significant incident linked to previous family court involvement?",
        message="Select yes if the incident is linked to the court involvement",
        description=(
            "The procedure's words (Closed Cases). Answer for cases whose proceedings have closed: is "
            "the incident linked to the family court proceedings we were involved in? An incident that "
            "happened before the proceedings closed counts as linked whatever you answer."
        ),
    )
    susr_known = yes_no_field(
        "Is a Single Unified Safeguarding Review (Wales) known to be taking place?",
        message="Select yes if a Single Unified Safeguarding Review is known",
    )
    scr_known = yes_no_field(
        "Is a Serious Case Review or Child Safeguarding Practice Review (England) known?",
        message="Select yes if a Serious Case Review or Child Safeguarding Practice Review is known",
    )
    summary = TextAreaField(
        "Summary of what is known",
        widget=GovCharacterCount(),
        description="Keep it short and factual. Do not include information that is not needed.",
        validators=[
            DataRequired(message="Enter a summary of what is known"),
            Length(max=SUMMARY_MAX, message=f"Summary must be {SUMMARY_MAX} characters or fewer"),
        ],
    )
    notified_by = StringField(
        "Who told us",
        widget=GovTextInput(),
        description="A role or organisation, for example 'Local authority social worker' or 'Police'",
        validators=[
            DataRequired(message="Enter who told us about the incident"),
            Length(max=200, message="Who told us must be 200 characters or fewer"),
        ],
    )
    notified_on = GovDateField(
        "Date we were told",
        missing_message="Enter the date we were told",
        description="Deadlines run from this date.",
        validators=[NotInFuture("Date we were told must be today or in the past")],
    )
    correction_reason = text_area(
        "Why are you correcting the facts of a closed review?",
        description=(
            "The review is closed. Your correction and this reason are kept in the incident's history."
        ),
    )
    version = HiddenField()
    submit = SubmitField("Save incident", widget=GovSubmitInput())

    def validate_notified_on(self, field):
        if field.data and self.occurred_on.data and field.data < self.occurred_on.data:
            raise ValidationError("Date we were told must be the same as or after the date of the incident")

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
