"""Forms for accuracy responses, the dispute stages and the disclosure log. Their words are lazy
texts (``_l``): the classes are made at import, the page is read in the reader's language."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webapp.accuracy.disclosure import EXTERNAL_REVIEWS
from webapp.forms import GovDateField, GovSelectField, NotBeforeIncident, NotInFuture, radio_field, text_area
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import DisputeOutcome


class AccuracyResponseForm(FlaskForm):
    answer = radio_field(
        _l("Do you agree that the report is accurate, including its learning points?"),
        [
            ("agree", _l("Yes, I agree the report is accurate")),
            ("concern", _l("No, I want to raise a concern about the report")),
        ],
        message=_l("Select whether you agree the report is accurate or want to raise a concern"),
    )
    # Not a conditional reveal: GOV.UK Frontend puts aria-expanded on the radio, which axe-core reports
    # as a violation (alphagov/govuk-frontend#979), and these pages must have none.
    concern = text_area(
        _l("Your concern"),
        None,
        description=_l(
            "Only if you raise a concern. Say what is inaccurate or missing, and what it should say."
        ),
    )
    submit = SubmitField(_l("Send response"), widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        concern = (self.concern.data or "").strip()
        if self.answer.data == "concern" and not concern:
            self.concern.errors = [*self.concern.errors, _("Enter your concern about the report")]
            return False
        if self.answer.data == "agree" and concern:
            # Nothing typed is dropped unseen: the person says which they meant.
            self.concern.errors = [
                *self.concern.errors,
                _("You chose to agree: delete your concern, or choose to raise a concern"),
            ]
            return False
        return valid


class AuthorResponseForm(FlaskForm):
    response = text_area(
        _l("Your response to the concern"),
        _l("Enter your response to the concern"),
        description=_l(
            "Say why the report stands as written. To change the report instead, revise it and share "
            "the revision."
        ),
    )
    submit = SubmitField(_l("Send response"), widget=GovSubmitInput())


class RaiserAnswerForm(FlaskForm):
    """Whether the author's answer resolves a concern is for the person who raised it to say."""

    resolved = radio_field(
        _l("Does the author's answer resolve your concern?"),
        [
            ("yes", _l("Yes, my concern is resolved")),
            ("no", _l("No, take it to the Deputy Chief Executive for review and decision")),
        ],
        message=_l("Select whether the author's answer resolves your concern"),
    )
    reason = text_area(
        _l("Why your concern is not resolved"),
        None,
        description=_l("Only if it is not resolved. The Deputy Chief Executive reads this."),
    )
    submit = SubmitField(_l("Send answer"), widget=GovSubmitInput())


class DisputeDecisionForm(FlaskForm):
    outcome = radio_field(
        _l("Is the concern upheld?"),
        DisputeOutcome.choices(),
        message=_l("Select whether the concern is upheld, partly upheld or not upheld"),
    )
    decision = text_area(
        _l("Your reasons"),
        _l("Enter the reasons for your decision"),
        description=_l(
            "If the concern is upheld, in whole or in part, say what the report must change: the report "
            "author revises it and shares the revision with all three parties."
        ),
    )
    submit = SubmitField(_l("Record decision"), widget=GovSubmitInput())


class GrievanceForm(FlaskForm):
    note = text_area(
        _l("Why the dispute remains unresolved"),
        _l("Enter why the dispute remains unresolved"),
        description=_l(
            "For example, when the grievance was raised and with whom. Do not include personal details."
        ),
    )
    submit = SubmitField(_l("Open the grievance stage"), widget=GovSubmitInput())


class GrievanceOutcomeForm(FlaskForm):
    outcome = text_area(_l("The outcome of the grievance"), _l("Enter the outcome of the grievance"))
    submit = SubmitField(_l("Record the outcome"), widget=GovSubmitInput())


class ClosureConfirmationForm(FlaskForm):
    reason = text_area(
        _l("Why the review may close while the grievance is open"),
        _l("Enter why the review may close while the grievance is open"),
    )
    submit = SubmitField(_l("Confirm the review may close"), widget=GovSubmitInput())


class RevisionForm(FlaskForm):
    version = HiddenField()
    note = text_area(
        _l("What you changed, and why"),
        _l("Say what you changed in this version, and why"),
        description=_l("Everyone who checks the report reads this beside the changes."),
    )
    submit = SubmitField(_l("Share the revision"), widget=GovSubmitInput())


class DisclosureForm(FlaskForm):
    external_review = radio_field(
        _l("Which external review was the report shared with?"),
        list(EXTERNAL_REVIEWS.items()),
        message=_l("Select the external review the report was shared with"),
    )
    draft_id = GovSelectField(
        _l("Version of the report shared"), message=_l("Select the version of the report that was shared")
    )
    recipient = StringField(
        _l("Shared with"),
        widget=GovTextInput(),
        description=_l(
            "The review panel or person who received the report, for example the SUSR panel chair."
        ),
        validators=[
            DataRequired(message=_l("Enter who the report was shared with")),
            Length(max=200, message=_l("Shared with must be 200 characters or fewer")),
        ],
    )
    shared_on = GovDateField(
        _l("Date the report was shared"),
        missing_message=_l("Enter the date the report was shared"),
        validators=[
            NotInFuture(_l("The date the report was shared must be today or in the past")),
            NotBeforeIncident(
                _l("The date the report was shared must be on or after the date of the incident")
            ),
        ],
    )
    submit = SubmitField(_l("Record sharing"), widget=GovSubmitInput())
