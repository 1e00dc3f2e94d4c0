"""The task engine: creating a review's tasks, completing them once, who may action them, and the
lists of tasks (mine, my team's)."""

from __future__ import annotations

import functools
from datetime import date, datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

import rules
from webapp import audit
from webapp.cases.services import case_scope, sees_every_case
from webapp.extensions import db, rows_matched
from webapp.i18n import lazy_gettext as _l
from webapp.models import Case, Review, Task, TaskKind, TaskStatus, User, utcnow
from webapp.notifications.services import notify_all
from webapp.paging import CappedPagination, paginate, paginate_union
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import TASKS
from webapp.tasks.escalation import step_dates
from webapp.tasks.pools import holder, holders, in_pool, pool_branches, pools_of


class TaskAlreadyDone(Exception):
    """Someone else completed the task first."""


def policy() -> rules.Policy:
    """The timescales in force: the policy file, with the administrators' changes (admin/policy.py)."""
    from webapp.admin.policy import effective_policy

    return effective_policy()


def _due_from(start: date | datetime, working_days: int) -> date:
    if isinstance(start, datetime):
        return rules.due_date(start, working_days)
    return rules.add_working_days(start, working_days)


def add_task(
    review: Review,
    kind: TaskKind,
    case: Case | None = None,
    *,
    assignee_id: int | None = None,
    due_on: date | None = None,
    start: date | datetime | None = None,
    dispute_id: int | None = None,
    draft_id: int | None = None,
    party: str | None = None,
    information_request_id: int | None = None,
) -> Task:
    """Create a task as lifecycle.TASKS says; ``assignee_id``/``due_on`` where the spec needs them;
    the dispute, report version and party it is about, for kinds a review holds many of.

    The one place tasks are created. Its timescale runs from ``start`` (the notification date for
    the tasks an incident creates; now by default); a task that waits for another (TaskSpec.waits_for)
    is not due or escalated until that one is done. A pool with nobody in it falls back as
    tasks/pools.py declares, and a task left with nobody alerts the administrators."""
    spec = TASKS[kind]
    case = case or review.case
    if due_on is None:
        if spec.policy_key is None:
            raise ValueError(f"{kind} needs a due date")
        due_on = _due_from(start or utcnow(), policy().timescale(spec.policy_key))
    awaited = next((t for k in spec.waits_for if (t := review.task(k)) is not None and t.is_open), None)
    # Who holds a pooled task is read before the task exists (the query would flush it half-made).
    found = (
        holder(spec.assign_to.removeprefix("pool:"), case.area_id)
        if spec.assign_to.startswith("pool:")
        else None
    )
    task = Task(
        review=review,
        kind=kind,
        status=TaskStatus.OPEN,
        due_on=due_on,
        next_escalation_on=None if awaited else step_dates(due_on, policy())["reminder"],
        waits_for=awaited,
        outcome={},
        dispute_id=dispute_id,
        draft_id=draft_id,
        party=party,
        information_request_id=information_request_id,
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
    elif found is not None:
        task.assignee_pool, task.assignee_area_id = found.pool, found.area_id
        task.fallback_from = found.fallback_from
    else:
        raise ValueError(f"unknown assignment {spec.assign_to!r} for {kind}")
    db.session.add(task)
    if (found is not None and found.nobody) or (
        task.assignee_id is not None and not _is_active(task.assignee_id)
    ):
        _alert_administrators(review, kind)
    # A task created later that another open one waits for (a SUSR known later: the rapid review
    # before the decision) stops that one's clock until it is done.
    for other in review.tasks:
        if (
            other is not task
            and other.is_open
            and kind in TASKS[other.kind].waits_for
            and not other.is_waiting
        ):
            other.waits_for = task
            other.next_escalation_on = None
    db.session.flush()
    tell_holders(task, case)
    return task


def tell_holders(task: Task, case: Case) -> int:
    """Every new task tells everyone who can act on it, in the app at once and by email within a
    relay cycle (combined with anything else they are sent then). An incident's acknowledgement
    is the Area Head's first news of the incident, and says so."""
    kind = "incident_recorded" if task.kind == TaskKind.ACKNOWLEDGE_INCIDENT else "task_assigned"
    return notify_all(
        holders(task),
        kind,
        link_path=f"/tasks/{task.id}",
        detail=_l(
            "New task on case %(number)s: %(task)s.", number=case.case_number, task=task.kind.lazy_label
        ),
        key=f"task:{task.id}:new",
    )


def _is_active(user_id: int) -> bool:
    person = db.session.get(User, user_id)
    return person is not None and person.active


def reassign_case_tasks(case: Case, *, old_ids: dict[str, int | None]) -> int:
    """The case's Practice Manager or practitioner changed: their open tasks on its reviews (those
    lifecycle.TASKS gives to "case:practice_manager" / "case:practitioner") move to the new person,
    who is told of each. ``old_ids`` maps "practice_manager"/"practitioner" to the earlier holder."""
    moved = 0
    for role, old_id in old_ids.items():
        new_id = getattr(case, f"{role}_id")
        if old_id is None or new_id == old_id:
            continue
        kinds = [kind for kind, spec in TASKS.items() if spec.assign_to == f"case:{role}"]
        tasks = db.session.execute(
            select(Task)
            .join(Review, Task.review_id == Review.id)
            .where(
                Review.case_id == case.id,
                Task.status == TaskStatus.OPEN,
                Task.assignee_id == old_id,
                Task.kind.in_(kinds),
            )
        ).scalars()
        for task in tasks:
            task.assignee_id = new_id
            audit.record("task.reassigned", record_id=task.id, case_id=case.id)
            db.session.flush()
            tell_holders(task, case)
            moved += 1
    return moved


def _alert_administrators(review: Review, kind: TaskKind) -> None:
    """A task for a pool with nobody in it: every administrator is told (generic email, no case data)."""
    from webapp import users
    from webapp.models import Role
    from webapp.notifications.services import notify_all

    notify_all(
        users.holding(Role.ADMINISTRATOR),
        "task_with_nobody",
        link_path="/admin/tasks-with-nobody",
        detail=_l("'%(task)s' was created for a group that has nobody in it.", task=kind.lazy_label),
        key=f"review:{review.id}:nobody:{kind.value}:{utcnow().isoformat()}",
    )


def cancel_task(task: Task, reason: str) -> None:
    """A task that no longer applies: kept, marked no longer needed, with the reason."""
    if not task.is_open:
        return
    task.status = TaskStatus.CANCELLED
    task.cancel_reason = reason
    task.completed_at = utcnow()  # when it stopped applying; completed_by stays empty
    task.next_escalation_on = None
    audit.record("task.cancelled", record_id=task.id, case_id=task.review.case_id)
    # A task that waited for this one waits no longer: its clock starts today, as if it were done.
    release_waiting(task)


def release_waiting(done: Task) -> None:
    """Start the clock of tasks that waited for ``done``: the next task they wait for, if any is
    still open, or their full timescale from today (as declared in TaskSpec.waits_for)."""
    for task in done.review.tasks:
        if task.waits_for_id != done.id or not task.is_open:
            continue
        spec = TASKS[task.kind]
        still = next(
            (
                t
                for k in spec.waits_for
                if (t := done.review.task(k)) is not None and t.is_open and t is not done
            ),
            None,
        )
        if still is not None:
            task.waits_for = still
            continue
        if spec.policy_key is not None:
            task.due_on = _due_from(utcnow(), policy().timescale(spec.policy_key))
        task.next_escalation_on = step_dates(task.due_on, policy())["reminder"]
        # Released: it waits for nothing now, so every list may count it as due (``overdue``).
        task.waits_for = None


def overdue(today: date) -> ColumnElement[bool]:
    """The one rule for an overdue task, as a WHERE clause: open, past its due date, and not waiting
    for another task (a waiting task is not due until that one is done; release_waiting clears it)."""
    return and_(Task.status == TaskStatus.OPEN, Task.due_on < today, Task.waits_for_id.is_(None))


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
    release_waiting(task)


def cancel_tasks(*conditions) -> None:
    """Open tasks no longer needed (their question was overtaken): marked so, and no longer chased."""
    db.session.execute(
        update(Task)
        .where(Task.status == TaskStatus.OPEN, *conditions)
        .values(status=TaskStatus.CANCELLED, next_escalation_on=None)
        .execution_options(synchronize_session="fetch")
    )


def linked_task(
    review: Review,
    kind: TaskKind,
    *,
    dispute_id: int | None = None,
    draft_id: int | None = None,
    party: str | None = None,
) -> Task | None:
    """The task of ``kind`` about this dispute / version / party (the latest, should there be more)."""
    query = select(Task).where(Task.review_id == review.id, Task.kind == kind)
    if dispute_id is not None:
        query = query.where(Task.dispute_id == dispute_id)
    if draft_id is not None:
        query = query.where(Task.draft_id == draft_id)
    if party is not None:
        query = query.where(Task.party == party)
    return db.session.execute(query.order_by(Task.id.desc()).limit(1)).scalar_one_or_none()


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
        # The case numbers come with the titles (titles.listing), not by loading reviews and cases.
        options=(selectinload(Task.waits_for),),
        page=page,
        per_page=per_page,
    )


