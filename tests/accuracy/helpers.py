"""A review whose report has just been shared for accuracy, built through the real services.

The report feature (webapp/conduct) shares drafts in the product; here the situation it leaves is
made directly: a shared ReportDraft, the "share_report" transition and request_responses."""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import make_area, make_case, make_incident, make_user
from webapp.accuracy.services import request_responses
from webapp.extensions import db
from webapp.models import (
    ProceedingsStatus,
    ReportDraft,
    Review,
    Role,
    TaskKind,
    User,
    utcnow,
)
from webapp.reviews import services as reviews
from webapp.tasks import services as tasks

SECTIONS = {
    "background": "Two children, the subject of a child arrangements application.",
    "incident_summary": "A serious incident at the family home.",
    "inquiries": "Case file read; practitioner, PM and HoO spoken to.",
    "decision_making": "Decisions were discussed in supervision.",
    "conclusions": ["The risk assessment was not updated after the police report."],
    "learning_points": ["Update the risk assessment when new information arrives."],
}
# The shape webapp/conduct freezes when it shares a draft.
SNAPSHOT = {
    "background": {
        "children": [{"name": "Child A", "date_of_birth": "2019-03-04"}],
        "applications": [{"application": "Child arrangements order", "made_on": "2024-11-05"}],
    },
    "chronology": [
        {
            "occurred_on": "2025-02-03",
            "what_happened": "Police report received.",
            "source": "Case file",
            "categories": ["identified_risk", "liaison"],
        }
    ],
}


@dataclass
class Shared:
    review: Review
    draft: ReportDraft
    practitioner: User
    manager: User
    hoo: User  # the Head of Operations of the case's area: the third party
    reviewer: User  # the report author, from another area
    ce: User
    dce: User

    def person(self, party: str) -> User:
        return {
            "practitioner": self.practitioner,
            "practice_manager": self.manager,
            "head_of_operations": self.hoo,
        }[party]


def shared_review(*, susr: bool = False, with_hoo: bool = True, emails: bool = False) -> Shared:
    north, south = make_area(name="North"), make_area(name="South")

    def person(role: Role, area, name: str, email: str) -> User:
        return make_user(roles=role, area=area, name=name, email=email if emails else None)

    practitioner = person(Role.PRACTITIONER, north, "Pat Practitioner", "practitioner@example.org")
    manager = person(Role.PRACTICE_MANAGER, north, "Morgan Manager", "pm@example.org")
    hoo = person(Role.HEAD_OF_OPERATIONS, north, "Huw Head", "hoo@example.org") if with_hoo else None
    reviewer = person(Role.HEAD_OF_OPERATIONS, south, "Rhian Reviewer", "reviewer@example.org")
    ce = person(Role.CHIEF_EXECUTIVE, None, "Ceri Chief", "ce@example.org")
    dce = person(Role.DEPUTY_CHIEF_EXECUTIVE, None, "Dafydd Deputy", "dce@example.org")
    case = make_case(
        area=north,
        practitioner=practitioner,
        practice_manager=manager,
        proceedings_status=ProceedingsStatus.CLOSED,
    )
    review = reviews.open_review(make_incident(case=case, susr=susr), actor=manager)
    db.session.commit()
    rapid = review.task(TaskKind.RAPID_REVIEW)
    if rapid is not None:
        tasks.complete_task(rapid, actor=ce, outcome={"findings": "Full review needed."})
    reviews.decide(review, initiate=True, rationale="Learning is likely.", actor=ce)
    reviews.allocate_reviewer(review.task(TaskKind.ALLOCATE_REVIEWER), reviewer, actor=ce)
    draft = ReportDraft(
        review_id=review.id,
        version=1,
        sections=SECTIONS,
        snapshot=SNAPSHOT,
        created_by_id=reviewer.id,
        shared_at=utcnow(),
    )
    db.session.add(draft)
    db.session.flush()
    reviews.transition(review, "share_report", actor=reviewer)
    request_responses(review, draft)
    db.session.commit()
    return Shared(review, draft, practitioner, manager, hoo, reviewer, ce, dce)


def every_action_done(review, *, ce, practitioner, pdt) -> None:
    """The learning recorded, the SLT meeting held, one action (answering the agreed report's learning
    point) agreed and done: what closing a review needs after the report is agreed."""
    from datetime import timedelta

    from tests.clock import london_today
    from webapp.learning import plan, points
    from webapp.learning import services as learning
    from webapp.models import ActionStatus

    learning.save_learning(
        review,
        {
            "outcome": "death",
            "during_proceedings": False,
            "perpetrator_relation": "unknown",
            "perpetrator_was_assessed_main_risk": "unknown",
        },
        [],
        actor=pdt,
    )
    learning.record_slt(review, met_on=london_today(), notes="Discussed.", actor=ce)
    item = plan.add_action(
        review,
        action="Run a session on risk assessment",
        owner_id=practitioner.id,
        due_on=london_today() + timedelta(days=30),
        actor=pdt,
    )
    [point] = points.points_of(review)
    points.save_point(review, point, tag_ids=[], action_ids=[item.id], no_action_reason=None, actor=pdt)
    plan.agree_plan(review, actor=pdt)
    plan.update_progress(review, item, status=ActionStatus.DONE, note=None, actor=practitioner)
