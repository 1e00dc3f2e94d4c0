"""Opening reviews from incidents, deciding them, and creating and completing their tasks."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import and_, false, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

import rules
from webapp import audit
from webapp.cases.services import case_scope
from webapp.extensions import db
from webapp.models import (
    Case,
    Incident,
    ProceedingsStatus,
    Review,
    ReviewState,
    ReviewTransition,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    User,
    utcnow,
)
from webapp.notifications.services import notify_all
from webapp.paging import CappedPagination, paginate
from webapp.records import StaleEdit
from webapp.reviews.escalation import step_dates
from webapp.reviews.lifecycle import (
    AREA_POOLS,
    POOLS,
    TASKS,
    TASKS_ON_INITIATE,
    TASKS_ON_REVIEWER_ALLOCATED,
    InvalidTransition,
    next_state,
)


class DecisionBlocked(Exception):
    """A precondition the procedure sets for the decision is not met yet."""


class TaskAlreadyDone(Exception):
    pass


class NotIndependent(Exception):
    pass


def policy() -> rules.Policy:
    return current_app.extensions["case_review_policy"]


def incident_facts(incident: Incident) -> dict:
    """The rules engine's input, from the incident and its case (rules/ contract, issue 3)."""
    return {
        "kind": incident.kind.value,
        "cause": incident.cause.value,
        "person": incident.person_affected.value,
        "proceedings": "ongoing"
        if incident.case.proceedings_status == ProceedingsStatus.ONGOING
        else "closed",
        "linked_to_court_involvement": incident.linked_to_court_involvement,
        "susr": incident.susr_known,
        "scr": incident.scr_known,
    }


def _record_transition(review: Review, before: ReviewState | None, action: str, actor, note=None) -> None:
    db.session.add(
        ReviewTransition(
            review_id=review.id,
            from_state=before.value if before else None,
            to_state=review.state.value,
            action=action,
            actor_id=actor.id if actor else None,
            note=note,
        )
    )
    audit.record(
        "review.transition",
        record_id=review.id,
        case_id=review.case_id,
        changed_fields=["state"],
        actor=actor,
    )


def add_task(
    review: Review,
    kind: TaskKind,
    case: Case | None = None,
    *,
    assignee_id: int | None = None,
    due_on: date | None = None,
) -> Task:
    """Create a task as lifecycle.TASKS says; ``assignee_id``/``due_on`` where the spec needs them."""
    spec = TASKS[kind]
    case = case or review.case
    if due_on is None:
        if spec.policy_key is None:
            raise ValueError(f"{kind} needs a due date")
        due_on = rules.due_date(utcnow(), policy().timescale(spec.policy_key))
    task = Task(
        review=review,
        kind=kind,
        status=TaskStatus.OPEN,
        due_on=due_on,
        next_escalation_on=step_dates(due_on, policy())["reminder"],
        outcome={},
    )
    if spec.assign_to == "given":
        if assignee_id is None:
            raise ValueError(f"{kind} needs an assignee")
        task.assignee_id = assignee_id
    elif spec.assign_to == "case:practice_manager":
        task.assignee_id = case.practice_manager_id
    elif spec.assign_to == "case:practitioner":
        task.assignee_id = case.practitioner_id
    elif spec.assign_to == "review:reviewer":
        if review.reviewer_id is None:
            raise ValueError(f"{kind} needs the review's reviewer")
        task.assignee_id = review.reviewer_id
    else:
        pool = spec.assign_to.removeprefix("pool:")
        task.assignee_pool = pool
        if pool in AREA_POOLS:
            task.assignee_area_id = case.area_id
    db.session.add(task)
    return task


def transition(review: Review, action: str, *, actor: User | None, note: str | None = None) -> None:
    """Move the review by the lifecycle table, recording and auditing it; the caller commits."""
    moved = next_state(review.state, action)
    before = review.state
    review.state = moved.to
    db.session.flush()
    _record_transition(review, before, action, actor, note)