def team_tasks(user: User, page: int, per_page: int):
    """Open tasks on every case the manager can see: their practitioners', their area's, or all."""
    query = (
        select(Task)
        .where(Task.status == TaskStatus.OPEN)
        # The case numbers come with the titles (titles.listing).
        .options(
            joinedload(Task.assignee).lazyload(User.role_rows),
            selectinload(Task.waits_for),
            selectinload(Task.action_item),  # its page's link (tasks.pages.may_open)
        )
        .order_by(Task.due_on, Task.id)
    )
    if not sees_every_case(user):
        # The joins are for the scope alone: for someone who sees every case, the open tasks are
        # read (and counted) from their index without them.
        query = query.join(Review, Task.review_id == Review.id).join(Case, Review.case_id == Case.id)
        query = query.where(case_scope(user))
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


def standing(task: Task, today: date) -> str:
    """How a task stands against its deadline, as a key: "done", "cancelled", "waiting", "overdue",
    "due_today", "due_soon" or "open" (the words are ``timeliness``'s, the colour ``TIMELINESS_TAGS``')."""
    if task.status != TaskStatus.OPEN:
        return task.status.value
    if task.is_waiting:
        return "waiting"
    if today > task.due_on:
        return "overdue"
    if today == task.due_on:
        return "due_today"
    if task.due_on < _first_day_not_soon(today):
        return "due_soon"
    return "open"


