"""Learning points traced: each learning point of the agreed report is a record, tagged with the risk
factors and practice themes it concerns and linked to the actions of the plan that answer it, or
given a reason why no action does. A review cannot close while a point has neither (procedure:
"Outcome": learning identified becomes an action plan monitored to completion)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.conduct import report
from webapp.extensions import db
from webapp.i18n import gettext as _
from webapp.models import (
    ActionPlanItem,
    LearningPoint,
    LearningTag,
    Review,
    ReviewState,
    User,
    learning_point_actions,
    learning_point_tags,
)
from webapp.records import unit_of_work
from webapp.reviews.lifecycle import Work, require
from webapp.reviews.services import get_review_or_404
from webapp.scope import one_or_404


class PointRefused(Exception):
    """The change would leave the learning point wrong; the message says why."""


def record_from_report(review: Review) -> list[LearningPoint]:
    """Make (or bring up to date) a record of each learning point in the agreed report, in its order.
    A point that keeps its place keeps its tags and actions; one the report no longer lists goes."""
    draft = report.agreed_draft(review)
    listed = [str(item).strip() for item in (draft.sections.get("learning_points") or [])] if draft else []
    listed = [text for text in listed if text]
    existing = {point.position: point for point in points_of(review)}
    kept = []
    for position, text in enumerate(listed, start=1):
        point = existing.pop(position, None)
        if point is None:
            point = LearningPoint(review_id=review.id, position=position, text=text)
            db.session.add(point)
        point.text, point.draft_id = text, draft.id if draft else None
        kept.append(point)
    gone = [point.id for point in existing.values()]
    if gone:
        db.session.execute(
            delete(learning_point_tags).where(learning_point_tags.c.learning_point_id.in_(gone))
        )
        db.session.execute(
            delete(learning_point_actions).where(learning_point_actions.c.learning_point_id.in_(gone))
        )
        db.session.execute(delete(LearningPoint).where(LearningPoint.id.in_(gone)))
    db.session.flush()
    if listed or gone:
        # By whoever's step agreed the report (or the system, outside a request).
        audit.record("learning_points.recorded", record_id=review.id, case_id=review.case_id)
    return kept


def points_of(review: Review) -> list[LearningPoint]:
    return list(
        db.session.execute(
            select(LearningPoint)
            .where(LearningPoint.review_id == review.id)
            .options(selectinload(LearningPoint.tags), selectinload(LearningPoint.actions))
            .order_by(LearningPoint.position)
        ).scalars()
    )


def unanswered(review: Review) -> list[LearningPoint]:
    """The points with no action answering them and no reason recorded."""
    return [point for point in points_of(review) if not point.answered]


def closure_refusal(review: Review) -> str | None:
    """Why the review cannot close yet because of its learning points, or None."""
    open_points = unanswered(review)
    if not open_points:
        return None
    listing = "; ".join(f"{point.position}. {point.text}" for point in open_points)
    return _(
        "The review cannot close while a learning point has no action answering it and no reason "
        "recorded. Link an action or give a reason for: %(points)s",
        points=listing,
    )


def get_point_or_404(review_id: int, point_id: int) -> tuple[Review, LearningPoint]:
    """The point and its review, reached through the case's scope (404 outside it)."""
    review = get_review_or_404(review_id)
    point = one_or_404(LearningPoint, LearningPoint.id == point_id, LearningPoint.review_id == review.id)
    return review, point


@unit_of_work()
def save_point(
    review: Review,
    point: LearningPoint,
    *,
    tag_ids: Iterable[int],
    action_ids: Iterable[int],
    no_action_reason: str | None,
    actor: User,
) -> list[str]:
    """Tag the point and link the actions answering it (or say why none does); returns what changed."""
    require(review.state, Work.RECORD_LEARNING, PointRefused)
    wanted_tags, wanted_actions = set(tag_ids), set(action_ids)
    reason = (no_action_reason or "").strip() or None
    if wanted_actions and reason:
        raise PointRefused(_("Leave the reason empty when an action answers this learning point."))
    if review.state == ReviewState.CLOSED and not wanted_actions and not reason:
        raise PointRefused(
            _("The review is closed: link an action, or give the reason no action answers this point.")
        )
    kept = {tag.id for tag in point.tags if not tag.active}  # deactivated since: kept, not offered
    tags = list(
        db.session.execute(
            select(LearningTag).where(LearningTag.id.in_(wanted_tags - kept), LearningTag.active.is_(True))
        ).scalars()
    )
    if len(tags) != len(wanted_tags - kept):
        raise PointRefused(_("Choose risk factors and practice themes from the lists offered."))
    actions = list(
        db.session.execute(
            select(ActionPlanItem).where(
                ActionPlanItem.id.in_(wanted_actions), ActionPlanItem.review_id == review.id
            )
        ).scalars()
    )
    if len(actions) != len(wanted_actions):
        raise PointRefused(_("Choose actions from this review's action plan."))
    changed = []
    new_tags = tags + [tag for tag in point.tags if not tag.active]
    if {tag.id for tag in point.tags} != {tag.id for tag in new_tags}:
        point.tags = sorted(new_tags, key=lambda tag: tag.name)
        changed.append("tags")
    if {item.id for item in point.actions} != wanted_actions:
        point.actions = sorted(actions, key=lambda item: item.id)
        changed.append("actions")
    changed += audit.apply_changes(point, {"no_action_reason": reason})
    if changed:
        db.session.flush()
        audit.record(
            "learning_point.updated",
            record_id=point.id,
            case_id=review.case_id,
            changed_fields=changed,
            actor=actor,
        )
    return changed
