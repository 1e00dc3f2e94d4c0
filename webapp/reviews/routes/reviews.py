"""Review pages: the review and its reasons, the decision, and tasks (mine, my team's, one task)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import audit
from webapp.accuracy import services as accuracy
from webapp.conduct import report
from webapp.conduct.panel import review_panel
from webapp.extensions import db
from webapp.formatting import today_in_london
from webapp.forms import on_incident
from webapp.i18n import gettext as _
from webapp.i18n import lazy_gettext as _l
from webapp.learning import past
from webapp.learning import services as learning
from webapp.limits import page_arg, per_page
from webapp.models import Review, ReviewState, TaskKind, User
from webapp.permissions import Permission, permission_required
from webapp.records import StaleEdit
from webapp.reviews import history, services, support
from webapp.reviews.facts import decision_facts
from webapp.reviews.forms import (
    TASK_FORMS,
    AllocateReviewerForm,
    DecisionForm,
    OverrideForm,
    SupportMeetingsForm,
    meeting_start,
    outcome_of,
)
from webapp.reviews.lifecycle import ACTION_LABELS, InvalidTransition, Work, allows
from webapp.reviews.routes.blueprint import bp
from webapp.reviews.steps import review_step
from webapp.safeguarding import services as safeguarding
from webapp.tasks import services as tasks
from webapp.tasks import titles
from webapp.tasks.escalation import STEP_LABELS
from webapp.tasks.pages import TaskPages, may_open, task_page
from webapp.tasks.pools import FALLBACK_REASONS, POOL_LABELS

# Generic task pages that ask for a judgement on the incident: they show its facts.
FACT_TASKS = frozenset(
    {
        TaskKind.ACKNOWLEDGE_INCIDENT,
        TaskKind.CONSULT_AREA_HEAD,
        TaskKind.RAPID_REVIEW,
        TaskKind.ALLOCATE_REVIEWER,
        TaskKind.INFORM_PRACTITIONER_AND_PM,
    }
)
ALREADY_DONE = _l("Someone else has already done this task. Nothing you entered has been saved.")

# Tasks done on their own page rather than the generic task page (webapp/tasks/pages.py).
TASK_PAGES: TaskPages = {
    TaskKind.DECIDE: lambda task: url_for("reviews.decide", review_id=task.review_id),
    TaskKind.CONFIRM_OUTSIDE_PROCEDURE: lambda task: url_for("reviews.decide", review_id=task.review_id),
}


@bp.app_context_processor
def _task_helpers():
    return {
        "timeliness": lambda task: tasks.timeliness(task, today_in_london()),
        "timeliness_tag": lambda task: tasks.standing_tag(tasks.standing(task, today_in_london())),
        "pool_label": POOL_LABELS.get,
        "action_label": ACTION_LABELS.get,
        "escalation_label": STEP_LABELS.get,
        "fallback_reason": FALLBACK_REASONS.get,
    }


@bp.route("/reviews/<int:review_id>")
@permission_required(Permission.VIEW_CASES)
def view_review(review_id: int):
    review = services.get_review_or_404(review_id, with_tasks=True)
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    panels = _panels(review)
    return render_template(
        "reviews/view.html",
        title=_("Review: %(stage)s", stage=review.state.label),
        review=review,
        task_titles=titles.titles(review.tasks, review=review),
        blockers=services.decision_blockers(review),
        panels=panels,
        reevaluations=[v for v in review.incident.versions if v.outcome_changed],
        history=history.steps(
            review,
            external_review=panels["safeguarding"].participation,
            hidden=frozenset() if support.may_see(review, current_user) else support.SUPPORT_TASKS,
        ),
    )


def _panels(review: Review) -> dict:
    """What the review page's panels from the other areas show (their _review_panel.html)."""
    latest, shared = report.latest_and_shared(review)
    return {
        "conduct": review_panel(review, current_user, latest),
        "accuracy": accuracy.picture_of(review, shared),
        "learning": learning.summary(review) if allows(review.state, Work.RECORD_LEARNING) else None,
        "past": past.for_reviews(current_user, [review.id]),
        "known_risk_factors": past.known_risk_factors(review),
        "safeguarding": safeguarding.panel(review, current_user),
    }