def open_review(incident: Incident, *, actor: User) -> Review:
    """Evaluate a newly recorded incident and open its review; the caller commits."""
    result = rules.evaluate_incident(incident_facts(incident))
    action = "open_within_procedure" if result["within_procedure"] else "open_outside_procedure"
    transition = next_state(None, action)
    review = Review(
        incident=incident,
        case_id=incident.case_id,
        state=transition.to,
        within_procedure=result["within_procedure"],
        circumstance=result["circumstance"],
        rapid_review=result["rapid_review"],
        follow_susr_process=result["follow_susr_process"],
        reasons=result["reasons"],
    )
    db.session.add(review)
    db.session.flush()
    _record_transition(review, None, action, actor)
    case = incident.case
    add_task(review, TaskKind.ACKNOWLEDGE_INCIDENT, case)
    if "area_head_of_operations" in result["consult"]:
        add_task(review, TaskKind.CONSULT_AREA_HEAD, case)
    if result["rapid_review"]:
        add_task(review, TaskKind.RAPID_REVIEW, case)
    if result["within_procedure"]:
        add_task(review, TaskKind.DECIDE, case)
    notify_all(
        area_heads(case.area_id),
        "incident_recorded",
        link_path=f"/reviews/{review.id}",
        detail=f"An incident was recorded on case {case.case_number}: {review.state.label.lower()}.",
        key=f"review:{review.id}:incident_recorded",
    )
    return review


def area_heads(area_id: int) -> list[User]:
    """The active Area Heads of Operations of an area."""
    from webapp.models import UserRole

    return list(
        db.session.execute(
            select(User)
            .join(UserRole)
            .where(
                UserRole.role == Role.AREA_HEAD_OF_OPERATIONS,
                User.area_id == area_id,
                User.active.is_(True),
            )
        ).scalars()
    )


def get_review_or_404(review_id: int, *, for_update: bool = False, with_tasks: bool = False) -> Review:
    """The review if the current user may see it; ``with_tasks`` loads its tasks with their holders
    and escalations, and its transitions, in a few statements whatever their number."""
    query = (
        select(Review)
        .join(Case, Review.case_id == Case.id)
        .where(Review.id == review_id, case_scope(current_user))
    )
    if with_tasks:
        query = query.options(
            selectinload(Review.tasks).options(selectinload(Task.escalations), selectinload(Task.assignee)),
            selectinload(Review.transitions).selectinload(ReviewTransition.actor),
        )
    if for_update:
        query = query.with_for_update(of=Review)
    review = db.session.execute(query).scalar_one_or_none()
    if review is None:
        abort(404)
    return review


def on_report_agreed(review: Review) -> None:
    """After the report is agreed (everyone agreed, or the DCE decided the dispute): the SLT
    discussion of the themes, and, when a SUSR or SCR/CSPR is known, sharing the final report."""
    add_task(review, TaskKind.DISCUSS_AT_SLT)
    if review.follow_susr_process or review.incident.susr_known or review.incident.scr_known:
        add_task(review, TaskKind.SHARE_WITH_EXTERNAL_REVIEW)


def decision_blockers(review: Review) -> list[str]:
    """What must happen before the CE or DCE may decide, in the procedure's words."""
    blockers = []
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    if consult is not None and consult.is_open:
        blockers.append(
            "The Area Head of Operations must be consulted first: the proceedings are ongoing, so the "
            "decision is made in consultation with them."
        )
    rapid = review.task(TaskKind.RAPID_REVIEW)
    if rapid is not None and rapid.is_open:
        blockers.append(
            "The rapid review and timeline must be completed first: a Single Unified Safeguarding Review "
            "is known, and the rapid review determines whether a full internal review is required."
        )
    return blockers


def decide(review: Review, *, initiate: bool, rationale: str, actor: User) -> None:
    """Record the CE's or DCE's decision, with its rationale, and create what initiation requires."""
    if review.state == ReviewState.OUTSIDE_PROCEDURE:
        if not initiate:
            raise InvalidTransition(
                "This incident is outside the procedure, so no decision is needed. You can still "
                "initiate a review, with your reasons."
            )
        action = "override_initiate"
    else:
        action = "initiate" if initiate else "decline"
    transition = next_state(review.state, action)
    if review.state == ReviewState.AWAITING_DECISION:
        blockers = decision_blockers(review)
        if blockers:
            raise DecisionBlocked(blockers)
    before = review.state
    review.state = transition.to
    review.decision_initiate = initiate
    review.decision_rationale = rationale
    review.decision_override = action == "override_initiate"
    review.decided_by_id = actor.id
    review.decided_at = utcnow()
    decide_task = review.task(TaskKind.DECIDE)
    if decide_task is not None and decide_task.is_open:
        close_task(decide_task, actor, {"initiate": initiate})
    if initiate:
        for kind in TASKS_ON_INITIATE:
            add_task(review, kind, review.case)
    try:
        db.session.flush()
        _record_transition(review, before, action, actor)
        db.session.commit()
    except StaleDataError as error:
        db.session.rollback()
        raise StaleEdit from error


