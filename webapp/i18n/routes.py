"""The language switch: a link on every page, which keeps the person on the same page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.auth.services import safe_next
from webapp.extensions import db
from webapp.i18n import LANGUAGES, remember_language
from webapp.permissions import public

bp = Blueprint("language", __name__)


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
    return remember_language(redirect(safe_next(request.args.get("next")) or url_for("main.index")), code)
