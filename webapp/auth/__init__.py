"""Signing in and out, and loading the signed-in user on each request."""

from __future__ import annotations

from flask_login import LoginManager

from webapp.i18n import lazy_gettext


def init_login(login_manager: LoginManager) -> None:
    from webapp.auth import sessions
    from webapp.models import User

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = lazy_gettext("Sign in to continue.")
    # Flask-Login flashes the message: kept in the session as text, in the reader's language.
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    # Sessions are bound to the browser that signed in.
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The cookie holds a server-side session's token, not the user's id: signing out, expiry,
        # deactivation or a change of roles or password ends the row and so the session.
        return sessions.load(session_token)
