"""Forms for learning briefings: writing one, sending it, recording a session that delivered it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import DataRequired

from webapp.forms import GovDateField, GovSelectField, MaxLength, NotInFuture, clean_text, text_area
from webapp.i18n import lazy_gettext as _l
from webapp.learning.forms import TagChoiceField

BODY_MAX = 20_000


class BriefingForm(FlaskForm):
    title = StringField(
        _l("Title"),
        widget=GovTextInput(),
        validators=[DataRequired(message=_l("Enter the title")), MaxLength(200)],
        filters=[clean_text],
    )
    body = text_area(
        _l("The briefing"),
        _l("Enter the briefing"),
        limit=BODY_MAX,
        description=_l(
            "What happened, in general terms, what was learned, and what to do differently. "
            "No names and no case numbers: they are checked against the cases the briefing draws on."
        ),
    )
    reviews = TagChoiceField(
        _l("Reviews the briefing draws on"),
        message=_l("Select reviews from the list"),
    )
    risk_factors = TagChoiceField(_l("Risk factors"), message=_l("Select risk factors from the list"))
    practice_themes = TagChoiceField(
        _l("Practice themes"), message=_l("Select practice themes from the list")
    )
    version = HiddenField()
    submit = SubmitField(_l("Save the draft"), widget=GovSubmitInput())

    def tag_ids(self) -> set[int]:
        return set(self.risk_factors.data or []) | set(self.practice_themes.data or [])


class SendForm(FlaskForm):
    roles = TagChoiceField(
        _l("Roles"),
        message=_l("Select roles from the list"),
        coerce=str,
        description=_l(
            "The Chief Executive, Deputy Chief Executive, PDT and SLT are reached whatever the areas."
        ),
    )
    areas = TagChoiceField(_l("Areas"), message=_l("Select areas from the list"))
    version = HiddenField()
    submit = SubmitField(_l("Send the briefing"), widget=GovSubmitInput())


class AcknowledgeForm(FlaskForm):
    submit = SubmitField(_l("I have read and understood this briefing"), widget=GovSubmitInput())


class SessionForm(FlaskForm):
    delivered_on = GovDateField(
        _l("Date of the session"),
        missing_message=_l("Enter the date of the session"),
        description=_l("For example, 14 3 2026"),
        validators=[NotInFuture(_l("Date of the session must be today or in the past"))],
    )
    area_id = GovSelectField(_l("Area"), message=_l("Select the area"))
    attendees = TagChoiceField(
        _l("Who attended"),
        message=_l("Select who attended from the people in your team"),
    )
    notes = text_area(_l("Notes"), description=_l("Optional. How the session went, questions raised."))
    submit = SubmitField(_l("Record the session"), widget=GovSubmitInput())
