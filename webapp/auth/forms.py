from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.auth.passwords import password_problem
from webapp.forms import radio_field
from webapp.notifications.combining import PREFERENCES


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="The 6-digit code from your authenticator app, or one of your recovery codes",
        validators=[DataRequired(message="Enter the code"), Length(max=40, message="Enter a correct code")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SetUpCodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description="Enter the 6-digit code the app shows after you add this account",
        validators=[DataRequired(message="Enter the code"), Length(max=40, message="Enter a correct code")],
    )
    submit = SubmitField("Turn on the second factor", widget=GovSubmitInput())


class NewPasswordForm(FlaskForm):
    """A password the person chooses. ``personal`` are their own details, refused as passwords."""

    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. Three or more unrelated words work well.",
        validators=[DataRequired(message="Enter a new password")],
    )
    confirm = PasswordField(
        "Type the new password again",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Type the new password again")],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())

    def __init__(self, *args, personal: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal = personal or []

    def validate_password(self, field):
        problem = password_problem(field.data or "", self.personal)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError("The passwords do not match")


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your current password"), Length(max=200)],
    )


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EmailPreferenceForm(FlaskForm):
    email_preference = radio_field(
        "How do you want to hear of new tasks and updates by email?",
        list(PREFERENCES.items()),
        message="Select how you want to hear of new tasks and updates",
        description="Notifications in the service arrive at once either way. Security notices and "
        "support-meeting invitations are always emailed at once.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
