"""The learning dashboard's figures, worked out ahead and kept as a snapshot per period.

Aggregating every review on each view costs hundreds of milliseconds once there are tens of
thousands of reviews. Instead a view reads the latest snapshot of its period when it is younger
than ``MAX_AGE``; otherwise it works the figures out once and keeps them. The scheduled
``dashboard`` job refreshes the default period (the last 12 months) every few minutes, and any
change to what the learning figures are made of (learning records, tags, action plans, reviews and
their state changes) clears every snapshot in the same transaction, so the next view is current.
Overdue tasks change with every task closed, so they are as fresh as the snapshot: the page says
when its figures were worked out.

A figure's words are written when it is worked out, so a snapshot keeps the figures once in each
language (each stored figure names its ``language``), worked out together: a Welsh and an English
reader see the same numbers, as of the same moment.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from webapp.extensions import db
from webapp.i18n import LANGUAGES, current_language
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


def _stored(start: date, end: date, today: date) -> list[dict]:
    """The figures in each language, each marked with its language."""
    stored = []
    for language in LANGUAGES:
        with force_locale(language):
            stored += [
                asdict(figure) | {"language": language} for figure in dashboard.figures(start, end, today)
            ]
    return stored


def _restored(stored: list[dict]) -> list[dashboard.Figure]:
    language = current_language()
    return [
        dashboard.Figure(**{name: value for name, value in row.items() if name != "language"})
        for row in stored
        if row["language"] == language
    ]


def _current(snapshot: DashboardSnapshot) -> bool:
    """Whether the snapshot holds the figures in every language (older ones held English figures only,
    unmarked)."""
    return {row.get("language") for row in snapshot.figures} >= set(LANGUAGES)


def store(start: date, end: date, today: date, *, now: datetime | None = None) -> DashboardSnapshot:
    """Work the period's figures out now, in each language, and keep them (replacing older snapshots
    of the period)."""
    now = now or utcnow()
    figures = _stored(start, end, today)
    db.session.execute(
        delete(DashboardSnapshot).where(
            DashboardSnapshot.period_start == start, DashboardSnapshot.period_end == end
        )
    )
    snapshot = DashboardSnapshot(
        period_start=start, period_end=end, as_of=today, computed_at=now, figures=figures
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
    if snapshot is None or not _current(snapshot):
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
