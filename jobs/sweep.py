"""The deadline sweep: climbs each overdue task's escalation ladder, one step at a time, once.

Ladder (DESIGN.md section 3, timings from the policy file's [escalation] table, in working days
after the due date): a reminder to whoever holds the task, then its holders' line managers, then
the Deputy Chief Executive. Every step is a TaskEscalation row (unique per task and step, so it
is taken once even when two sweeps race) and a notification for each recipient, written in one
transaction.

Cost: each open task carries ``next_escalation_on``, the date its next step falls due, indexed.
The sweep reads only rows whose date has come, so it costs what is due, not what is stored.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from webapp import users
from webapp.extensions import db, rows_matched
from webapp.formatting import format_date, london
from webapp.models import Role, Task, TaskEscalation, TaskStatus, User, utcnow
from webapp.notifications.services import notify_all
from webapp.tasks import pools
from webapp.tasks.escalation import STEP_KINDS, STEPS, step_dates

log = logging.getLogger(__name__)

BATCH = 5000


def holders(task: Task) -> list[User]:
    """Who holds the task: the named person, or every active member of its pool (and area)."""
    if task.assignee_id is not None:
        return [task.assignee] if task.assignee and task.assignee.active else []
    return pools.members(task.assignee_pool, task.assignee_area_id)


def recipients(task: Task, step: str) -> list[User]:
    people = holders(task)
    if step == "reminder":
        return people
    if step == "line_manager":
        return [p.line_manager for p in people if p.line_manager and p.line_manager.active]
    return users.holding(Role.DEPUTY_CHIEF_EXECUTIVE)


def _climb(task_id: int, today: date) -> int:
    """Take every step of one task's ladder that has fallen due; returns steps taken."""
    query = select(Task).where(Task.id == task_id)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # another sweep has it: leave it to them
    task = db.session.execute(query).scalar_one_or_none()
    if task is None or task.status != TaskStatus.OPEN or task.next_escalation_on is None:
        db.session.rollback()
        return 0
    if task.next_escalation_on > today:
        db.session.rollback()
        return 0
    seen = task.next_escalation_on
    dates = step_dates(task.due_on, current_app.extensions["case_review_policy"])
    taken = {e.step for e in task.escalations}
    due_now = [step for step in STEPS if step not in taken and dates[step] <= today]
    following = [dates[s] for s in STEPS if s not in taken and dates[s] > today]
    try:
        # Claim first, conditional on the date we read: of two racing sweeps, one moves the date
        # and takes the steps; the other changes nothing (on PostgreSQL it skipped the locked row).
        claimed = rows_matched(
            update(Task)
            .where(Task.id == task.id, Task.next_escalation_on == seen)
            .values(next_escalation_on=min(following) if following else None)
            .execution_options(synchronize_session=False)
        )
        if claimed != 1:
            db.session.rollback()
            return 0
        case = task.review.case
        for step in due_now:
            sent = notify_all(
                recipients(task, step),
                STEP_KINDS[step],
                link_path=f"/tasks/{task.id}",
                detail=f"{task.kind.label} (case {case.case_number}) was due on {format_date(task.due_on)}.",
                key=f"task:{task.id}:{step}",
            )
            db.session.add(TaskEscalation(task_id=task.id, step=step, recipients=sent))
        db.session.commit()
    except (IntegrityError, OperationalError):
        # A concurrent sweep took these steps (unique per task and step), or SQLite refused a
        # second writer: theirs stands, and anything left is picked up at the next run.
        db.session.rollback()
        return 0
    return len(due_now)


def run(now: datetime | None = None) -> dict[str, int]:
    today = london(now or utcnow()).date()
    due = list(
        db.session.execute(
            select(Task.id)
            .where(Task.next_escalation_on <= today, Task.status == TaskStatus.OPEN)
            .order_by(Task.next_escalation_on, Task.id)
            .limit(BATCH)
        ).scalars()
    )
    db.session.rollback()  # release the read snapshot before the per-task transactions
    steps = sum(_climb(task_id, today) for task_id in due)
    if due:
        log.info("sweep: %s tasks due, %s steps taken", len(due), steps)
    return {"tasks_due": len(due), "steps_taken": steps}
