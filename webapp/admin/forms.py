"""Forms for managing users and operational areas."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, PasswordField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from webapp.auth.passwords import password_problem, personal_words
from webapp.forms import GovRadioField, GovSelectField
from webapp.i18n import LANGUAGES
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.models import Role


class RolesField(SelectMultipleField):
    widget = GovCheckboxesInput()

    def pre_validate(self, form):
        allowed = {choice[0] for choice in self.iter_choices()}
        if not self.data:
            raise ValidationError(_("Select at least one role"))
        if any(value not in allowed for value in self.data):
            raise ValidationError(_("Select roles from the list"))


class UserForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter the person's full name")),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter an email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(
                message=_l("Enter an email address in the correct format, like name@example.org"),
                check_deliverability=False,
            ),
        ],
    )
    roles = RolesField(_l("Roles"), choices=[(role.value, role.lazy_label) for role in Role])
    area_id = GovSelectField(
        _l("Operational area"), message=_l("Select an operational area from the list"), optional=True
    )
    line_manager_id = GovSelectField(
        _l("Line manager"),
        message=_l("Select a line manager from the list"),
        optional=True,
        description=_l("Overdue tasks escalate to the line manager"),
    )
    # Each language in its own words, as the language switch shows them.
    language = GovRadioField(
        _l("Language"),
        choices=list(LANGUAGES.items()),
        default="en",
        message=_l("Select the language the person reads the service in"),
        description=_l("Their pages, emails, notifications and calendar invitations are in this language."),
    )
    password = PasswordField(
        _l("Temporary password"),
        widget=GovPasswordInput(),
        description=_l("At least 12 characters. Give it to the person in a secure way."),
    )
    submit = SubmitField(_l("Save user"), widget=GovSubmitInput())

    def __init__(self, *args, password_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_required = password_required
        if not password_required:
            self.password.label.text = _l("New password (optional)")
            self.password.description = _l(
                "Leave blank to keep the current password. Setting one signs the person out."
            )

    def validate_password(self, field):
        if not field.data:
            if self.password_required:
                raise ValidationError(_("Enter a temporary password"))
            return
        problem = password_problem(field.data, personal_words(self.email.data, self.name.data))
        if problem:
            raise ValidationError(problem)

    def selected_roles(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}


class AreaForm(FlaskForm):
    name = StringField(
        _l("Area name"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter the area name")),
            Length(max=100, message=_l("Area name must be 100 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Save area"), widget=GovSubmitInput())
