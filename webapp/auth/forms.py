from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.auth.passwords import password_problem
from webapp.forms import radio_field
from webapp.i18n import gettext
from webapp.i18n import lazy_gettext as _l
from webapp.notifications.combining import PREFERENCES


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
        ],
    )
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message=_l("Enter your password")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        widget=GovTextInput(),
        description=_l("The 6-digit code from your authenticator app, or one of your recovery codes"),
        validators=[
            DataRequired(message=_l("Enter the code")),
            Length(max=40, message=_l("Enter a correct code")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class SetUpCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        widget=GovTextInput(),
        description=_l("Enter the 6-digit code the app shows after you add this account"),
        validators=[
            DataRequired(message=_l("Enter the code")),
            Length(max=40, message=_l("Enter a correct code")),
        ],
    )
    submit = SubmitField(_l("Turn on the second factor"), widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """A password the person chooses. ``personal`` are their own details, refused as passwords."""

    password = PasswordField(
        _l("New password"),
        widget=GovPasswordInput(),
        description=_l("At least 12 characters. Three or more unrelated words work well."),
        validators=[DataRequired(message=_l("Enter a new password"))],
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        widget=GovPasswordInput(),
        validators=[DataRequired(message=_l("Type the new password again"))],
    )
    submit = SubmitField(_l("Save password"), widget=GovSubmitInput())

    def __init__(self, *args, personal: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal = personal or []

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.personal)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(gettext("The passwords do not match"))


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Current password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message=_l("Enter your current password")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Password"),
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message=_l("Enter your password")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())


class EmailPreferenceForm(FlaskForm):
    email_preference = radio_field(
        _l("How do you want to hear of new tasks and updates by email?"),
        list(PREFERENCES.items()),
        message=_l("Select how you want to hear of new tasks and updates"),
        description=_l(
            "Notifications in the service arrive at once either way. Security notices and "
            "support-meeting invitations are always emailed at once."
        ),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())
