"""Forms for accuracy responses, the dispute stages and the disclosure log."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webapp.accuracy.disclosure import EXTERNAL_REVIEWS
from webapp.forms import GovDateField, GovSelectField, NotBeforeIncident, NotInFuture, radio_field, text_area
from webapp.models import DisputeOutcome


class AccuracyResponseForm(FlaskForm):
    answer = radio_field(
        "Do you agree that the report is accurate, including its learning points?",
        [
            ("agree", "Yes, I agree the report is accurate"),
            ("concern", "No, I want to raise a concern about the report"),
        ],
        message="Select whether you agree the report is accurate or want to raise a concern",
    )
    # Not a conditional reveal: GOV.UK Frontend puts aria-expanded on the radio, which axe-core reports
    # as a violation (alphagov/govuk-frontend#979), and these pages must have none.
    concern = text_area(
        "Your concern",
        None,
        description="Only if you raise a concern. Say what is inaccurate or missing, and what it should say.",
    )
    submit = SubmitField("Send response", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        concern = (self.concern.data or "").strip()
        if self.answer.data == "concern" and not concern:
            self.concern.errors = [*self.concern.errors, "Enter your concern about the report"]
            return False
        if self.answer.data == "agree" and concern:
            # Nothing typed is dropped unseen: the person says which they meant.
            self.concern.errors = [
                *self.concern.errors,
                "You chose to agree: delete your concern, or choose to raise a concern",
            ]
            return False
        return valid


class AuthorResponseForm(FlaskForm):
    response = text_area(
        "Your response to the concern",
        "Enter your response to the concern",
        description="Say why the report stands as written. To change the report instead, revise it and "
        "share the revision.",
    )
    submit = SubmitField("Send response", widget=GovSubmitInput())


class RaiserAnswerForm(FlaskForm):
    """Whether the author's answer resolves a concern is for the person who raised it to say."""

    resolved = radio_field(
        "Does the author's answer resolve your concern?",
        [
            ("yes", "Yes, my concern is resolved"),
            ("no", "No, take it to the Deputy Chief Executive for review and decision"),
        ],
        message="Select whether the author's answer resolves your concern",
    )
    reason = text_area(
        "Why your concern is not resolved",
        None,
        description="Only if it is not resolved. The Deputy Chief Executive reads this.",
    )
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class DisputeDecisionForm(FlaskForm):
    outcome = radio_field(
        "Is the concern upheld?",
        DisputeOutcome.choices(),
        message="Select whether the concern is upheld, partly upheld or not upheld",
    )
    decision = text_area(
        "Your reasons",
        "Enter the reasons for your decision",
        description="If the concern is upheld, in whole or in part, say what the report must change: the "
        "report author revises it and shares the revision with all three parties.",
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class GrievanceForm(FlaskForm):
    note = text_area(
        "Why the dispute remains unresolved",
        "Enter why the dispute remains unresolved",
        description="For example, when the grievance was raised and with whom. Do not include personal "
        "details.",
    )
    submit = SubmitField("Open the grievance stage", widget=GovSubmitInput())


class GrievanceOutcomeForm(FlaskForm):
    outcome = text_area("The outcome of the grievance", "Enter the outcome of the grievance")
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())


class ClosureConfirmationForm(FlaskForm):
    reason = text_area(
        "Why the review may close while the grievance is open",
        "Enter why the review may close while the grievance is open",
    )
    submit = SubmitField("Confirm the review may close", widget=GovSubmitInput())


class RevisionForm(FlaskForm):
    version = HiddenField()
    note = text_area(
        "What you changed, and why",
        "Say what you changed in this version, and why",
        description="Everyone who checks the report reads this beside the changes.",
    )
    submit = SubmitField("Share the revision", widget=GovSubmitInput())


class DisclosureForm(FlaskForm):
    external_review = radio_field(
        "Which external review was the report shared with?",
        list(EXTERNAL_REVIEWS.items()),
        message="Select the external review the report was shared with",
    )
    draft_id = GovSelectField(
        "Version of the report shared", message="Select the version of the report that was shared"
    )
    recipient = StringField(
        "Shared with",
        widget=GovTextInput(),
        description="The review panel or person who received the report, for example the SUSR panel chair.",
        validators=[
            DataRequired(message="Enter who the report was shared with"),
            Length(max=200, message="Shared with must be 200 characters or fewer"),
        ],
    )
    shared_on = GovDateField(
        "Date the report was shared",
        missing_message="Enter the date the report was shared",
        validators=[
            NotInFuture("The date the report was shared must be today or in the past"),
            NotBeforeIncident("The date the report was shared must be on or after the date of the incident"),
        ],
    )
    submit = SubmitField("Record sharing", widget=GovSubmitInput())
