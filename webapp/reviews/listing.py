"""Lists of reviews: the Reviews page (filtered, sorted, paged), a person's own reviews and the
reviews needing attention on the home page, and each case's open review stage on the case list.

Every list is scoped by ``case_scope``, as the case list is; each costs a fixed number of statements
whatever its length (the next task of a page of reviews is one query).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from webapp.cases.services import case_scope
from webapp.extensions import db
from webapp.i18n import lazy_gettext as _l
from webapp.models import Case, Incident, Review, ReviewState, Role, Task, TaskStatus, User
from webapp.paging import CappedPagination, paginate
from webapp.tasks.services import overdue

# Reviews still being worked on: not closed, not declined, not outside the procedure.
FINISHED_STATES = frozenset({ReviewState.CLOSED, ReviewState.NOT_INITIATED, ReviewState.OUTSIDE_PROCEDURE})
OPEN_STATES = tuple(state for state in ReviewState if state not in FINISHED_STATES)
# Who sees "reviews needing attention" on their home page (within their scope).
ATTENTION_ROLES = frozenset(
    {
        Role.CHIEF_EXECUTIVE,
        Role.DEPUTY_CHIEF_EXECUTIVE,
        Role.PRACTICE_DEVELOPMENT_TEAM,
        Role.SENIOR_LEADERSHIP_TEAM,
        Role.AREA_HEAD_OF_OPERATIONS,
    }
)
SORTS = {
    "opened": Review.created_at,
    "incident": Incident.occurred_on,
    "case": Case.case_number,
}
SORT_LABELS = {"opened": _l("Days open"), "incident": _l("Incident date"), "case": _l("Case number")}


@dataclass(frozen=True)
class ReviewFilters:
    stage: str | None = None
    area_id: int | None = None
    overdue: bool = False
    susr: bool | None = None  # None: either
    reviewer_id: int | None = None
    sort: str = "opened"
    descending: bool = False  # "opened" ascending: oldest (most days open) first


def _overdue(today: date):
    return Review.id.in_(select(Task.review_id).where(overdue(today)))


def _scoped(user: User):
    return (
        select(Review)
        .join(Case, Review.case_id == Case.id)
        .join(Incident, Review.incident_id == Incident.id)
        .where(case_scope(user))
        .options(contains_eager(Review.case), contains_eager(Review.incident))
    )


def list_reviews(
    user: User, filters: ReviewFilters, today: date, *, page: int, per_page: int
) -> CappedPagination:
    query = _scoped(user)
    if filters.stage:
        query = query.where(Review.state == filters.stage)
    if filters.area_id:
        query = query.where(Case.area_id == filters.area_id)
    if filters.overdue:
        query = query.where(_overdue(today))
    if filters.susr is not None:
        query = query.where(Incident.susr_known.is_(filters.susr))
    if filters.reviewer_id:
        query = query.where(Review.reviewer_id == filters.reviewer_id)
    column = SORTS.get(filters.sort, Review.created_at)
    query = query.order_by(column.desc() if filters.descending else column.asc(), Review.id)
    return paginate(query, page=page, per_page=per_page)


def my_reviews(user: User, *, limit: int = 20) -> list[Review]:
    """Open reviews the person works on: as reviewer, decision-maker, the case's practitioner or
    Practice Manager, or holder of one of its open tasks."""
    mine = select(Task.review_id).where(Task.status == TaskStatus.OPEN, Task.assignee_id == user.id)
    query = (
        _scoped(user)
        .where(
            Review.state.in_(OPEN_STATES),
            or_(
                Review.reviewer_id == user.id,
                Review.decided_by_id == user.id,
                Case.practitioner_id == user.id,
                Case.practice_manager_id == user.id,
                Review.id.in_(mine),
            ),
        )
        .order_by(Review.created_at, Review.id)
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def needing_attention(user: User, today: date, *, limit: int = 20) -> list[Review] | None:
    """For CE, DCE, PDT, SLT and AHoO: open reviews in their scope with an overdue task or waiting
    for the decision, oldest first. None for everyone else (the home page shows no such list)."""
    if not user.roles & ATTENTION_ROLES:
        return None
    query = (
        _scoped(user)
        .where(
            Review.state.in_(OPEN_STATES),
            or_(_overdue(today), Review.state == ReviewState.AWAITING_DECISION),
        )
        .order_by(Review.created_at, Review.id)
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def next_tasks(reviews: list[Review]) -> dict[int, Task]:
    """Each review's open task due soonest (with its holder), in one query for the whole list,
    sent even for an empty list so that a page costs the same statements whatever it shows."""
    ids = [review.id for review in reviews]
    ranked = (
        select(
            Task.id,
            func.row_number()
            .over(partition_by=Task.review_id, order_by=(Task.due_on, Task.id))
            .label("rank"),
        )
        .where(Task.review_id.in_(ids), Task.status == TaskStatus.OPEN)
        .subquery()
    )
    first = select(Task).join(ranked, Task.id == ranked.c.id).where(ranked.c.rank == 1)
    rows = db.session.execute(first.options(joinedload(Task.assignee).lazyload(User.role_rows))).scalars()
    return {task.review_id: task for task in rows}


def open_stages(case_ids: list[int]) -> dict[int, ReviewState]:
    """Each case's open review stage (its latest open review's), in one query for the page."""
    stages: dict[int, ReviewState] = {}
    rows = db.session.execute(
        select(Review.case_id, Review.state)
        .where(Review.case_id.in_(case_ids), Review.state.in_(OPEN_STATES))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    for case_id, state in rows:
        stages.setdefault(case_id, state)
    return stages


def days_open(review: Review, today: date) -> int:
    from webapp.formatting import london

    ended = london(review.closed_at).date() if review.closed_at else today
    return (ended - london(review.created_at).date()).days
