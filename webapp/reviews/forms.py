"""Forms for the decision and for actioning each kind of task."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Regexp

from webapp.forms import (
    GovDateField,
    GovSelectField,
    NotBeforeIncident,
    NotInFuture,
    NotInPast,
    radio_field,
    text_area,
    yes_no_field,
)
from webapp.i18n import lazy_gettext as _l
from webapp.models import TaskKind


class DecisionForm(FlaskForm):
    decision = radio_field(
        _l("Do you want to initiate an internal case review?"),
        [("initiate", _l("Yes, initiate a review")), ("decline", _l("No, do not initiate a review"))],
        message=_l("Select whether to initiate a review"),
    )
    rationale = text_area(_l("Rationale"), _l("Enter the rationale for your decision"))
    submit = SubmitField(_l("Record decision"), widget=GovSubmitInput())


class OverrideForm(FlaskForm):
    """Confirm an incident the rules found outside the procedure, or initiate a review anyway."""

    decision = radio_field(
        _l("The rules found this incident outside the procedure. What do you decide?"),
        [
            ("confirm", _l("Confirm: outside the procedure, no review")),
            ("initiate", _l("Initiate a review anyway")),
        ],
        message=_l("Select whether to confirm no review or initiate one"),
    )
    rationale = text_area(_l("Rationale"), _l("Enter the rationale for your decision"))
    submit = SubmitField(_l("Record decision"), widget=GovSubmitInput())


class NoteForm(FlaskForm):
    note = text_area(_l("Note"), description=_l("Optional."))
    submit = SubmitField(_l("Mark as done"), widget=GovSubmitInput())


class ConsultationForm(FlaskForm):
    view = text_area(
        _l("Your view on whether a review should be initiated"),
        _l("Enter your view for the Chief Executive or Deputy Chief Executive"),
    )
    submit = SubmitField(_l("Record consultation"), widget=GovSubmitInput())


class RapidReviewForm(FlaskForm):
    findings = text_area(
        _l("Findings of the rapid review and timeline"), _l("Enter the findings of the rapid review")
    )
    full_review_recommended = yes_no_field(
        _l("Is a full internal case review recommended?"),
        message=_l("Select yes if a full internal case review is recommended"),
    )
    submit = SubmitField(_l("Record rapid review"), widget=GovSubmitInput())


class InformedForm(FlaskForm):
    informed_on = GovDateField(
        _l("Date the practitioner and Practice Manager were informed"),
        missing_message=_l("Enter the date they were informed"),
        validators=[
            NotInFuture(_l("Date they were informed must be today or in the past")),
            NotBeforeIncident(_l("Date they were informed must be on or after the date of the incident")),
        ],
    )
    note = text_area(_l("Note"), description=_l("Optional."))
    submit = SubmitField(_l("Mark as done"), widget=GovSubmitInput())


class EapForm(FlaskForm):
    eap = radio_field(
        _l("Employee Assistance Programme referral"),
        [
            ("accepted", _l("Offered and accepted")),
            ("declined", _l("Offered and declined")),
            ("offered", _l("Offered, answer awaited")),
        ],
        message=_l("Select the outcome of the referral offer"),
        description=_l("'Answer awaited' keeps a follow-up task open for you."),
    )
    note = text_area(_l("Note"), description=_l("Optional."))
    submit = SubmitField(_l("Record referral offer"), widget=GovSubmitInput())


class ConfirmSupportNeedsForm(FlaskForm):
    confirmed = radio_field(
        _l("Are these the support needs you agreed with your Practice Manager?"),
        [("confirmed", _l("Yes, I confirm them")), ("disputed", _l("No, I do not agree with them"))],
        message=_l("Select whether you confirm the support needs"),
    )
    comment = text_area(_l("Comment"), description=_l("Optional. Say what is missing or wrong, if anything."))
    submit = SubmitField(_l("Send my answer"), widget=GovSubmitInput())


class SupportMeetingsForm(FlaskForm):
    first_meeting_on = GovDateField(
        _l("Date of the first support meeting"),
        missing_message=_l("Enter the date of the first support meeting"),
        validators=[NotInPast(_l("Date of the first support meeting must be today or in the future"))],
    )
    first_meeting_time = StringField(
        _l("Time of the first support meeting"),
        widget=GovTextInput(),
        description=_l("Use the 24-hour clock, for example 14:30. Later meetings keep the same time."),
        default="10:00",
        validators=[
            DataRequired(message=_l("Enter the time of the first support meeting")),
            Regexp(r"^([01]?\d|2[0-3]):[0-5]\d$", message=_l("Enter a time like 09:30 or 14:00")),
        ],
    )
    cadence_working_days = IntegerField(
        _l("Working days between meetings"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter the number of working days between meetings")),
            NumberRange(min=1, max=60, message=_l("Working days between meetings must be from 1 to 60")),
        ],
    )
    submit = SubmitField(_l("Record support meetings"), widget=GovSubmitInput())


class SupportNeedsForm(FlaskForm):
    needs = text_area(_l("Support needs agreed with the practitioner"), _l("Enter the support needs agreed"))
    submit = SubmitField(_l("Record support needs"), widget=GovSubmitInput())


class AllocateReviewerForm(FlaskForm):
    reviewer_id = GovSelectField(
        _l("Head of Operations to lead the review"),
        message=_l("Select a Head of Operations from another operational area"),
        description=_l("Only Heads of Operations from outside the case-managing area are listed."),
    )
    submit = SubmitField(_l("Allocate reviewer"), widget=GovSubmitInput())


TASK_FORMS: dict[TaskKind, type[FlaskForm]] = {
    TaskKind.ACKNOWLEDGE_INCIDENT: NoteForm,
    TaskKind.CONSULT_AREA_HEAD: ConsultationForm,
    TaskKind.RAPID_REVIEW: RapidReviewForm,
    TaskKind.INFORM_PRACTITIONER_AND_PM: InformedForm,
    TaskKind.OFFER_EAP_REFERRAL: EapForm,
    TaskKind.FOLLOW_UP_EAP_REFERRAL: EapForm,
    TaskKind.CONFIRM_SUPPORT_NEEDS: ConfirmSupportNeedsForm,
    TaskKind.ARRANGE_SUPPORT_MEETINGS: SupportMeetingsForm,
    TaskKind.AGREE_SUPPORT_NEEDS: SupportNeedsForm,
    TaskKind.ALLOCATE_REVIEWER: AllocateReviewerForm,
}


def meeting_start(form: SupportMeetingsForm):
    """The first meeting's date and time, in Europe/London, as an aware UTC datetime."""
    from datetime import UTC, datetime, time

    from webapp.formatting import LONDON

    day, time_text = form.first_meeting_on.data, form.first_meeting_time.data
    if day is None or time_text is None:
        raise ValueError("the form has not been validated")
    hours, minutes = (int(part) for part in time_text.strip().split(":"))
    local = datetime.combine(day, time(hours, minutes), tzinfo=LONDON)
    return local.astimezone(UTC)


def outcome_of(form: FlaskForm) -> dict:
    """The answers as JSON-ready values, without the token and the button."""
    values = {}
    for name, field in form._fields.items():
        if name in {"csrf_token", "submit"}:
            continue
        value = field.data
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return values
