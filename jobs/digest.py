"""A weekday-morning summary to each Area Head of Operations: their area's open reviews and
overdue tasks. The email says only that the summary is ready; the counts are in the app."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp import users
from webapp.extensions import db
from webapp.formatting import london
from webapp.i18n import gettext as _
from webapp.i18n import in_language_of, ngettext
from webapp.models import (
    Case,
    Review,
    ReviewState,
    Role,
    Task,
    TaskStatus,
    User,
    utcnow,
)
from webapp.notifications.services import notify

OPEN_STATES = (ReviewState.AWAITING_DECISION, ReviewState.OUTSIDE_PROCEDURE, ReviewState.INITIATED)


def run(now: datetime | None = None) -> dict[str, int]:
    today = london(now or utcnow()).date()
    heads = users.holding(Role.AREA_HEAD_OF_OPERATIONS, with_area=True, by_id=True)
    sent = 0
    for head in heads:
        reviews = db.session.execute(
            select(func.count())
            .select_from(Review)
            .join(Case, Review.case_id == Case.id)
            .where(Case.area_id == head.area_id, Review.state.in_(OPEN_STATES))
        ).scalar_one()
        overdue = db.session.execute(
            select(func.count())
            .select_from(Task)
            .join(Review, Task.review_id == Review.id)
            .join(Case, Review.case_id == Case.id)
            .where(Case.area_id == head.area_id, Task.status == TaskStatus.OPEN, Task.due_on < today)
        ).scalar_one()
        if not reviews and not overdue:
            continue
        notify(
            head,
            "daily_digest",
            link_path="/tasks/team",
            detail=summary(head, reviews, overdue),
            dedupe_key=f"digest:{today.isoformat()}:user:{head.id}",
        )
        try:
            db.session.commit()
        except IntegrityError:  # today's digest already went to this person
            db.session.rollback()
            continue
        sent += 1
    return {"digests": sent}


def summary(head: User, reviews: int, overdue: int) -> str:
    """The in-app words of the summary, in the Area Head's language."""
    with in_language_of(head):
        return _(
            "Your area has %(reviews)s and %(tasks)s.",
            reviews=ngettext("%(num)d open review", "%(num)d open reviews", reviews),
            tasks=ngettext("%(num)d overdue task", "%(num)d overdue tasks", overdue),
        )
