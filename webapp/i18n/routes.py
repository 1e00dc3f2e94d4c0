"""The language switch: a link on every page, which keeps the person on the same page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.auth.services import safe_next
from webapp.extensions import db
from webapp.i18n import COOKIE, LANGUAGES
from webapp.permissions import public

bp = Blueprint("language", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.route("/language/<code>")
@public
def switch(code: str):
    """A signed-in person's choice is saved on their account (it is the language of every email,
    notification and invitation they get); before sign-in it is kept in a cookie."""
    if code not in LANGUAGES:
        abort(404)
    if current_user.is_authenticated and current_user.language != code:
        current_user.language = code
        audit.record("user.language_changed", record_id=current_user.id, changed_fields=["language"])
        db.session.commit()
    response = redirect(safe_next(request.args.get("next")) or url_for("main.index"))
    response.set_cookie(
        COOKIE,
        code,
        max_age=ONE_YEAR,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response
