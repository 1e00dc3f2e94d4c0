"""Signing in and out, and loading the signed-in user on each request."""

from __future__ import annotations

from flask_login import LoginManager


def init_login(login_manager: LoginManager) -> None:
    from webapp.extensions import db
    from webapp.models import User

    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    # Sessions are bound to the browser that signed in.
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The session holds the user's current token, not the id: a deactivated user, or one
        # whose token was rotated, no longer matches and is signed out on the next request.
        return db.session.execute(
            db.select(User).where(User.session_token == session_token, User.active.is_(True))
        ).scalar_one_or_none()
