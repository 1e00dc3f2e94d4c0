"""Forms for the reviewer's work: a gathering item, a chronology entry, a report draft."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, StopValidation

from webapp.forms import GovDateField, NotInFuture, clean_text, text_area
from webapp.models import ChronologyCategory

REPORT_TEXT_MAX = 20000
LIST_MAX = 10000
SOURCE_MAX = 200


class GatheringForm(FlaskForm):
    notes = text_area(
        "Notes",
        "Enter your notes on what you found",
        description="What you looked at or who you spoke to, when, and what you learned.",
    )
    done_on = GovDateField(
        "Date done",
        missing_message="Enter the date this was done",
        optional=True,
        description="Leave blank if this is not finished yet. For example, 27 3 2026",
        validators=[NotInFuture("Date done must be today or in the past")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class _AtLeastOneCategory:
    def __call__(self, form, field):
        allowed = {value for value, _label in ChronologyCategory.choices()}
        if not field.data or not set(field.data) <= allowed:
            raise StopValidation("Select at least one category")


class CategoriesField(SelectMultipleField):
    """Checkboxes whose only message is the page's own, whatever was posted."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        pass  # _AtLeastOneCategory gives the message; the default one names the raw value


class ChronologyEntryForm(FlaskForm):
    occurred_on = GovDateField(
        "Date",
        missing_message="Enter the date it happened",
        description="For example, 14 2 2026",
        validators=[NotInFuture("Date must be today or in the past")],
    )
    what_happened = text_area("What happened", "Enter what happened")
    source = StringField(
        "Source",
        widget=GovTextInput(),
        description="Where this comes from, for example the case file, a conversation or a police report.",
        filters=[lambda value: clean_text(value).strip() if value else value],
        validators=[
            DataRequired(message="Enter the source"),
            Length(max=SOURCE_MAX, message=f"Source must be {SOURCE_MAX} characters or fewer"),
        ],
    )
    categories = CategoriesField(
        "Categories",
        choices=ChronologyCategory.choices(),
        description="Select all that apply.",
        validators=[_AtLeastOneCategory()],
    )
    submit = SubmitField("Add entry", widget=GovSubmitInput())


LIST_HINT = "Put each item on its own line."


class ReportForm(FlaskForm):
    """Every section is optional here: drafts may be incomplete; sharing checks completeness."""

    based_on = HiddenField()
    background = text_area(
        "Background history",
        limit=REPORT_TEXT_MAX,
        description="The children and the applications before the court are drawn from the case and "
        "shown above. Add the background history here.",
    )
    incident_summary = text_area(
        "Incident summary",
        limit=REPORT_TEXT_MAX,
        description="The incident leading to the review.",
    )
    inquiries = text_area(
        "Inquiries undertaken",
        limit=REPORT_TEXT_MAX,
        description="What you reviewed and who you spoke to.",
    )
    decision_making = text_area("Decision-making and line management support", limit=REPORT_TEXT_MAX)
    conclusions = text_area(
        "Conclusions: procedural and practice issues",
        limit=LIST_MAX,
        description=f"The procedural and practice issues that should inform learning. {LIST_HINT}",
    )
    learning_points = text_area("Learning points", limit=LIST_MAX, description=f"Optional. {LIST_HINT}")
    submit = SubmitField("Save a new version", widget=GovSubmitInput())


class ShareForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Share for accuracy", widget=GovSubmitInput())
