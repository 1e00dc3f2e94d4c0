"""The task engine: creating a review's tasks, completing them once, who may action them, and the
lists of tasks (mine, my team's)."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app
from flask_login import current_user
from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager, joinedload

import rules
from webapp import audit
from webapp.cases.services import case_scope
from webapp.extensions import db, rows_matched
from webapp.models import Case, Review, Task, TaskKind, TaskStatus, User, utcnow
from webapp.paging import CappedPagination, paginate, paginate_union
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import TASKS
from webapp.tasks.escalation import step_dates
from webapp.tasks.pools import AREA_POOLS, in_pool, pool_branches, pools_of


class TaskAlreadyDone(Exception):
    """Someone else completed the task first."""


def policy() -> rules.Policy:
    return current_app.extensions["case_review_policy"]


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


def close_task(task: Task, actor: User, outcome: dict) -> None:
    """Complete a task only if it is still open: a second person gets TaskAlreadyDone."""
    closed = rows_matched(
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
    if closed != 1:
        raise TaskAlreadyDone  # the caller's unit of work rolls its change back
    db.session.expire(task)
    audit.record("task.completed", record_id=task.id, case_id=task.review.case_id, actor=actor)


@unit_of_work()
def complete_task(task: Task, *, actor: User, outcome: dict) -> None:
    close_task(task, actor, outcome)


def may_action(task: Task, user: User) -> bool:
    if task.assignee_id is not None:
        return task.assignee_id == user.id
    return in_pool(user, task.assignee_pool, task.assignee_area_id)


def _mine(user: User):
    return or_(Task.assignee_id == user.id, pools_of(user))


def my_tasks(
    user: User, *, page: int = 1, per_page: int = 50, include_done: bool = False
) -> CappedPagination:
    """The person's tasks and their pools' (soonest due first): one branch per index range, since
    one WHERE with OR over them left PostgreSQL scanning every open task to count them."""
    status = [] if include_done else [Task.status == TaskStatus.OPEN]
    # Each in its index's order (ix_tasks_open_assignee, ix_tasks_open_pool): within one branch
    # the area is one value, so this is due order too (and "area IS NULL" still reads the index).
    branches = [
        select(Task.id).where(Task.assignee_id == user.id, *status).order_by(Task.due_on, Task.id),
        *(
            select(Task.id).where(condition, *status).order_by(Task.assignee_area_id, Task.due_on, Task.id)
            for condition in pool_branches(user)
        ),
    ]
    return paginate_union(
        Task,
        branches,
        order_by=(Task.due_on, Task.id),
        options=(joinedload(Task.review, innerjoin=True).joinedload(Review.case, innerjoin=True),),
        page=page,
        per_page=per_page,
    )


def team_tasks(user: User, page: int, per_page: int):
    """Open tasks on every case the manager can see: their practitioners', their area's, or all."""
    query = (
        select(Task)
        .join(Review, Task.review_id == Review.id)
        .join(Case, Review.case_id == Case.id)
        .where(Task.status == TaskStatus.OPEN, case_scope(user))
        .options(contains_eager(Task.review).contains_eager(Review.case), joinedload(Task.assignee))
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
