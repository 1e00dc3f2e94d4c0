"""Support meetings for the practitioner: see them, record one as held, end support."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.forms import TEXT_MAX, clean_text
from webapp.i18n import gettext as _
from webapp.permissions import Permission, permission_required
from webapp.reviews import services, support
from webapp.reviews.routes.blueprint import bp


@bp.route("/reviews/<int:review_id>/support")
@permission_required(Permission.VIEW_TASKS)
def view_support(review_id: int):
    review = services.get_review_or_404(review_id)
    if not support.may_see(review, current_user):
        abort(404)
    plan = support.plan_for(review)
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "reviews/support.html",
        title=_("Support meetings"),
        review=review,
        plan=plan,
        may_manage=plan is not None and support.may_manage(plan, current_user),
    )


def _plan_to_manage(review_id: int):
    review = services.get_review_or_404(review_id)
    plan = support.plan_for(review)
    if plan is None:
        abort(404)
    if not support.may_manage(plan, current_user):
        abort(403)
    return review, plan


@bp.route("/reviews/<int:review_id>/support/meetings/<int:meeting_id>/held", methods=["POST"])
@permission_required(Permission.VIEW_TASKS)
def meeting_held(review_id: int, meeting_id: int):
    review, plan = _plan_to_manage(review_id)
    meeting = support.get_meeting_or_404(plan, meeting_id)
    try:
        notes = clean_text((request.form.get("notes") or "").strip()[:TEXT_MAX]) or None
        following = support.record_held(meeting, actor=current_user, notes=notes)
    except support.SupportError as refused:
        flash(str(refused), "info")
    else:
        if following:
            flash(_("Meeting recorded as held. The next one is booked."), "success")
        else:
            flash(_("Meeting recorded as held."), "success")
    return redirect(url_for("reviews.view_support", review_id=review.id))


@bp.route("/reviews/<int:review_id>/support/end", methods=["POST"])
@permission_required(Permission.VIEW_TASKS)
def end_support(review_id: int):
    review, plan = _plan_to_manage(review_id)
    try:
        support.end_support(plan, actor=current_user)
    except support.SupportError as refused:
        flash(str(refused), "info")
    else:
        flash(_("Support has ended. No more meetings will be booked or prompted."), "success")
    return redirect(url_for("reviews.view_support", review_id=review.id))
