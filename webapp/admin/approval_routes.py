"""The CE's and DCE's list of access changes waiting for their approval."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.admin import approvals
from webapp.auth.reauth import recent_password_required
from webapp.i18n import gettext as _
from webapp.permissions import Permission, permission_required

bp = Blueprint("approvals", __name__, url_prefix="/account-changes")


@bp.route("")
@permission_required(Permission.APPROVE_ACCOUNT_CHANGES)
def waiting():
    return render_template(
        "admin/account_changes.html", title=_("Access changes to approve"), requests=approvals.pending()
    )


@bp.route("/<int:request_id>/<any(approve, refuse):decision>", methods=["POST"])
@permission_required(Permission.APPROVE_ACCOUNT_CHANGES)
@recent_password_required
def decide(request_id: int, decision: str):
    try:
        approvals.decide(request_id, approve=decision == "approve", decider=current_user)
    except approvals.NotAllowed:
        abort(404)
    flash(_("Change approved.") if decision == "approve" else _("Change refused."), "success")
    return redirect(url_for("approvals.waiting"))
