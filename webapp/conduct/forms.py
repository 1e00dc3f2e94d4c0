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

from webapp.conduct.report import CONCLUSION_PARTS, NONE_LABELS, REQUIRED_THEMES
from webapp.forms import TEXT_MAX, GovDateField, NotBeforeIncident, NotInFuture, clean_text, text_area
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
        validators=[
            NotInFuture("Date done must be today or in the past"),
            NotBeforeIncident("Date done must be on or after the date of the incident"),
        ],
    )
    open_reason = text_area(
        "If this will not be done, why not",
        description="Leave blank if it will be done. The report can be shared with this source not done "
        "only when you say why.",
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


class TickedField(SelectMultipleField):
    """Checkboxes for "nothing identified": anything but the options shown gets the page's own message."""

    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        if not set(self.data or []) <= {value for value, _label in self.choices}:
            raise StopValidation(f"{self.label.text}: select only the options shown")


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
    no_children_reason = text_area(
        "Why no children are named",
        limit=TEXT_MAX,
        description="Only when the case records no children: say why.",
    )
    no_applications_reason = text_area(
        "Why no applications are named",
        limit=TEXT_MAX,
        description="Only when the case records no applications before the court: say why.",
    )
    chronology_none = TickedField(
        "Nothing identified in the chronology",
        choices=[(category.value, NONE_LABELS[category.value]) for category, _heading in REQUIRED_THEMES],
        description="Tick a theme only when the review found nothing for it: the chronology has no "
        "entries for it.",
    )
    procedural_issues = text_area(
        "Procedural issues",
        limit=LIST_MAX,
        description=f"Where procedures were not followed, or did not help. {LIST_HINT}",
    )
    practice_issues = text_area(
        "Practice issues",
        limit=LIST_MAX,
        description=f"What could have been done differently in practice. {LIST_HINT}",
    )
    conclusions_none = TickedField(
        "No issues identified",
        choices=[(key, NONE_LABELS[key]) for key, _heading in CONCLUSION_PARTS],
        description="Tick a part only when the review found no issues of that kind.",
    )
    impact = text_area(
        "The impact of our involvement",
        limit=REPORT_TEXT_MAX,
        description="What difference Cafcass Cymru's involvement made for the children and the family.",
    )
    learning_points = text_area("Learning points", limit=LIST_MAX, description=f"Optional. {LIST_HINT}")
    submit = SubmitField("Save a new version", widget=GovSubmitInput())


class ShareForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField("Share for accuracy", widget=GovSubmitInput())