@bp.route("/reviews/<int:review_id>/decide", methods=["GET", "POST"])
@permission_required(Permission.DECIDE_REVIEWS)
def decide(review_id: int):
    review, leave = review_step(review_id, Work.DECIDE, back="reviews.view_review")
    if leave:
        return leave
    override = review.state == ReviewState.OUTSIDE_PROCEDURE
    form = OverrideForm() if override else DecisionForm()
    blockers = [] if override else services.decision_blockers(review)
    if form.validate_on_submit():
        initiate = form.decision.data == "initiate"
        try:
            services.decide(
                review, initiate=initiate, rationale=form.rationale.data.strip(), actor=current_user
            )
        except services.DecisionBlocked as blocked:
            form.form_errors.extend(blocked.args[0])
        except (InvalidTransition, StaleEdit) as error:
            flash(str(error) or _("Someone else recorded a decision first. Nothing was saved."), "info")
            return redirect(url_for("reviews.view_review", review_id=review_id))
        else:
            flash(_("Decision recorded."), "success")
            return redirect(url_for("reviews.view_review", review_id=review.id))
    audit.record_page_view("review.viewed", record_id=review.id, case_id=review.case_id)
    return render_template(
        "reviews/decide.html",
        title=_("Confirm no review, or initiate one")
        if override
        else _("Decide whether to initiate a review"),
        form=form,
        review=review,
        blockers=blockers,
        override=override,
        facts=decision_facts(review),
    )


@bp.route("/tasks")
@permission_required(Permission.VIEW_TASKS)
def my_tasks():
    pagination = tasks.my_tasks(current_user, page=page_arg(), per_page=per_page())
    task_titles, task_cases = titles.listing(pagination.items)
    return render_template(
        "reviews/my_tasks.html",
        title=_("My tasks"),
        pagination=pagination,
        task_titles=task_titles,
        task_cases=task_cases,
    )


@bp.route("/tasks/team")
@permission_required(Permission.VIEW_TEAM_TASKS)
def team_tasks():
    pagination = tasks.team_tasks(current_user, page_arg(), per_page())
    task_titles, task_cases = titles.listing(pagination.items)
    return render_template(
        "reviews/team_tasks.html",
        title=_("Team tasks"),
        pagination=pagination,
        task_titles=task_titles,
        task_cases=task_cases,
        openable={task.id for task in pagination.items if may_open(task, current_user)},
    )


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@permission_required(Permission.VIEW_TASKS)
def action_task(task_id: int):
    task = tasks.get_task_or_404(task_id)
    if task.kind in support.SUPPORT_TASKS and not support.may_see(task.review, current_user):
        abort(404)  # the practitioner's support is staff-welfare information
    page = task_page(task)
    if page is not None:
        return redirect(page)
    may_action = tasks.may_action(task, current_user) and task.is_open
    form_class = TASK_FORMS[task.kind]
    form = on_incident(form_class(), task.review.incident.occurred_on)
    if isinstance(form, AllocateReviewerForm):
        choices: list[tuple[int | str, str]] = [("", _("Select a Head of Operations"))]
        choices += [
            (u.id, f"{u.name} ({u.area.name})" if u.area else u.name)
            for u in services.independent_reviewers(task.review.case)
        ]
        form.reviewer_id.choices = choices
    if isinstance(form, SupportMeetingsForm) and request.method == "GET":
        form.cadence_working_days.data = tasks.policy().timescale("support_meeting_cadence")
    if request.method == "POST":
        if not tasks.may_action(task, current_user):
            abort(403)
        if not task.is_open:
            flash(str(ALREADY_DONE), "info")
            return redirect(url_for("reviews.action_task", task_id=task.id))
    if may_action and form.validate_on_submit():
        try:
            if isinstance(form, AllocateReviewerForm):
                reviewer = db.get_or_404(User, form.reviewer_id.data)
                services.allocate_reviewer(task, reviewer, actor=current_user)
            elif isinstance(form, SupportMeetingsForm):
                support.arrange(
                    task,
                    actor=current_user,
                    first_meeting_at=meeting_start(form),
                    cadence_working_days=form.cadence_working_days.data,
                )
            else:
                support.complete(task, actor=current_user, outcome=outcome_of(form))
        except tasks.TaskAlreadyDone:
            flash(str(ALREADY_DONE), "info")
            return redirect(url_for("reviews.action_task", task_id=task_id))
        except services.NotIndependent as refused:
            form.reviewer_id.errors.append(str(refused))
        except support.SupportError as refused:
            form.form_errors.append(str(refused))
        else:
            flash(_("Task done."), "success")
            return redirect(url_for("reviews.view_review", review_id=task.review_id))
    audit.record_page_view("task.viewed", record_id=task.id, case_id=task.review.case_id)
    return render_template(
        "reviews/task.html",
        title=titles.task_title(task),
        task=task,
        form=form,
        may_action=may_action,
        entered=history.outcome_details(task.outcome),
        facts=decision_facts(task.review) if task.kind in FACT_TASKS else None,
    )
