"""Forms for the learning record, the SLT meeting, the action plan, the lists and the dashboard."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

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
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
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
        _l("Risk factors"),
        message=_l("Select risk factors from the list"),
        description=_l("Select all that were present."),
    )
    practice_themes = TagChoiceField(
        _l("Practice themes"),
        message=_l("Select practice themes from the list"),
        description=_l("Select all the review identified."),
    )
    outcome = radio_field(_l("What was the outcome?"), OUTCOMES, message=_l("Select death or serious harm"))
    during_proceedings = yes_no_field(
        _l("Did the incident happen while family court proceedings were ongoing?"),
        message=_l("Select yes if the incident happened during proceedings"),
    )
    perpetrator_relation = radio_field(
        _l("Who is the suspected perpetrator?"),
        PERPETRATOR_RELATIONS,
        message=_l("Select who the suspected perpetrator is, or 'Not known'"),
    )
    perpetrator_was_assessed_main_risk = radio_field(
        _l("Was the suspected perpetrator the person assessed as posing the greatest risk?"),
        ASSESSED_MAIN_RISK,
        message=_l("Select yes, no or 'Not known'"),
    )
    submit = SubmitField(_l("Save learning"), widget=GovSubmitInput())

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
        _l("Date of the Senior Leadership Team meeting"),
        missing_message=_l("Enter the date of the meeting"),
        description=_l("For example, 14 3 2026"),
        validators=[
            NotInFuture(_l("Date of the meeting must be today or in the past")),
            NotBeforeIncident(_l("Date of the meeting must be on or after the date of the incident")),
        ],
    )
    notes = text_area(_l("What the meeting discussed and decided"), _l("Enter what the meeting discussed"))
    submit = SubmitField(_l("Record the meeting"), widget=GovSubmitInput())


class NoLearningForm(FlaskForm):
    rationale = text_area(
        _l("Why was no learning identified?"), _l("Enter why no learning was identified, for the record")
    )
    submit = SubmitField(_l("Close the review without learning"), widget=GovSubmitInput())


class ActionForm(FlaskForm):
    action = text_area(_l("Action"), _l("Enter the action"), limit=ACTION_MAX)
    owner_id = GovSelectField(_l("Owner"), message=_l("Select who owns the action"))
    due_on = GovDateField(
        _l("Due date"),
        missing_message=_l("Enter the date the action is due"),
        description=_l("For example, 30 6 2026"),
    )
    submit = SubmitField(_l("Add the action"), widget=GovSubmitInput())


class NewActionForm(ActionForm):
    due_on = GovDateField(
        _l("Due date"),
        missing_message=_l("Enter the date the action is due"),
        description=_l("For example, 30 6 2026"),
        validators=[
            NotInPast(_l("Due date must be today or in the future")),
            NotLaterThanWorkingDays(
                "action_due_maximum",
                _l("Due date must be no later than {latest} (this service's default maximum for an action)"),
            ),
        ],
    )


class ProgressForm(FlaskForm):
    status = radio_field(_l("Status"), ActionStatus.choices(), message=_l("Select the action's status"))
    note = text_area(_l("Progress note"), description=_l("Optional. What has been done, what is next."))
    submit = SubmitField(_l("Save progress"), widget=GovSubmitInput())


class ProgressReviewForm(FlaskForm):
    reviewed_on = GovDateField(
        _l("Date of the progress review"),
        missing_message=_l("Enter the date of the progress review"),
        description=_l("For example, 14 3 2026"),
        validators=[
            NotInFuture(_l("Date of the progress review must be today or in the past")),
            NotBeforeIncident(_l("Date of the progress review must be on or after the date of the incident")),
        ],
    )
    notes = text_area(_l("What the review found"), _l("Enter what the progress review found"))
    submit = SubmitField(_l("Record the progress review"), widget=GovSubmitInput())


class WithdrawActionForm(FlaskForm):
    reason = text_area(
        _l("Why is this action being withdrawn?"),
        _l("Enter why the action is being withdrawn"),
        description=_l("The action stays in the plan's history with this reason."),
    )
    submit = SubmitField(_l("Withdraw the action"), widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button and the CSRF token: agreeing the plan, confirming closure."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


class TagForm(FlaskForm):
    kind = radio_field(
        _l("Which list?"), TagKind.choices(), message=_l("Select risk factor or practice theme")
    )
    name = StringField(
        _l("Name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter the name")),
            Length(max=100, message=_l("Name must be 100 characters or fewer")),
        ],
    )
    name_cy = StringField(
        _l("Welsh name"),
        widget=GovTextInput(),
        description=_l("Optional. Shown on Welsh pages; without it the name above is shown."),
        validators=[Optional(), Length(max=100, message=_l("Welsh name must be 100 characters or fewer"))],
    )
    submit = SubmitField(_l("Add to the list"), widget=GovSubmitInput())


class TagWelshNameForm(FlaskForm):
    """The Welsh name of one entry of the lists (empty: Welsh pages show its English name)."""

    name_cy = StringField(
        _l("Welsh name"),
        widget=GovTextInput(),
        description=_l("Leave empty to show the English name on Welsh pages too."),
        validators=[Optional(), Length(max=100, message=_l("Welsh name must be 100 characters or fewer"))],
    )
    submit = SubmitField(_l("Save the Welsh name"), widget=GovSubmitInput())


class PeriodForm(FlaskForm):
    """The dashboard's period, by incident date; read from the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    from_date = GovDateField(_l("From"), missing_message=_l("Enter the first date of the period"))
    to_date = GovDateField(_l("To"), missing_message=_l("Enter the last date of the period"))

    def validate_to_date(self, field):
        if self.from_date.data and field.data and field.data < self.from_date.data:
            raise ValidationError(_("The last date must be the same as or after the first date"))


class LearningPointForm(FlaskForm):
    """Trace one learning point: what it concerns, and the actions that answer it (or why none does)."""

    risk_factors = TagChoiceField(_l("Risk factors"), message=_l("Select risk factors from the list"))
    practice_themes = TagChoiceField(
        _l("Practice themes"), message=_l("Select practice themes from the list")
    )
    actions = TagChoiceField(
        _l("Actions that answer this learning point"),
        message=_l("Select actions from this review's action plan"),
        description=_l("Select every action in the plan that answers it."),
    )
    no_action_reason = text_area(
        _l("If no action answers it, why not?"),
        description=_l(
            "Only when no action is selected. For example, the learning is already part of training."
        ),
    )
    submit = SubmitField(_l("Save the learning point"), widget=GovSubmitInput())

    def tag_ids(self) -> set[int]:
        return set(self.risk_factors.data or []) | set(self.practice_themes.data or [])
