"""Administrators' view of the mail caught in development (see webapp/mailcatcher.py)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from webapp import mailcatcher
from webapp.i18n import gettext as _
from webapp.permissions import Permission, permission_required

bp = Blueprint("admin_mail", __name__, url_prefix="/admin")

SHOWN = 100  # the newest; older files stay in instance/mail/


@bp.route("/mail")
@permission_required(Permission.MANAGE_NOTIFICATIONS)
def caught_mail():
    if not mailcatcher.catcher_in_use(current_app):
        return render_template(
            "admin/caught_mail.html",
            title=_("Emails"),
            catching=False,
            server=f"{current_app.config['MAIL_SERVER']}:{current_app.config['MAIL_PORT']}",
        )
    directory = mailcatcher.mail_directory(current_app)
    return render_template(
        "admin/caught_mail.html",
        title=_("Caught emails"),
        catching=True,
        messages=mailcatcher.list_messages(directory, limit=SHOWN),
        total=mailcatcher.count_messages(directory),
    )
