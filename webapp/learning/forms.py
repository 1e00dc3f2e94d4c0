"""Forms for the learning record, the SLT meeting, the action plan, the lists and the dashboard."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from webapp.forms import (
    GovDateField,
    GovSelectField,
    NotBeforeIncident,
    NotInFuture,
    NotInPast,
    NotLaterThanWorkingDays,
    radio_field,
    text_area,
    yes_no_field,
)
from webapp.learning.services import ASSESSED_MAIN_RISK, OUTCOMES, PERPETRATOR_RELATIONS
from webapp.models import ActionStatus, TagKind

ACTION_MAX = 2000


class _CheckboxesInput(GovCheckboxesInput):
    """No empty hint element (as webapp.forms does for radios): aria-describedby would point at nothing."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)
        return params


class TagChoiceField(SelectMultipleField):
    """Checkboxes of learning tags by id; anything not offered gets one clear message."""

    widget = _CheckboxesInput()

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        self.invalid_message = message
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data is None:
            raise StopValidation(self.invalid_message)
        allowed = {choice[0] for choice in self.iter_choices()}
        if not set(self.data) <= allowed:
            raise StopValidation(self.invalid_message)


class LearningForm(FlaskForm):
    risk_factors = TagChoiceField(
        "Risk factors",
        message="Select risk factors from the list",
        description="Select all that were present.",
    )
    practice_themes = TagChoiceField(
        "Practice themes",
        message="Select practice themes from the list",
        description="Select all the review identified.",
    )
    outcome = radio_field("What was the outcome?", OUTCOMES, message="Select death or serious harm")
    during_proceedings = yes_no_field(
        "Did the incident happen while family court proceedings were ongoing?",
        message="Select yes if the incident happened during proceedings",
    )
    perpetrator_relation = radio_field(
        "Who is the suspected perpetrator?",
        PERPETRATOR_RELATIONS,
        message="Select who the suspected perpetrator is, or 'Not known'",
    )
    perpetrator_was_assessed_main_risk = radio_field(
        "Was the suspected perpetrator the person assessed as posing the greatest risk?",
        ASSESSED_MAIN_RISK,
        message="Select yes, no or 'Not known'",
    )
    submit = SubmitField("Save learning", widget=GovSubmitInput())

    def values(self) -> dict:
        return {
            "outcome": self.outcome.data,
            "during_proceedings": self.during_proceedings.data == "yes",
            "perpetrator_relation": self.perpetrator_relation.data,
            "perpetrator_was_assessed_main_risk": self.perpetrator_was_assessed_main_risk.data,
        }

    def tag_ids(self) -> set[int]:
        return set(self.risk_factors.data or []) | set(self.practice_themes.data or [])


class SltForm(FlaskForm):
    met_on = GovDateField(
        "Date of the Senior Leadership Team meeting",
        missing_message="Enter the date of the meeting",
        description="For example, 14 3 2026",
        validators=[
            NotInFuture("Date of the meeting must be today or in the past"),
            NotBeforeIncident("Date of the meeting must be on or after the date of the incident"),
        ],
    )
    notes = text_area("What the meeting discussed and decided", "Enter what the meeting discussed")
    submit = SubmitField("Record the meeting", widget=GovSubmitInput())


class NoLearningForm(FlaskForm):
    rationale = text_area(
        "Why was no learning identified?", "Enter why no learning was identified, for the record"
    )
    submit = SubmitField("Close the review without learning", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    action = text_area("Action", "Enter the action", limit=ACTION_MAX)
    owner_id = GovSelectField("Owner", message="Select who owns the action")
    due_on = GovDateField(
        "Due date",
        missing_message="Enter the date the action is due",
        description="For example, 30 6 2026",
    )
    submit = SubmitField("Add the action", widget=GovSubmitInput())


class NewActionForm(ActionForm):
    due_on = GovDateField(
        "Due date",
        missing_message="Enter the date the action is due",
        description="For example, 30 6 2026",
        validators=[
            NotInPast("Due date must be today or in the future"),
            NotLaterThanWorkingDays(
                "action_due_maximum",
                "Due date must be no later than {latest} (this service's default maximum for an action)",
            ),
        ],
    )


class ProgressForm(FlaskForm):
    status = radio_field("Status", ActionStatus.choices(), message="Select the action's status")
    note = text_area("Progress note", description="Optional. What has been done, what is next.")
    submit = SubmitField("Save progress", widget=GovSubmitInput())


class ProgressReviewForm(FlaskForm):
    reviewed_on = GovDateField(
        "Date of the progress review",
        missing_message="Enter the date of the progress review",
        description="For example, 14 3 2026",
        validators=[
            NotInFuture("Date of the progress review must be today or in the past"),
            NotBeforeIncident("Date of the progress review must be on or after the date of the incident"),
        ],
    )
    notes = text_area("What the review found", "Enter what the progress review found")
    submit = SubmitField("Record the progress review", widget=GovSubmitInput())


class WithdrawActionForm(FlaskForm):
    reason = text_area(
        "Why is this action being withdrawn?",
        "Enter why the action is being withdrawn",
        description="The action stays in the plan's history with this reason.",
    )
    submit = SubmitField("Withdraw the action", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button and the CSRF token: agreeing the plan, confirming closure."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class TagForm(FlaskForm):
    kind = radio_field("Which list?", TagKind.choices(), message="Select risk factor or practice theme")
    name = StringField(
        "Name",
        widget=GovTextInput(),
        validators=[
            DataRequired(message="Enter the name"),
            Length(max=100, message="Name must be 100 characters or fewer"),
        ],
    )
    submit = SubmitField("Add to the list", widget=GovSubmitInput())


class PeriodForm(FlaskForm):
    """The dashboard's period, by incident date; read from the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    from_date = GovDateField("From", missing_message="Enter the first date of the period")
    to_date = GovDateField("To", missing_message="Enter the last date of the period")

    def validate_to_date(self, field):
        if self.from_date.data and field.data and field.data < self.from_date.data:
            raise ValidationError("The last date must be the same as or after the first date")


class LearningPointForm(FlaskForm):
    """Trace one learning point: what it concerns, and the actions that answer it (or why none does)."""

    risk_factors = TagChoiceField("Risk factors", message="Select risk factors from the list")
    practice_themes = TagChoiceField("Practice themes", message="Select practice themes from the list")
    actions = TagChoiceField(
        "Actions that answer this learning point",
        message="Select actions from this review's action plan",
        description="Select every action in the plan that answers it.",
    )
    no_action_reason = text_area(
        "If no action answers it, why not?",
        description="Only when no action is selected. For example, the learning is already part of training.",
    )
    submit = SubmitField("Save the learning point", widget=GovSubmitInput())

    def tag_ids(self) -> set[int]:
        return set(self.risk_factors.data or []) | set(self.practice_themes.data or [])
