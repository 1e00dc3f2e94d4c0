"""Forms for accuracy responses, the dispute stages and the disclosure log."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from webapp.accuracy.disclosure import EXTERNAL_REVIEWS
from webapp.forms import GovDateField, GovSelectField, NotBeforeIncident, NotInFuture, radio_field, text_area


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
        description="Say what you have done about it, for example how you revised the report, or why it "
        "stands as written.",
    )
    submit = SubmitField("Send response", widget=GovSubmitInput())


class RaiserAnswerForm(FlaskForm):
    """Whether the author's response resolves a concern is for the person who raised it to say."""

    resolved = radio_field(
        "Does the author's response resolve your concern?",
        [
            ("yes", "Yes, my concern is resolved"),
            ("no", "No, take it to the Deputy Chief Executive for review and decision"),
        ],
        message="Select whether the author's response resolves your concern",
    )
    submit = SubmitField("Send answer", widget=GovSubmitInput())


class DisputeDecisionForm(FlaskForm):
    decision = text_area("Your decision", "Enter your decision on the dispute")
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class GrievanceForm(FlaskForm):
    note = text_area(
        "About the grievance",
        "Enter a note about the grievance",
        description="For example, when it was raised and with whom. Do not include personal details.",
    )
    submit = SubmitField("Record grievance", widget=GovSubmitInput())


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
