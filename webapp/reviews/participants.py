"""Who takes part in a review: the one definition, used to tell them when the review moves on.

This service's reading of the procedure (it names the people at each step, not a list):
- the Area Heads of Operations of the case's area (notified of the incident, consulted, and they
  inform the practitioner and Practice Manager);
- the Chief Executive or Deputy Chief Executive who made the decision;
- the reviewer, once allocated;
- everyone named on one of the review's tasks (the Practice Manager's support tasks, the accuracy
  checks of the practitioner, Practice Manager and Head of Operations, action owners);
- the practitioner, once the Area Head has told them of the review (the procedure has the Area
  Head inform them: the service does not tell them of a stage first, even when a task already
  names them, such as confirming the support needs their Practice Manager recorded);
- the Practice Manager once the review is initiated, and from the notification when their support
  tasks start then (an incident within the procedure: issue 9, point 7), as a person named on a task;
- the Practice Development Team once the report is agreed: they record its learning, then agree
  and oversee the action plan.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from webapp import users
from webapp.extensions import db
from webapp.models import Review, ReviewState, Role, Task, TaskKind, TaskStatus, User

BEFORE_INITIATION = frozenset(
    {ReviewState.AWAITING_DECISION, ReviewState.OUTSIDE_PROCEDURE, ReviewState.NOT_INITIATED}
)
LEARNING_ON = frozenset(
    {ReviewState.AGREED, ReviewState.ACTION_PLANNING, ReviewState.MONITORING, ReviewState.CLOSED}
)


def taking_part(review: Review) -> list[User]:
    """The active people taking part in ``review`` now, each once, in id order. By ids, not
    relationships: the caller may have just set the reviewer or the decision in this transaction."""
    case = review.case
    ids: set[int | None] = {review.decided_by_id, review.reviewer_id}
    ids.update(person.id for person in users.holding(Role.AREA_HEAD_OF_OPERATIONS, area_id=case.area_id))
    if review.state not in BEFORE_INITIATION:
        ids.add(case.practice_manager_id)
    informed = _practitioner_informed(review)
    if informed:  # at any stage: informing starts with the notification (issue 9, point 7)
        ids.add(case.practitioner_id)
    if review.state in LEARNING_ON:
        ids.update(person.id for person in users.holding(Role.PRACTICE_DEVELOPMENT_TEAM))
    named = select(Task.assignee_id).where(Task.review_id == review.id, Task.assignee_id.is_not(None))
    if not informed and case.practitioner_id is not None:
        named = named.where(Task.assignee_id != case.practitioner_id)
    query = (
        select(User)
        .where(User.active.is_(True), or_(User.id.in_(ids - {None}), User.id.in_(named)))
        .order_by(User.id)
    )
    return list(db.session.execute(query).scalars())


def _practitioner_informed(review: Review) -> bool:
    return (
        db.session.execute(
            select(Task.id).where(
                Task.review_id == review.id,
                Task.kind == TaskKind.INFORM_PRACTITIONER_AND_PM,
                Task.status == TaskStatus.DONE,
            )
        ).first()
        is not None
    )
