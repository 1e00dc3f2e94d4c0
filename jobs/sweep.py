"""The deadline sweep: climbs each overdue task's escalation ladder, one step at a time, once.

Ladder (DESIGN.md section 3, timings from the policy file's [escalation] table, in working days
after the due date): a reminder to whoever holds the task, then its holders' line managers, then
the Deputy Chief Executive. Every step is a TaskEscalation row (unique per task and step, so it
is taken once even when two sweeps race) and a notification for each recipient, written in one
transaction.

Cost: each open task carries ``next_escalation_on``, the date its next step falls due, indexed.
The sweep reads only rows whose date has come, so it costs what is due, not what is stored; and it
works in batches with the same few statements whatever their size: read the due tasks (on
PostgreSQL locked, skipping rows another sweep holds), read their steps taken, claim them with one
conditional UPDATE ... RETURNING (moving each task's date on), read every possible recipient at
once, then insert the batch's steps and notifications, one statement each, and commit.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, case, cast, insert, literal, null, select, tuple_, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import selectinload

from webapp.admin.policy import effective_policy
from webapp.extensions import db
from webapp.formatting import format_date, london
from webapp.i18n import gettext as _
from webapp.i18n import in_language_of, language_of
from webapp.models import (
    Case,
    Notification,
    NotificationStatus,
    Review,
    Role,
    Task,
    TaskEscalation,
    TaskKind,
    TaskStatus,
    User,
    UserRole,
    utcnow,
)
from webapp.notifications.kinds import KINDS
from webapp.tasks.escalation import STEP_KINDS, steps_due
from webapp.tasks.pools import POOLS, in_pool
from webapp.tasks.titles import titles_of_ids

log = logging.getLogger(__name__)

BATCH = 1000


@dataclass(frozen=True)
class DueTask:
    id: int
    kind: TaskKind
    due_on: date
    seen: date  # next_escalation_on as read: the claim is conditional on it
    assignee_id: int | None
    pool: str | None
    area_id: int | None
    case_number: str


@dataclass
class People:
    """Everyone a batch's steps may reach, loaded in one go."""

    by_id: dict[int, User]
    with_role: dict[Role, list[User]]

    def holders(self, task: DueTask) -> list[User]:
        """Who holds the task: the named person, or every active member of its pool (and area)."""
        if task.assignee_id is not None:
            person = self.by_id.get(task.assignee_id)
            return [person] if person is not None and person.active else []
        members = {
            user.id: user
            for role in POOLS.get(task.pool or "", frozenset())
            for user in self.with_role.get(role, [])
            if in_pool(user, task.pool, task.area_id)
        }
        return list(members.values())

    def recipients(self, task: DueTask, step: str) -> list[User]:
        people = self.holders(task)
        if step == "reminder":
            return people
        if step == "line_manager":
            return [p.line_manager for p in people if p.line_manager and p.line_manager.active]
        return list(self.with_role.get(Role.DEPUTY_CHIEF_EXECUTIVE, []))


def _read_due(today: date, limit: int) -> list[DueTask]:
    query = (
        select(
            Task.id,
            Task.kind,
            Task.due_on,
            Task.next_escalation_on,
            Task.assignee_id,
            Task.assignee_pool,
            Task.assignee_area_id,
            Case.case_number,
        )
        .join(Review, Task.review_id == Review.id)
        .join(Case, Review.case_id == Case.id)
        .where(Task.next_escalation_on <= today, Task.status == TaskStatus.OPEN)
        .order_by(Task.next_escalation_on, Task.id)
        .limit(limit)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=Task, skip_locked=True)  # another sweep has them: leave them
    return [DueTask(*row) for row in db.session.execute(query).all()]


def _people(tasks: list[DueTask]) -> People:
    """The named holders, every active holder of the batch's pools' roles, and the DCEs: one query
    (and one for their line managers)."""
    roles = {role for task in tasks for role in POOLS.get(task.pool or "", frozenset())}
    roles.add(Role.DEPUTY_CHIEF_EXECUTIVE)
    named = {task.assignee_id for task in tasks if task.assignee_id is not None}
    with_roles = select(UserRole.user_id).where(UserRole.role.in_(roles))
    users = list(
        db.session.execute(
            select(User)
            .where((User.id.in_(named)) | (User.active.is_(True) & User.id.in_(with_roles)))
            .options(selectinload(User.line_manager))
        ).scalars()
    )
    with_role: dict[Role, list[User]] = defaultdict(list)
    for user in users:
        if user.active:
            for role in user.roles & roles:
                with_role[role].append(user)
    return People(by_id={user.id: user for user in users}, with_role=with_role)


