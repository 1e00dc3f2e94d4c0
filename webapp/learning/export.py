"""The anonymised export of closed reviews for a national repository: one row per review, coded
fields only (docs/anonymised-export.md describes each). No names, no case numbers, no free text,
no ids of this service's records: each review has a reference code derived from its id with the
service's secret key, the same in every export and not reversible. Dates are given as a year and
a quarter. Five statements in all, whatever the number of reviews."""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from datetime import date, datetime

from flask import current_app
from sqlalchemy import case, func, select

from webapp.extensions import db
from webapp.formatting import LONDON
from webapp.learning.dashboard import coded_relation
from webapp.models import (
    ActionPlanItem,
    ActionStatus,
    Case,
    Incident,
    LearningPoint,
    LearningTag,
    Review,
    ReviewLearning,
    ReviewState,
    TagKind,
    learning_point_tags,
    review_learning_tags,
)

# The fields in order, each with what it holds (the CSV header row; docs/anonymised-export.md).
FIELDS = (
    "review_ref",
    "incident_year",
    "incident_quarter",
    "closed_year",
    "closed_quarter",
    "incident_kind",
    "incident_cause",
    "person_affected",
    "circumstance",
    "law_type",
    "during_proceedings",
    "outcome",
    "perpetrator_relation",
    "perpetrator_was_assessed_main_risk",
    "risk_factors",
    "practice_themes",
    "learning_points",
    "learning_point_themes",
    "actions",
    "actions_done",
)
LIST_FIELDS = ("risk_factors", "practice_themes", "learning_point_themes")


def reference(review_id: int) -> str:
    """A stable code for the review: an HMAC of its id under the service's secret key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return "R" + hmac.new(key, f"review:{review_id}".encode(), hashlib.sha256).hexdigest()[:12].upper()


def _quarter(value: date) -> int:
    return (value.month - 1) // 3 + 1


def _local(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


def closed_reviews() -> list[dict]:
    """Every closed review as one coded row, oldest closure first."""
    closed = select(Review.id).where(Review.state == ReviewState.CLOSED).scalar_subquery()
    base = db.session.execute(
        select(
            Review.id,
            Incident.occurred_on,
            Review.closed_at,
            Incident.kind,
            Incident.cause,
            Incident.person_affected,
            Review.circumstance,
            Case.law_type,
            ReviewLearning.during_proceedings,
            ReviewLearning.outcome,
            case((ReviewLearning.id.is_(None), None), else_=coded_relation()),
            ReviewLearning.perpetrator_was_assessed_main_risk,
        )
        .join(Incident, Incident.id == Review.incident_id)
        .join(Case, Case.id == Review.case_id)
        .outerjoin(ReviewLearning, ReviewLearning.review_id == Review.id)
        .where(Review.state == ReviewState.CLOSED)
        .order_by(Review.closed_at, Review.id)
    ).all()
    tags: dict[tuple[int, TagKind], list[str]] = defaultdict(list)
    for review_id, kind, name in db.session.execute(
        select(review_learning_tags.c.review_id, LearningTag.kind, LearningTag.name)
        .join(LearningTag, LearningTag.id == review_learning_tags.c.tag_id)
        .where(review_learning_tags.c.review_id.in_(closed))
        .order_by(LearningTag.name)
    ):
        tags[(review_id, kind)].append(name)
    point_counts = dict(
        db.session.execute(
            select(LearningPoint.review_id, func.count())
            .where(LearningPoint.review_id.in_(closed))
            .group_by(LearningPoint.review_id)
        )
        .tuples()
        .all()
    )
    point_themes: dict[int, list[str]] = defaultdict(list)
    for review_id, name in db.session.execute(
        select(LearningPoint.review_id, LearningTag.name)
        .join(learning_point_tags, learning_point_tags.c.learning_point_id == LearningPoint.id)
        .join(LearningTag, LearningTag.id == learning_point_tags.c.tag_id)
        .where(LearningPoint.review_id.in_(closed))
        .group_by(LearningPoint.review_id, LearningTag.name)
        .order_by(LearningTag.name)
    ):
        point_themes[review_id].append(name)
    actions = {
        review_id: (int(total), int(done))
        for review_id, total, done in db.session.execute(
            select(
                ActionPlanItem.review_id,
                func.count(),
                func.count(case((ActionPlanItem.status == ActionStatus.DONE, 1))),
            )
            .where(ActionPlanItem.review_id.in_(closed))
            .group_by(ActionPlanItem.review_id)
        )
    }
    rows = []
    for (
        review_id,
        occurred_on,
        closed_at,
        kind,
        cause,
        person,
        circumstance,
        law,
        during,
        outcome,
        relation,
        assessed,
    ) in base:
        closed_on = _local(closed_at) if closed_at else None
        total, done = actions.get(review_id, (0, 0))
        rows.append(
            {
                "review_ref": reference(review_id),
                "incident_year": occurred_on.year,
                "incident_quarter": _quarter(occurred_on),
                "closed_year": closed_on.year if closed_on else None,
                "closed_quarter": _quarter(closed_on) if closed_on else None,
                "incident_kind": kind.value,
                "incident_cause": cause.value,
                "person_affected": person.value,
                "circumstance": circumstance,
                "law_type": law.value,
                "during_proceedings": during,
                "outcome": outcome,
                "perpetrator_relation": relation,
                "perpetrator_was_assessed_main_risk": assessed,
                "risk_factors": tags[(review_id, TagKind.RISK_FACTOR)],
                "practice_themes": tags[(review_id, TagKind.PRACTICE_THEME)],
                "learning_points": point_counts.get(review_id, 0),
                "learning_point_themes": point_themes[review_id],
                "actions": total,
                "actions_done": done,
            }
        )
    return rows
