"""The learning dashboard's figures, worked out ahead and kept as a snapshot per period.

Aggregating every review on each view costs hundreds of milliseconds once there are tens of
thousands of reviews. Instead a view reads the latest snapshot of its period when it is younger
than ``MAX_AGE``; otherwise it works the figures out once and keeps them. The scheduled
``dashboard`` job refreshes the default period (the last 12 months) every few minutes, and any
change to what the learning figures are made of (learning records, tags, action plans, reviews and
their state changes) clears every snapshot in the same transaction, so the next view is current.
Overdue tasks change with every task closed, so they are as fresh as the snapshot: the page says
when its figures were worked out.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta

from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.learning import dashboard
from webapp.models import (
    ActionPlanItem,
    DashboardSnapshot,
    Incident,
    LearningPoint,
    LearningTag,
    Review,
    ReviewLearning,
    ReviewTransition,
    learning_point_actions,
    learning_point_tags,
    review_learning_tags,
    utcnow,
)

MAX_AGE = timedelta(minutes=10)
REFRESH_MINUTES = 5  # the scheduled job's rhythm (jobs/schedule.py)
# Rows whose change changes a learning figure (tasks, whose overdue count changes constantly, are
# left to the scheduled refresh).
WATCHED = (ReviewLearning, LearningTag, ActionPlanItem, Review, ReviewTransition, Incident, LearningPoint)


def _stored(figures: list[dashboard.Figure]) -> list[dict]:
    return [asdict(figure) for figure in figures]


def _restored(rows: list[dict]) -> list[dashboard.Figure]:
    return [dashboard.Figure(**row) for row in rows]


def store(start: date, end: date, today: date, *, now: datetime | None = None) -> DashboardSnapshot:
    """Work the period's figures out now and keep them (replacing older snapshots of the period)."""
    now = now or utcnow()
    figures = dashboard.figures(start, end, today)
    db.session.execute(
        delete(DashboardSnapshot).where(
            DashboardSnapshot.period_start == start, DashboardSnapshot.period_end == end
        )
    )
    snapshot = DashboardSnapshot(
        period_start=start, period_end=end, as_of=today, computed_at=now, figures=_stored(figures)
    )
    db.session.add(snapshot)
    db.session.commit()
    return snapshot


def figures(
    start: date, end: date, today: date, area_id: int | None = None
) -> tuple[list[dashboard.Figure], datetime]:
    """The period's figures and when they were worked out: from a recent snapshot if there is one.
    One area's figures are worked out when asked (snapshots hold the whole organisation's)."""
    now = utcnow()
    if area_id is not None:
        return dashboard.figures(start, end, today, area_id), now
    snapshot = db.session.execute(
        select(DashboardSnapshot)
        .where(
            DashboardSnapshot.period_start == start,
            DashboardSnapshot.period_end == end,
            DashboardSnapshot.as_of == today,
            DashboardSnapshot.computed_at >= now - MAX_AGE,
        )
        .order_by(DashboardSnapshot.computed_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if snapshot is None:
        snapshot = store(start, end, today, now=now)
    return _restored(snapshot.figures), snapshot.computed_at


WATCHED_TABLES = frozenset(
    {model.__table__ for model in WATCHED}
    | {review_learning_tags, learning_point_tags, learning_point_actions}
)


@event.listens_for(Session, "after_flush")
def _clear_on_change(session: Session, _context) -> None:
    """A change to the learning data clears the snapshots, in the transaction that made it."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, WATCHED) for row in changed):
        session.connection().execute(delete(DashboardSnapshot))


@event.listens_for(Session, "do_orm_execute")
def _clear_on_bulk_change(state) -> None:
    """The same for INSERT, UPDATE and DELETE statements sent through the session."""
    if (state.is_insert or state.is_update or state.is_delete) and getattr(
        state.statement, "table", None
    ) in WATCHED_TABLES:
        state.session.connection().execute(delete(DashboardSnapshot))
