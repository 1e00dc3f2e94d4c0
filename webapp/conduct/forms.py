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
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import ChronologyCategory

REPORT_TEXT_MAX = 20000
LIST_MAX = 10000
SOURCE_MAX = 200


class GatheringForm(FlaskForm):
    notes = text_area(
        _l("Notes"),
        _l("Enter your notes on what you found"),
        description=_l("What you looked at or who you spoke to, when, and what you learned."),
    )
    done_on = GovDateField(
        _l("Date done"),
        missing_message=_l("Enter the date this was done"),
        optional=True,
        description=_l("Leave blank if this is not finished yet. For example, 27 3 2026"),
        validators=[
            NotInFuture(_l("Date done must be today or in the past")),
            NotBeforeIncident(_l("Date done must be on or after the date of the incident")),
        ],
    )
    open_reason = text_area(
        _l("If this will not be done, why not"),
        description=_l(
            "Leave blank if it will be done. The report can be shared with this source not done "
            "only when you say why."
        ),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class _AtLeastOneCategory:
    def __call__(self, form, field):
        allowed = {value for value, _label in ChronologyCategory.choices()}
        if not field.data or not set(field.data) <= allowed:
            raise StopValidation(_("Select at least one category"))


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
            raise StopValidation(_("%(field)s: select only the options shown", field=self.label.text))


class ChronologyEntryForm(FlaskForm):
    occurred_on = GovDateField(
        _l("Date"),
        missing_message=_l("Enter the date it happened"),
        description=_l("For example, 14 2 2026"),
        validators=[NotInFuture(_l("Date must be today or in the past"))],
    )
    what_happened = text_area(_l("What happened"), _l("Enter what happened"))
    source = StringField(
        _l("Source"),
        widget=GovTextInput(),
        description=_l(
            "Where this comes from, for example the case file, a conversation or a police report."
        ),
        filters=[lambda value: clean_text(value).strip() if value else value],
        validators=[
            DataRequired(message=_l("Enter the source")),
            Length(max=SOURCE_MAX, message=_l("Source must be %(max)d characters or fewer")),
        ],
    )
    categories = CategoriesField(
        _l("Categories"),
        choices=ChronologyCategory.choices(),
        description=_l("Select all that apply."),
        validators=[_AtLeastOneCategory()],
    )
    submit = SubmitField(_l("Add entry"), widget=GovSubmitInput())


class ReportForm(FlaskForm):
    """Every section is optional here: drafts may be incomplete; sharing checks completeness."""

    based_on = HiddenField()
    background = text_area(
        _l("Background history"),
        limit=REPORT_TEXT_MAX,
        description=_l(
            "The children and the applications before the court are drawn from the case and "
            "shown above. Add the background history here."
        ),
    )
    incident_summary = text_area(
        _l("Incident summary"),
        limit=REPORT_TEXT_MAX,
        description=_l("The incident leading to the review."),
    )
    inquiries = text_area(
        _l("Inquiries undertaken"),
        limit=REPORT_TEXT_MAX,
        description=_l("What you reviewed and who you spoke to."),
    )
    decision_making = text_area(_l("Decision-making and line management support"), limit=REPORT_TEXT_MAX)
    no_children_reason = text_area(
        _l("Why no children are named"),
        limit=TEXT_MAX,
        description=_l("Only when the case records no children: say why."),
    )
    no_applications_reason = text_area(
        _l("Why no applications are named"),
        limit=TEXT_MAX,
        description=_l("Only when the case records no applications before the court: say why."),
    )
    chronology_none = TickedField(
        _l("Nothing identified in the chronology"),
        choices=[(category.value, NONE_LABELS[category.value]) for category, _heading in REQUIRED_THEMES],
        description=_l(
            "Tick a theme only when the review found nothing for it: the chronology has no entries for it."
        ),
    )
    procedural_issues = text_area(
        _l("Procedural issues"),
        limit=LIST_MAX,
        description=_l("Where procedures were not followed, or did not help. Put each item on its own line."),
    )
    practice_issues = text_area(
        _l("Practice issues"),
        limit=LIST_MAX,
        description=_l("What could have been done differently in practice. Put each item on its own line."),
    )
    conclusions_none = TickedField(
        _l("No issues identified"),
        choices=[(key, NONE_LABELS[key]) for key, _heading in CONCLUSION_PARTS],
        description=_l("Tick a part only when the review found no issues of that kind."),
    )
    impact = text_area(
        _l("The impact of our involvement"),
        limit=REPORT_TEXT_MAX,
        description=_l("What difference Cafcass Cymru's involvement made for the children and the family."),
    )
    learning_points = text_area(
        _l("Learning points"), limit=LIST_MAX, description=_l("Optional. Put each item on its own line.")
    )
    submit = SubmitField(_l("Save a new version"), widget=GovSubmitInput())


class ShareForm(FlaskForm):
    version = HiddenField()
    submit = SubmitField(_l("Share for accuracy"), widget=GovSubmitInput())
