"""Tracing each learning point of the agreed report to the actions that answer it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.i18n import gettext as _
from webapp.learning import plan, points, services
from webapp.learning.forms import LearningPointForm
from webapp.learning.routes.blueprint import bp
from webapp.models import LearningPoint, TagKind
from webapp.permissions import Permission, permission_required
from webapp.reviews.lifecycle import Work, allows
from webapp.reviews.steps import attempt


def _choices(form: LearningPointForm, point: LearningPoint, review) -> list:
    """Active tags and the review's actions are offered; tags deactivated since are kept, listed apart."""
    offered = services.tags(active_only=True)
    form.risk_factors.choices = [(t.id, t.display_name) for t in offered if t.kind == TagKind.RISK_FACTOR]
    form.practice_themes.choices = [
        (t.id, t.display_name) for t in offered if t.kind == TagKind.PRACTICE_THEME
    ]
    form.actions.choices = [
        (item.id, _("%(action)s (%(status)s)", action=item.action, status=item.status.label.lower()))
        for item in plan.items(review)
    ]
    return services.by_name([tag for tag in point.tags if not tag.active])


@bp.route("/reviews/<int:review_id>/learning/points/<int:point_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def learning_point(review_id: int, point_id: int):
    review, point = points.get_point_or_404(review_id, point_id)
    back = url_for("learning.overview", review_id=review.id, _anchor="learning-points")
    if not allows(review.state, Work.RECORD_LEARNING):
        flash(_("Learning points are traced once the report is agreed."), "info")
        return redirect(back)
    form = LearningPointForm()
    kept = _choices(form, point, review)
    if request.method == "GET":
        chosen = {tag.id for tag in point.tags}
        form.risk_factors.data = [value for value, _ in form.risk_factors.choices if value in chosen]
        form.practice_themes.data = [value for value, _ in form.practice_themes.choices if value in chosen]
        form.actions.data = [item.id for item in point.actions]
        form.no_action_reason.data = point.no_action_reason
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: points.save_point(
                review,
                point,
                tag_ids=form.tag_ids(),
                action_ids=form.actions.data or [],
                no_action_reason=form.no_action_reason.data,
                actor=current_user,
            ),
            refused=points.PointRefused,
            moved_on=back,
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(
                _("Learning point saved.") if result.value else _("You did not change anything."), "success"
            )
            return redirect(back)
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/point_form.html",
        title=_("Learning point %(number)s", number=point.position),
        form=form,
        review=review,
        point=point,
        kept=kept,
    )
