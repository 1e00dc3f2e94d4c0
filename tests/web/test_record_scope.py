"""Records reached by id under a parent: a dispute, a chronology entry, an action, a support meeting,
a report version, a notification. Each is looked up under its parent as well as by id, so another
review's record, asked for through a review the person may act on, answers 404 and changes nothing,
exactly as an id that does not exist does; the record under its own review still works."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.accuracy.helpers import SECTIONS, SNAPSHOT
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import (
    AccuracyResponse,
    ActionPlanItem,
    ActionStatus,
    ChronologyEntry,
    Dispute,
    DisputeStage,
    ProceedingsStatus,
    ReportDraft,
    Review,
    Role,
    SupportMeeting,
    SupportPlan,
    TaskKind,
    User,
    utcnow,
)
from webapp.notifications.services import notify
from webapp.reviews import services as reviews

ABSENT = 999999


@dataclass
class Side:
    """One review in IN_REVIEW with one record of each kind, and the people who act on it."""

    review: Review
    practitioner: User
    manager: User
    reviewer: User
    entry: ChronologyEntry
    dispute: Dispute
    item: ActionPlanItem
    meeting: SupportMeeting
    notification_id: int


def _side(label: str, case_area, reviewer_area, ce: User) -> Side:
    practitioner = make_user(roles=Role.PRACTITIONER, area=case_area)
    manager = make_user(roles=Role.PRACTICE_MANAGER, area=case_area)
    reviewer = make_user(roles=Role.HEAD_OF_OPERATIONS, area=reviewer_area)
    case = make_case(
        area=case_area,
        practitioner=practitioner,
        practice_manager=manager,
        proceedings_status=ProceedingsStatus.CLOSED,
    )
    review = reviews.open_review(make_incident(case=case), actor=manager)
    db.session.commit()
    reviews.decide(review, initiate=True, rationale="Learning is likely.", actor=ce)
    reviews.allocate_reviewer(review.task(TaskKind.ALLOCATE_REVIEWER), reviewer, actor=ce)
    entry = ChronologyEntry(
        review_id=review.id,
        occurred_on=date(2025, 2, 3),
        what_happened=f"Entry of review {label}",
        source="Case file",
        created_by_id=reviewer.id,
    )
    draft = ReportDraft(
        review_id=review.id,
        version=1,
        sections=SECTIONS,
        snapshot=SNAPSHOT,
        created_by_id=reviewer.id,
        shared_at=utcnow(),
    )
    db.session.add_all([entry, draft])
    db.session.flush()
    response = AccuracyResponse(
        review_id=review.id,
        draft_id=draft.id,
        party="practitioner",
        user_id=practitioner.id,
        agrees=False,
        concern=f"Concern of review {label}",
    )
    db.session.add(response)
    db.session.flush()
    dispute = Dispute(
        review_id=review.id, response_id=response.id, draft_id=response.draft_id, stage=DisputeStage.AUTHOR
    )
    item = ActionPlanItem(
        review_id=review.id,
        action=f"Action of review {label}",
        owner_id=manager.id,
        due_on=london_today() + timedelta(days=30),
        status=ActionStatus.NOT_STARTED,
    )
    plan = SupportPlan(
        review_id=review.id,
        practitioner_id=practitioner.id,
        practice_manager_id=manager.id,
        cadence_working_days=10,
        active=True,
    )
    meeting = SupportMeeting(starts_at=utcnow() - timedelta(days=1))
    plan.meetings.append(meeting)
    db.session.add_all([dispute, item, plan])
    notification = notify(
        manager,
        "incident_recorded",
        link_path=f"/reviews/{review.id}",
        detail=f"Notification of review {label}",
        dedupe_key=f"test:{label}",
    )
    db.session.commit()
    return Side(review, practitioner, manager, reviewer, entry, dispute, item, meeting, notification.id)


@pytest.fixture
def sides(app):
    """Review A on a North case, review B on a South case, each reviewed from a third area."""
    north, south, east, west = (make_area(name=n) for n in ("North", "South", "East", "West"))
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    return _side("A", north, east, ce), _side("B", south, west, ce), dce


def test_a_dispute_is_reached_only_under_its_own_review(sides, signed_in):
    a, b, dce = sides
    author = signed_in(a.reviewer)
    base = f"/reviews/{a.review.id}/disputes"
    assert "Concern of review A" in author.get(f"{base}/{a.dispute.id}/author").text()
    author.get(f"{base}/{b.dispute.id}/author", status=404)
    author.get(f"{base}/{ABSENT}/author", status=404)
    author.post(f"{base}/{b.dispute.id}/author", {"response": "Answered."}, status=404)
    # The Deputy Chief Executive sees every case: the parent alone keeps B's dispute off A's pages.
    decider = signed_in(dce)
    decider.get(f"{base}/{b.dispute.id}/decide", status=404)
    decider.get(f"{base}/{b.dispute.id}/grievance", status=404)
    decider.get(f"{base}/{ABSENT}/decide", status=404)
    signed_in(a.practitioner).get(f"{base}/{b.dispute.id}/answer", status=404)
    db.session.expire_all()
    assert b.dispute.author_response is None


def test_a_chronology_entry_is_reached_only_under_its_own_review(sides, signed_in):
    a, b, _ = sides
    reviewer = signed_in(a.reviewer)
    base = f"/reviews/{a.review.id}/chronology"
    reviewer.post(f"{base}/{b.entry.id}/remove", {}, status=404)
    reviewer.post(f"{base}/{ABSENT}/remove", {}, status=404)
    db.session.expire_all()
    assert db.session.get(ChronologyEntry, b.entry.id) is not None
    reviewer.post(f"{base}/{a.entry.id}/remove", {}, status=302)
    assert db.session.get(ChronologyEntry, a.entry.id) is None


def test_an_action_is_reached_only_under_its_own_review(sides, signed_in):
    a, b, _ = sides
    owner = signed_in(a.manager)
    base = f"/reviews/{a.review.id}/action-plan"
    assert "Action of review A" in owner.get(f"{base}/{a.item.id}").text()
    owner.get(f"{base}/{b.item.id}", status=404)
    owner.get(f"{base}/{ABSENT}", status=404)
    owner.post(f"{base}/{b.item.id}", {"status": "done", "note": "Done."}, status=404)
    db.session.expire_all()
    assert b.item.status == ActionStatus.NOT_STARTED


def test_a_support_meeting_is_reached_only_under_its_own_review(sides, signed_in):
    a, b, _ = sides
    manager = signed_in(a.manager)
    base = f"/reviews/{a.review.id}/support/meetings"
    manager.post(f"{base}/{b.meeting.id}/held", {}, status=404)
    manager.post(f"{base}/{ABSENT}/held", {}, status=404)
    db.session.expire_all()
    assert b.meeting.held_at is None
    manager.post(f"{base}/{a.meeting.id}/held", {}, status=302)
    db.session.expire_all()
    assert a.meeting.held_at is not None


def test_a_report_version_is_reached_only_under_a_review_in_scope(sides, signed_in):
    a, b, _ = sides
    reviewer = signed_in(a.reviewer)
    reviewer.get(f"/reviews/{a.review.id}/report/versions/1")
    reviewer.get(f"/reviews/{a.review.id}/report/versions/2", status=404)
    reviewer.get(f"/reviews/{b.review.id}/report/versions/1", status=404)
    reviewer.get(f"/reviews/{b.review.id}/report/versions/1/report.pdf", status=404)


def test_a_notification_is_reached_only_by_its_own_person(sides, signed_in):
    a, b, _ = sides
    manager = signed_in(a.manager)
    manager.get(f"/notifications/{b.notification_id}", status=404)
    manager.get(f"/notifications/{ABSENT}", status=404)
    manager.get(f"/notifications/{a.notification_id}", status=302)


def test_people_of_one_case_reach_none_of_the_other_reviews_records(sides, signed_in):
    """Case scope first: B's records under B's own review are out of A's people's scope."""
    a, b, _ = sides
    review = f"/reviews/{b.review.id}"
    signed_in(a.reviewer).get(f"{review}/disputes/{b.dispute.id}/author", status=404)
    signed_in(a.reviewer).post(f"{review}/chronology/{b.entry.id}/remove", {}, status=404)
    signed_in(a.manager).get(f"{review}/action-plan/{b.item.id}", status=404)
    signed_in(a.manager).post(f"{review}/support/meetings/{b.meeting.id}/held", {}, status=404)
    db.session.expire_all()
    assert db.session.get(ChronologyEntry, b.entry.id) is not None
    assert b.meeting.held_at is None
