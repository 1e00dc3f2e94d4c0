"""The forms of each step of our part in a safeguarding review. Dates are checked here (not in the
future, not before the incident) and again by the services, which also check dates against each
other (a deadline after receipt, a decision after the referral)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from webapp.forms import GovDateField, GovSelectField, NotBeforeIncident, NotInFuture, radio_field, text_area
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import BoardDecision, ExternalReviewKind, ReferredBy

NAME_MAX = 200


def _past_date(label, missing, future, before_incident) -> GovDateField:
    return GovDateField(
        label,
        missing_message=missing,
        description=_l("For example, 14 2 2026"),
        validators=[NotInFuture(future), NotBeforeIncident(before_incident)],
    )


def _short_text(label, missing, too_long, *, description=None, required: bool = True) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=description,
        filters=[lambda value: value.strip() if value else value],
        validators=[
            DataRequired(message=missing) if required else Optional(),
            Length(max=NAME_MAX, message=too_long),
        ],
    )


class KnownForm(FlaskForm):
    kind = radio_field(
        _l("Which safeguarding review is now known?"),
        ExternalReviewKind.choices(),
        message=_l("Select the safeguarding review that is now known"),
    )
    submit = SubmitField(_l("Record that it is known"), widget=GovSubmitInput())


class ReferralForm(FlaskForm):
    board = _short_text(
        _l("Regional Safeguarding Board"),
        _l("Enter the name of the Regional Safeguarding Board"),
        _l("Regional Safeguarding Board must be 200 characters or fewer"),
        description=_l("For example, the Cwm Taf Morgannwg Safeguarding Board."),
    )
    referred_on = _past_date(
        _l("Date of the referral"),
        _l("Enter the date of the referral"),
        _l("The date of the referral must be today or in the past"),
        _l("The date of the referral must be on or after the date of the incident"),
    )
    referred_by = radio_field(
        _l("Who made the referral?"), ReferredBy.choices(), message=_l("Select who made the referral")
    )
    referring_agency = _short_text(
        _l("Referring agency"),
        None,
        _l("Referring agency must be 200 characters or fewer"),
        description=_l("If another agency made the referral, which one."),
        required=False,
    )
    submit = SubmitField(_l("Save the referral"), widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decided_on = _past_date(
        _l("Date of the decision"),
        _l("Enter the date of the decision"),
        _l("The date of the decision must be today or in the past"),
        _l("The date of the decision must be on or after the date of the incident"),
    )
    decision = radio_field(
        _l("What did the case review group decide?"),
        BoardDecision.choices(),
        message=_l("Select what the case review group decided"),
    )
    notes = text_area(_l("Notes"), description=_l("Optional. For example, the reasons the group gave."))
    submit = SubmitField(_l("Save the decision"), widget=GovSubmitInput())


class ChronologyForm(FlaskForm):
    submitted_on = _past_date(
        _l("Date our chronology was submitted"),
        _l("Enter the date the chronology was submitted"),
        _l("The date the chronology was submitted must be today or in the past"),
        _l("The date the chronology was submitted must be on or after the date of the incident"),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class AttendeesField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices}
        if not set(self.data or []) <= allowed:
            raise StopValidation(_("Select only the people shown"))


class LearningEventForm(FlaskForm):
    held_on = _past_date(
        _l("Date of the learning event"),
        _l("Enter the date of the learning event"),
        _l("The date of the learning event must be today or in the past"),
        _l("The date of the learning event must be on or after the date of the incident"),
    )
    attendees = AttendeesField(
        _l("Who attended from Cafcass Cymru"), coerce=int, description=_l("Select all that apply.")
    )
    submit = SubmitField(_l("Save the learning event"), widget=GovSubmitInput())


class ReportForm(FlaskForm):
    received_on = _past_date(
        _l("Date the report was received"),
        _l("Enter the date the report was received"),
        _l("The date the report was received must be today or in the past"),
        _l("The date the report was received must be on or after the date of the incident"),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class RequestForm(FlaskForm):
    received_on = _past_date(
        _l("Date the request was received"),
        _l("Enter the date the request was received"),
        _l("The date the request was received must be today or in the past"),
        _l("The date the request was received must be on or after the date of the incident"),
    )
    requested_by = _short_text(
        _l("From"),
        _l("Enter who sent the request"),
        _l("From must be 200 characters or fewer"),
        description=_l("For example, the review panel's chair."),
    )
    summary = text_area(
        _l("What is asked, in brief"),
        _l("Enter what is asked"),
        limit=1000,
        description=_l("No names are needed: the request is kept with the review."),
    )
    deadline = GovDateField(
        _l("Deadline"),
        missing_message=_l("Enter the deadline"),
        description=_l("For example, 30 6 2026"),
    )
    submit = SubmitField(_l("Record the request"), widget=GovSubmitInput())

    def validate_deadline(self, field) -> None:
        received = self.received_on.data
        if field.data is not None and received is not None and field.data < received:
            raise StopValidation(_("The deadline must be on or after the date the request was received"))


class AnswerForm(FlaskForm):
    answered_on = _past_date(
        _l("Date the answer was sent"),
        _l("Enter the date the answer was sent"),
        _l("The date the answer was sent must be today or in the past"),
        _l("The date the answer was sent must be on or after the date of the incident"),
    )
    note = text_area(_l("Note"), description=_l("Optional. For example, what was sent."))
    submit = SubmitField(_l("Record the answer"), widget=GovSubmitInput())


class CancelRequestForm(FlaskForm):
    reason = text_area(
        _l("Why is the request no longer to be answered?"), _l("Enter why the request is cancelled")
    )
    submit = SubmitField(_l("Cancel the request"), widget=GovSubmitInput())


class ActionForm(FlaskForm):
    action = text_area(_l("Action for us"), _l("Enter the action"), limit=2000)
    owner_id = GovSelectField(_l("Owner"), message=_l("Select who owns the action"))
    due_on = GovDateField(
        _l("Due date"),
        missing_message=_l("Enter the date the action is due"),
        description=_l("For example, 30 6 2026"),
    )
    submit = SubmitField(_l("Add the action to the action plan"), widget=GovSubmitInput())