def _dates_by_id(dates: dict[int, date | None]):
    """``CASE tasks.id WHEN ... THEN <date> END``, typed as a date on PostgreSQL (where a CASE of
    only NULLs would be text); SQLite stores dates as text, where a CAST would make numbers."""
    expression = case(
        {task_id: literal(on, Date) for task_id, on in dates.items()}, value=Task.id, else_=null()
    )
    return cast(expression, Date) if db.engine.dialect.name == "postgresql" else expression


def _batch(today: date, limit: int) -> tuple[int, int, int]:
    """Climb the ladder of up to ``limit`` due tasks in one transaction; returns the tasks read, the
    tasks claimed and the steps taken."""
    policy = effective_policy()  # the administrators' changes apply without a restart
    tasks = _read_due(today, limit)
    if not tasks:
        db.session.rollback()
        return 0, 0, 0
    taken: dict[int, set[str]] = defaultdict(set)
    for task_id, step in db.session.execute(
        select(TaskEscalation.task_id, TaskEscalation.step).where(
            TaskEscalation.task_id.in_([t.id for t in tasks])
        )
    ):
        taken[task_id].add(step)
    plans: dict[int, tuple[list[str], date | None]] = {}
    for task in tasks:
        plans[task.id] = steps_due(task.due_on, taken[task.id], policy, today)
    try:
        # Claim first, conditional on the date read: of two racing sweeps, one moves each date and
        # takes its steps; the other gets fewer rows back (on PostgreSQL it skipped the locked rows).
        claimed = set(
            db.session.execute(
                update(Task)
                .where(
                    tuple_(Task.id, Task.next_escalation_on).in_([(t.id, t.seen) for t in tasks]),
                )
                .values(
                    next_escalation_on=_dates_by_id({task_id: plan[1] for task_id, plan in plans.items()})
                )
                .returning(Task.id)
                .execution_options(synchronize_session=False)
            ).scalars()
        )
        mine = [task for task in tasks if task.id in claimed]
        people = _people(mine)
        notifications: list[dict] = []
        escalations: list[dict] = []
        now = utcnow()
        details = _Details(mine)
        for task in mine:
            for step in plans[task.id][0]:
                kind = STEP_KINDS[step]
                if kind not in KINDS:
                    raise ValueError(f"unknown notification kind {kind!r}")
                reached = {user.id: user for user in people.recipients(task, step) if user.active}
                notifications += [
                    {
                        "user_id": user_id,
                        "kind": kind,
                        "dedupe_key": f"task:{task.id}:{step}:user:{user_id}",
                        "detail": details.of(task, reached[user_id]),
                        "language": language_of(reached[user_id]),
                        "link_path": f"/tasks/{task.id}",
                        "status": NotificationStatus.PENDING,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "created_at": now,
                    }
                    for user_id in sorted(reached)
                ]
                escalations.append(
                    {"task_id": task.id, "step": step, "recipients": len(reached), "occurred_at": now}
                )
        if notifications:
            db.session.execute(insert(Notification), notifications)
        if escalations:
            db.session.execute(insert(TaskEscalation), escalations)
        db.session.commit()
    except (IntegrityError, OperationalError):
        # A concurrent sweep took these steps (unique per task and step), or SQLite refused a
        # second writer: theirs stands, and anything left is picked up at the next run.
        db.session.rollback()
        return len(tasks), 0, 0
    return len(tasks), len(mine), len(escalations)


class _Details:
    """Each notification's in-app words in its recipient's language: the batch's titles and sentences
    are worked out once per language used, not per recipient."""

    def __init__(self, tasks: list[DueTask]) -> None:
        self.tasks = tasks
        self._by_language: dict[str, dict[int, str]] = {}

    def of(self, task: DueTask, user: User) -> str:
        language = language_of(user)
        if language not in self._by_language:
            with in_language_of(user):
                self._by_language[language] = self._sentences()
        return self._by_language[language][task.id]

    def _sentences(self) -> dict[int, str]:
        names = titles_of_ids(task.id for task in self.tasks)
        sentences = {}
        for task in self.tasks:
            name = names.get(task.id, task.kind.label)
            if task.case_number not in name:
                name = _("%(title)s (case %(case_number)s)", title=name, case_number=task.case_number)
            sentences[task.id] = _(
                "%(title)s was due on %(date)s.", title=name, date=format_date(task.due_on)
            )
        return sentences


def run(now: datetime | None = None, *, batch: int | None = None) -> dict[str, int]:
    today = london(now or utcnow()).date()
    limit = batch or BATCH
    due = steps = 0
    while True:
        read, claimed, taken = _batch(today, limit)
        due += read
        steps += taken
        if read < limit or not claimed:
            break  # all read; or another sweep holds these (or refused): the next run goes on
    if due:
        log.info("sweep: %s tasks due, %s steps taken", due, steps)
    return {"tasks_due": due, "steps_taken": steps}