@functools.lru_cache(maxsize=4)
def _first_day_not_soon(today: date) -> date:
    """The third working day after ``today``: a task due before it is due in two working days or
    fewer (worked out once per day, not by counting the days to each task's deadline)."""
    return rules.add_working_days(today, 3)


TIMELINESS_WORDS = {
    "waiting": _l("Waiting for another task"),
    "overdue": _l("Overdue"),
    "due_today": _l("Due today"),
    "due_soon": _l("Due soon"),
    "open": _l("Open"),
}
# The tag colour of each standing on the task lists (blue for any other: standing_tag).
TIMELINESS_TAGS = {
    "overdue": "govuk-tag--red",
    "due_today": "govuk-tag--orange",
    "due_soon": "govuk-tag--yellow",
    "done": "govuk-tag--green",
}


def timeliness(task: Task, today: date) -> str:
    """How a task stands against its deadline, in the words the task lists use."""
    return standing_words(task, standing(task, today))


def standing_words(task: Task, key: str) -> str:
    """The words for ``key``, the task's ``standing``."""
    if key in TIMELINESS_WORDS:
        return str(TIMELINESS_WORDS[key])
    return str(task.status.label)


def standing_tag(key: str) -> str:
    """The tag colour class for a ``standing`` on the task lists."""
    return TIMELINESS_TAGS.get(key, "govuk-tag--blue")


def tasks_with_nobody(limit: int = 200) -> list[Task]:
    """Open tasks nobody can do, oldest first: the administrators' "Tasks with nobody to do them".
    A task for a pool (in an area) with nobody in it, even after the fallbacks, or for a named
    person whose account is no longer active. One read of the open pools (few pairs: pools times
    areas), a membership check each, then one read of the tasks."""
    from webapp.tasks.pools import empty_pools

    pairs = db.session.execute(
        select(Task.assignee_pool, Task.assignee_area_id)
        .where(Task.status == TaskStatus.OPEN, Task.assignee_pool.is_not(None))
        .distinct()
    ).all()
    empty = empty_pools([(pool, area_id) for pool, area_id in pairs])
    clauses = [
        and_(
            Task.assignee_pool == pool,
            Task.assignee_area_id.is_(None) if area_id is None else Task.assignee_area_id == area_id,
        )
        for pool, area_id in empty
    ]
    clauses.append(Task.assignee_id.in_(select(User.id).where(User.active.is_(False))))
    return list(
        db.session.execute(
            select(Task)
            .where(Task.status == TaskStatus.OPEN, or_(*clauses))
            .options(selectinload(Task.assignee_area), selectinload(Task.assignee))
            .order_by(Task.created_at, Task.id)
            .limit(limit)
        ).scalars()
    )
