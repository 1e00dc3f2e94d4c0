"""Action plan pages: add and change actions, record their progress, agree the plan, the Practice
Development Team's progress reviews, and closure."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.forms import flash_saved, on_incident, validated
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning import plan, points, services
from webapp.learning.forms import (
    ActionForm,
    ConfirmForm,
    NewActionForm,
    ProgressForm,
    ProgressReviewForm,
    WithdrawActionForm,
)
from webapp.learning.routes.blueprint import bp
from webapp.models import ActionStatus
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews.lifecycle import Work
from webapp.reviews.steps import MOVED_ON, attempt, review_step
from webapp.tasks.services import TaskAlreadyDone

_MOVED = _l("Someone else updated this action at the same time. Nothing you entered has been saved.")


def _owner_choices(form: ActionForm) -> None:
    form.owner_id.choices = [("", _("Select a person"))] + [
        (user.id, f"{user.name} ({', '.join(sorted(role.label for role in user.roles))})")
        for user in plan.owner_choices()
    ]


def _plan_review(review_id: int):
    """The review, if its action plan can be worked on now; otherwise a redirect saying why."""
    return review_step(review_id, Work.CHANGE_ACTIONS, back="learning.overview")


@bp.route("/reviews/<int:review_id>/action-plan/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def add_action(review_id: int):
    review, leave = _plan_review(review_id)
    if leave:
        return leave
    form = NewActionForm()
    _owner_choices(form)
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: plan.add_action(
                review,
                action=form.action.data.strip(),
                owner_id=validated(form.owner_id.data),
                due_on=validated(form.due_on.data),
                actor=current_user,
            ),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(_("Action added. Its owner has a task due on that date."), "success")
            return redirect(url_for("learning.overview", review_id=review.id, _anchor="action-plan"))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/action_form.html", title=_("Add an action"), form=form, review=review, item=None
    )


@bp.route("/reviews/<int:review_id>/action-plan/<int:item_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def edit_action(review_id: int, item_id: int):
    review, leave = _plan_review(review_id)
    if leave:
        return leave
    review, item = plan.get_item_or_404(review_id, item_id)
    form = ActionForm(obj=item)
    form.submit.label.text = _("Save the action")
    _owner_choices(form)
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: plan.edit_action(
                review,
                item,
                action=form.action.data.strip(),
                owner_id=validated(form.owner_id.data),
                due_on=validated(form.due_on.data),
                actor=current_user,
            ),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash_saved(_("Action changed."), result.value)
            return redirect(url_for("learning.action_item", review_id=review.id, item_id=item.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/action_form.html", title=_("Change an action"), form=form, review=review, item=item
    )


@bp.route("/reviews/<int:review_id>/action-plan/<int:item_id>", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def action_item(review_id: int, item_id: int):
    review, item = plan.get_item_or_404(review_id, item_id)
    may_update = plan.may_update(item, current_user) and plan.may_change(review)
    if request.method == "POST" and not may_update:
        abort(403)
    form = ProgressForm()
    if request.method == "GET":
        form.status.data = item.status.value
        audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    if may_update and form.validate_on_submit():
        result = attempt(
            form,
            lambda: plan.update_progress(
                review,
                item,
                status=ActionStatus(form.status.data),
                note=(form.note.data or "").strip() or None,
                actor=current_user,
            ),
            refused=services.LearningRefused,
            moved_on=url_for("learning.action_item", review_id=review_id, item_id=item_id),
            message=str(_MOVED),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash_saved(_("Progress saved."), result.value)
            return redirect(url_for("learning.action_item", review_id=review.id, item_id=item.id))
    return render_template(
        "learning/action_item.html",
        title=_("Action"),
        form=form,
        review=review,
        item=item,
        may_update=may_update,
        may_edit=plan.may_manage(current_user) and plan.may_change(review),
    )


@bp.route("/reviews/<int:review_id>/action-plan/<int:item_id>/withdraw", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def withdraw_action(review_id: int, item_id: int):
    """The withdrawal's own page: it says what will happen and asks why (WCAG 3.3.4)."""
    review, leave = _plan_review(review_id)
    if leave:
        return leave
    review, item = plan.get_item_or_404(review_id, item_id)
    if item.withdrawn_at is not None:
        flash(str(plan.WITHDRAWN), "info")
        return redirect(url_for("learning.action_item", review_id=review.id, item_id=item.id))
    form = WithdrawActionForm()
    if form.validate_on_submit():
        result = attempt(
            form,
            lambda: plan.withdraw_action(review, item, reason=form.reason.data.strip(), actor=current_user),
            refused=services.LearningRefused,
            moved_on=url_for("learning.action_item", review_id=review_id, item_id=item_id),
            message=str(_MOVED),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(_("Action withdrawn. It stays in the plan's history with your reason."), "success")
            return redirect(url_for("learning.overview", review_id=review.id, _anchor="action-plan"))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/withdraw_action.html", title=_("Withdraw this action"), form=form, review=review, item=item
    )