def close_task(task: Task, actor: User, outcome: dict) -> None:
    """Complete a task only if it is still open: a second person gets TaskAlreadyDone."""
    result = db.session.execute(
        update(Task)
        .where(Task.id == task.id, Task.status == TaskStatus.OPEN)
        .values(
            status=TaskStatus.DONE,
            completed_at=utcnow(),
            completed_by_id=actor.id,
            outcome=outcome,
            next_escalation_on=None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise TaskAlreadyDone
    db.session.expire(task)
    audit.record("task.completed", record_id=task.id, case_id=task.review.case_id, actor=actor)


def complete_task(task: Task, *, actor: User, outcome: dict) -> None:
    close_task(task, actor, outcome)
    db.session.commit()


def independent_reviewers(case: Case) -> list[User]:
    """Heads of Operations from any area but the case's own (procedure: Review Process)."""
    from webapp.models import UserRole

    return list(
        db.session.execute(
            select(User)
            .join(UserRole)
            .where(
                UserRole.role == Role.HEAD_OF_OPERATIONS,
                User.active.is_(True),
                User.area_id.is_not(None),
                User.area_id != case.area_id,
            )
            .order_by(User.name)
        ).scalars()
    )


def allocate_reviewer(task: Task, reviewer: User, *, actor: User) -> None:
    case = task.review.case
    if not reviewer.has_role(Role.HEAD_OF_OPERATIONS) or not reviewer.active:
        raise NotIndependent("The reviewer must be an active Head of Operations.")
    if reviewer.area_id is None or reviewer.area_id == case.area_id:
        raise NotIndependent(
            "The reviewer must be independent of the case-managing operational area: choose a Head of "
            "Operations from another area."
        )
    close_task(task, actor, {"reviewer_id": reviewer.id})
    review = task.review
    review.reviewer_id = reviewer.id
    audit.record(
        "review.reviewer_allocated", record_id=review.id, case_id=case.id, changed_fields=["reviewer_id"]
    )
    if review.state == ReviewState.INITIATED:
        transition(review, "allocate_reviewer", actor=actor)
        for kind in TASKS_ON_REVIEWER_ALLOCATED:
            add_task(review, kind, case)
    db.session.commit()


def may_action(task: Task, user: User) -> bool:
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    roles = POOLS.get(task.assignee_pool or "", frozenset())
    if not user.roles & roles:
        return False
    return task.assignee_area_id is None or task.assignee_area_id == user.area_id


def _mine(user: User):
    clauses = [Task.assignee_id == user.id]
    for pool, roles in POOLS.items():
        if user.roles & roles:
            clauses.append(
                and_(
                    Task.assignee_pool == pool,
                    or_(Task.assignee_area_id.is_(None), Task.assignee_area_id == user.area_id),
                )
            )
    return or_(*clauses) if clauses else false()


def my_tasks(
    user: User, *, page: int = 1, per_page: int = 50, include_done: bool = False
) -> CappedPagination:
    query = (
        select(Task)
        .where(_mine(user))
        .options(selectinload(Task.review).selectinload(Review.case))
        .order_by(Task.due_on, Task.id)
    )
    if not include_done:
        query = query.where(Task.status == TaskStatus.OPEN)
    return paginate(query, page=page, per_page=per_page)


def team_tasks(user: User, page: int, per_page: int):
    """Open tasks on every case the manager can see: their practitioners', their area's, or all."""
    query = (
        select(Task)
        .join(Review, Task.review_id == Review.id)
        .join(Case, Review.case_id == Case.id)
        .where(Task.status == TaskStatus.OPEN, case_scope(user))
        .options(selectinload(Task.review).selectinload(Review.case), selectinload(Task.assignee))
        .order_by(Task.due_on, Task.id)
    )
    return paginate(query, page=page, per_page=per_page)


def get_task_or_404(task_id: int) -> Task:
    task = db.session.execute(
        select(Task)
        .join(Review, Task.review_id == Review.id)
        .join(Case, Review.case_id == Case.id)
        .where(Task.id == task_id, or_(case_scope(current_user), _mine(current_user)))
    ).scalar_one_or_none()
    if task is None:
        abort(404)
    return task


def timeliness(task: Task, today: date) -> str:
    """How a task stands against its deadline, in the words the task lists use."""
    if task.status != TaskStatus.OPEN:
        return task.status.label
    if today > task.due_on:
        return "Overdue"
    if today == task.due_on:
        return "Due today"
    if rules.working_days_between(today, task.due_on) <= 2:
        return "Due soon"
    return "Open"
