"""Notifications in the app: each person's own, with the detail emails leave out; and the
administrators' list of notifications that could not be sent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.i18n import gettext as _
from webapp.limits import page_arg, per_page
from webapp.notifications import services
from webapp.notifications.kinds import KINDS
from webapp.paging import Cursor
from webapp.permissions import Permission, permission_required

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def _unread():
    from flask import has_request_context

    from webapp.permissions import can

    # Email templates are rendered by jobs, outside any request: no one is signed in there.
    if has_request_context() and current_user.is_authenticated and can(Permission.SIGNED_IN):
        return {"unread_notifications": _unread_this_request(), "notification_kinds": KINDS}
    return {"unread_notifications": 0, "notification_kinds": KINDS}


def _unread_this_request() -> int:
    """The unread count, counted once per request: every form field renders its own template, and
    so runs this context processor again. Cached on ``g`` against the request it was counted for,
    since tests' requests can share one ``g``."""
    from flask import g, request

    this_request = request.environ  # one dict per request, the same object all through it
    cached = g.get("_unread_notifications")
    if cached is None or cached[0] is not this_request:
        # Signing in by session token reads the count with the session (webapp/auth/sessions.py).
        unread = current_user.unread_at_load
        cached = (this_request, services.unread_count(current_user) if unread is None else unread)
        g._unread_notifications = cached
    return cached[1]


@bp.route("/notifications")
@permission_required(Permission.SIGNED_IN)
def list_notifications():
    pagination = services.for_user(
        current_user, page=page_arg(), cursor=Cursor.from_request(), per_page=per_page()
    )
    return render_template("notifications/list.html", title=_("Notifications"), pagination=pagination)


@bp.route("/notifications/<int:notification_id>")
@permission_required(Permission.SIGNED_IN)
def open_notification(notification_id: int):
    """Where an email's link lands: marks it read and goes to what it is about."""
    notification = services.open_notification(notification_id)
    return redirect(notification.link_path)


@bp.route("/admin/notifications/failed")
@permission_required(Permission.MANAGE_NOTIFICATIONS)
def failed_notifications():
    page = page_arg()
    return render_template(
        "notifications/failed.html", title=_("Notifications not sent"), pagination=services.failed(page, 50)
    )


@bp.route("/admin/notifications/<int:notification_id>/retry", methods=["POST"])
@permission_required(Permission.MANAGE_NOTIFICATIONS)
def retry_notification(notification_id: int):
    if services.retry(notification_id):
        flash(_("The notification will be sent again at the next relay run."), "success")
    else:
        flash(_("That notification is no longer waiting for a retry."), "info")
    return redirect(url_for("notifications.failed_notifications"))
