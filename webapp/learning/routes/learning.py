"""Learning, the SLT discussion, action plans, closure and the learning dashboard.

This module holds the review's learning pages; the action plan, the lists and the dashboard have
their own modules in this package."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.forms import flash_saved, on_incident, validated
from webapp.i18n import gettext as _
from webapp.learning import plan, points, services
from webapp.learning.forms import LearningForm, NoLearningForm, SltForm
from webapp.learning.routes.blueprint import bp
from webapp.models import ReviewState, TagKind, Task, TaskKind
from webapp.permissions import Permission, permission_required
from webapp.reviews.lifecycle import Work, allows
from webapp.reviews.services import get_review_or_404
from webapp.reviews.steps import attempt, review_step
from webapp.tasks.pages import TaskPages


def _action_page(task: Task) -> str:
    # The task's action_item: loaded with a list of tasks (team_tasks), not one by one.
    if task.action_item is None:
        return url_for("learning.overview", review_id=task.review_id, _anchor="action-plan")
    return url_for("learning.action_item", review_id=task.review_id, item_id=task.action_item.id)


TASK_PAGES: TaskPages = {
    TaskKind.DISCUSS_AT_SLT: lambda task: url_for("learning.record_slt", review_id=task.review_id),
    TaskKind.AGREE_ACTION_PLAN: lambda task: url_for("learning.agree_plan", review_id=task.review_id),
    TaskKind.COMPLETE_ACTION: _action_page,
    TaskKind.REVIEW_ACTION_PLAN_PROGRESS: lambda task: url_for("learning.progress", review_id=task.review_id),
}


@bp.app_context_processor
def _learning_helpers():
    return {
        "learning_label": lambda name, value: services.LABELS[name].get(value, value),
    }


@bp.route("/reviews/<int:review_id>/learning")
@permission_required(Permission.VIEW_CASES)
def overview(review_id: int):
    review = get_review_or_404(review_id)
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/overview.html",
        title=_("Learning and action plan"),
        review=review,
        learning=services.learning_for(review),
        learning_points=points.points_of(review),
        meetings=services.slt_meetings(review),
        items=plan.items(review),
        progress_reviews=plan.progress_reviews(review),
        is_decision_maker=services.is_decision_maker(current_user),
        is_pdt=services.is_practice_development(current_user),
        closure=_closure(review),
        learning_in_report=services.learning_in_report(review)
        if allows(review.state, Work.CLOSE_WITHOUT_LEARNING)
        else None,
    )


def _closure(review):
    """How the review closed, from its last transition, when it has."""
    if review.state != ReviewState.CLOSED:
        return None
    return review.transitions[-1] if review.transitions else None


def _tag_choices(form: LearningForm, learning) -> list:
    """Active tags are offered; tags the review keeps after deactivation are listed apart."""
    offered = services.tags(active_only=True)
    form.risk_factors.choices = [(t.id, t.display_name) for t in offered if t.kind == TagKind.RISK_FACTOR]
    form.practice_themes.choices = [
        (t.id, t.display_name) for t in offered if t.kind == TagKind.PRACTICE_THEME
    ]
    return services.by_name([tag for tag in learning.tags if not tag.active]) if learning else []


@bp.route("/reviews/<int:review_id>/learning/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def edit_learning(review_id: int):
    review, leave = review_step(review_id, Work.RECORD_LEARNING, back="reviews.view_review")
    if leave:
        return leave
    learning = services.learning_for(review)
    form = LearningForm()
    kept = _tag_choices(form, learning)
    if request.method == "GET":
        if learning is None:
            defaults = services.learning_defaults(review)
            form.outcome.data = defaults["outcome"]
            form.during_proceedings.data = "yes" if defaults["during_proceedings"] else "no"
        else:
            form.outcome.data = learning.outcome
            form.during_proceedings.data = "yes" if learning.during_proceedings else "no"
            form.perpetrator_relation.data = learning.perpetrator_relation
            form.perpetrator_was_assessed_main_risk.data = learning.perpetrator_was_assessed_main_risk
            chosen = {tag.id for tag in learning.tags}
            form.risk_factors.data = [value for value, _ in form.risk_factors.choices if value in chosen]
            form.practice_themes.data = [
                value for value, _ in form.practice_themes.choices if value in chosen
            ]
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: services.save_learning(review, form.values(), form.tag_ids(), actor=current_user),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash_saved(_("Learning saved."), result.value)
            return redirect(url_for("learning.overview", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/learning_form.html", title=_("Record the learning"), form=form, review=review, kept=kept
    )


@bp.route("/reviews/<int:review_id>/learning/slt", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def record_slt(review_id: int):
    review, leave = review_step(review_id, Work.RECORD_SLT, back="learning.overview")
    if leave:
        return leave
    may_act = services.is_decision_maker(current_user)
    if request.method == "POST" and not may_act:
        abort(403)
    learning = services.learning_for(review)
    form = on_incident(SltForm(), review.incident.occurred_on)
    if may_act and form.validate_on_submit():
        result = attempt(
            form,
            lambda: services.record_slt(
                review, met_on=validated(form.met_on.data), notes=form.notes.data.strip(), actor=current_user
            ),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(_("Meeting recorded. The Practice Development Team now agrees the action plan."), "success")
            return redirect(url_for("learning.overview", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/slt.html",
        title=_("Record the Senior Leadership Team meeting"),
        form=form,
        review=review,
        learning=learning,
        may_act=may_act,
        learning_in_report=services.learning_in_report(review),
    )


@bp.route("/reviews/<int:review_id>/learning/no-learning", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_REVIEWS)
def close_without_learning(review_id: int):
    review, leave = review_step(review_id, Work.CLOSE_WITHOUT_LEARNING, back="learning.overview")
    if leave:
        return leave
    form = NoLearningForm()
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: services.close_without_learning(
                review, rationale=form.rationale.data.strip(), actor=current_user
            ),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(_("The review is closed: no learning was identified."), "success")
            return redirect(url_for("reviews.view_review", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/no_learning.html",
        title=_("Close the review without learning"),
        form=form,
        review=review,
        blocked=services.learning_in_report(review),
    )
