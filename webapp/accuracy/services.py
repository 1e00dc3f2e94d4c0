"""Accuracy responses on a shared report, disputes through their stages, and external disclosure."""

from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ReportDraft, Review, Role, TaskKind, User, UserRole
from webapp.reviews.services import add_task

PARTIES = ("practitioner", "practice_manager", "head_of_operations")


def heads_of_operations(area_id: int) -> list[User]:
    return list(
        db.session.execute(
            select(User)
            .join(UserRole)
            .where(UserRole.role == Role.HEAD_OF_OPERATIONS, User.area_id == area_id, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )


def request_responses(review: Review, draft: ReportDraft) -> None:
    """Called when a report is shared: one accuracy task for each of the three parties the procedure
    names (the practitioner, their Practice Manager and the Head of Operations of the case's area)."""
    case = review.case
    hoo = heads_of_operations(case.area_id)
    for party, person_id in (
        ("practitioner", case.practitioner_id),
        ("practice_manager", case.practice_manager_id),
        ("head_of_operations", hoo[0].id if hoo else None),
    ):
        if person_id is None:
            continue  # no Head of Operations in the area: the CE/DCE see this on the review page
        task = add_task(review, TaskKind.CHECK_REPORT_ACCURACY, case, assignee_id=person_id)
        task.outcome = {"party": party, "draft_id": draft.id}