@bp.route("/reviews/<int:review_id>/action-plan/agree", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def agree_plan(review_id: int):
    review, leave = review_step(review_id, Work.AGREE_PLAN, back="learning.overview")
    if leave:
        return leave
    may_act = services.is_practice_development(current_user)
    if request.method == "POST" and not may_act:
        abort(403)
    form = ConfirmForm()
    form.submit.label.text = _("Agree the action plan")
    items = plan.items(review)
    if may_act and form.validate_on_submit():
        result = attempt(
            form,
            lambda: plan.agree_plan(review, actor=current_user),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(
                _("Action plan agreed. The Practice Development Team now monitors its progress."), "success"
            )
            return redirect(url_for("learning.overview", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/agree_plan.html",
        title=_("Agree the action plan"),
        form=form,
        review=review,
        items=items,
        may_act=may_act,
    )


@bp.route("/reviews/<int:review_id>/action-plan/progress", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def progress(review_id: int):
    review, leave = review_step(review_id, Work.REVIEW_PROGRESS, back="learning.overview")
    if leave:
        return leave
    may_act = services.is_practice_development(current_user)
    if request.method == "POST" and not may_act:
        abort(403)
    form = on_incident(ProgressReviewForm(), review.incident.occurred_on)
    if may_act and form.validate_on_submit():
        result = attempt(
            form,
            lambda: plan.record_progress_review(
                review,
                reviewed_on=validated(form.reviewed_on.data),
                notes=form.notes.data.strip(),
                actor=current_user,
            ),
            refused=services.LearningRefused,
            moved_on=url_for("learning.overview", review_id=review_id),
        )
        if result.leave:
            return result.leave
        if result.done:
            flash(
                _("Progress review recorded. The next one is due.")
                if result.value
                else _("Progress review recorded. Every action is done: you can close the review."),
                "success",
            )
            return redirect(url_for("learning.overview", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/progress.html",
        title=_("Record a progress review"),
        form=form,
        review=review,
        items=plan.items(review),
        progress_reviews=plan.progress_reviews(review),
        may_act=may_act,
    )


@bp.route("/reviews/<int:review_id>/close", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_LEARNING)
def close_review(review_id: int):
    review, leave = review_step(review_id, Work.CLOSE, back="learning.overview")
    if leave:
        return leave
    may_act = services.is_practice_development(current_user)
    if request.method == "POST" and not may_act:
        abort(403)
    form = ConfirmForm()
    form.submit.label.text = _("Confirm and close the review")
    still_open = plan.open_items(review)
    if may_act and form.validate_on_submit():
        try:
            plan.close_review(review, actor=current_user)
        except plan.ClosureRefused as refused:
            form.form_errors.append(_("The review cannot close until every action is done."))
            still_open = refused.open_items
        except services.LearningRefused as refused:
            form.form_errors.append(str(refused))
        except (StaleEdit, TaskAlreadyDone):
            flash(str(MOVED_ON), "info")
            return redirect(url_for("learning.overview", review_id=review_id))
        else:
            flash(_("The review is closed."), "success")
            return redirect(url_for("reviews.view_review", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "learning/close.html",
        title=_("Close the review"),
        form=form,
        review=review,
        still_open=still_open,
        untraced=points.unanswered(review),
        may_act=may_act,
    )
