"""Learning points traced: each point of the agreed report becomes a record on agreement; it is tagged
and linked to the actions answering it (or given a reason); the review cannot close until every point
is answered; and migration 0016 makes records of the points of reports agreed before it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from tests.accuracy.helpers import SECTIONS, shared_review
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from tests.learning.test_slt import record_learning
from webapp.accuracy.agreement import PARTIES
from webapp.accuracy.services import respond
from webapp.extensions import db
from webapp.learning import plan, points, services
from webapp.models import (
    ActionStatus,
    AuditEvent,
    LearningPoint,
    LearningTag,
    ReportDraft,
    ReviewState,
    Role,
    utcnow,
)
from webapp.reviews.services import open_review

POINTS = ["Update the risk assessment when new information arrives.", "Plan visits to see the child alone."]


def agreed(points_listed=POINTS):
    """A review whose report (listing ``points_listed``) everyone agreed: each of the three parties
    agrees version 1 through the accuracy service, which marks it agreed (``agreed_at``) and records
    its learning points, as in the product."""
    shared = shared_review()
    shared.draft.sections = {**SECTIONS, "learning_points": list(points_listed)}
    db.session.commit()
    for party in PARTIES:
        respond(shared.review, party, actor=shared.person(party), agrees=True, concern=None)
    assert shared.review.state == ReviewState.AGREED and shared.draft.agreed_at is not None
    shared.pdt = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Huw Development")
    return shared


def other_review(state: ReviewState, author):
    """A second review (in another area) at ``state``, with a shared report listing a learning point."""
    case = make_case(area=make_area(name="East"))
    review = open_review(make_incident(case=case), actor=author)
    db.session.flush()
    review.state = state
    draft = ReportDraft(
        review_id=review.id,
        version=1,
        sections={**SECTIONS, "learning_points": ["Another review's point."]},
        created_by_id=author.id,
        shared_at=utcnow(),
    )
    db.session.add(draft)
    db.session.commit()
    return review


def monitored(shared, actions=2):
    review, pdt = shared.review, shared.pdt
    record_learning(review, pdt)
    services.record_slt(review, met_on=london_today(), notes="Discussed.", actor=shared.ce)
    items = [
        plan.add_action(
            review,
            action=f"Action {n}",
            owner_id=shared.manager.id,
            due_on=london_today() + timedelta(days=30),
            actor=pdt,
        )
        for n in range(1, actions + 1)
    ]
    plan.agree_plan(review, actor=pdt)
    return items


def tag(name: str) -> LearningTag:
    return db.session.execute(select(LearningTag).where(LearningTag.name == name)).scalar_one()


def test_each_learning_point_of_the_agreed_report_becomes_a_record(app):
    shared = agreed()
    found = points.points_of(shared.review)
    assert [(p.position, p.text, p.draft_id) for p in found] == [
        (1, POINTS[0], shared.draft.id),
        (2, POINTS[1], shared.draft.id),
    ]
    assert not any(p.answered for p in found)
    assert (
        db.session.execute(select(AuditEvent).where(AuditEvent.event_type == "learning_points.recorded"))
        .scalar_one()
        .case_id
        == shared.review.case_id
    )


def test_a_point_is_tagged_and_answered_on_its_page(app, signed_in):
    shared = agreed()
    first, _second = monitored(shared)
    point = points.points_of(shared.review)[0]
    client = signed_in(shared.pdt)
    url = f"/reviews/{shared.review.id}/learning/points/{point.id}"
    page = client.get(url)
    assert POINTS[0] in page.html.find(id="point-text").get_text()
    client.post(
        url,
        {"risk_factors": [str(tag("Neglect").id)], "practice_themes": [str(tag("Planning").id)],
         "actions": [str(first.id)], "no_action_reason": ""},
        status=302,
    )  # fmt: skip
    db.session.expire_all()
    assert [t.name for t in point.tags] == ["Neglect", "Planning"]
    assert [i.id for i in point.actions] == [first.id] and point.answered
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "learning_point.updated")
    ).scalar_one()
    assert event.record_id == point.id and event.case_id == shared.review.case_id
    overview = client.get(f"/reviews/{shared.review.id}/learning")
    row = overview.html.find(id="learning-points-table").select("tbody tr")[0].get_text(" ", strip=True)
    assert "Neglect, Planning" in row and "Action 1 (not started)" in row


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"actions": "ACTION", "no_action_reason": "Already trained."},
         "Leave the reason empty when an action answers this learning point."),
        ({"actions": "999999"}, "Select actions from this review's action plan"),
        ({"risk_factors": "999999"}, "Select risk factors from the list"),
        ({"no_action_reason": "x" * 5001}, "If no action answers it, why not? must be 5,000 characters"),
    ],
)  # fmt: skip
def test_bad_input_changes_nothing(app, signed_in, data, message):
    shared = agreed()
    first, _second = monitored(shared)
    point = points.points_of(shared.review)[0]
    posted = {name: str(first.id) if value == "ACTION" else value for name, value in data.items()}
    page = signed_in(shared.pdt).post(f"/reviews/{shared.review.id}/learning/points/{point.id}", posted)
    assert page.error_summary()[0].startswith(message)
    db.session.expire_all()
    assert point.tags == [] and point.actions == [] and point.no_action_reason is None


def test_someone_outside_the_case_gets_404_and_a_practitioner_403(app, signed_in):
    shared = agreed()
    point = points.points_of(shared.review)[0]
    url = f"/reviews/{shared.review.id}/learning/points/{point.id}"
    signed_in(shared.practitioner).get(url, status=403)  # does not manage learning
    other = other_review(ReviewState.IN_REVIEW, shared.manager)
    client = signed_in(shared.pdt)
    client.get(url)
    client.get(f"/reviews/{other.id}/learning/points/{point.id}", status=404)  # not that review's
    client.get(f"/reviews/{shared.review.id}/learning/points/{point.id + 1000}", status=404)


def test_the_review_cannot_close_with_an_unanswered_point(app, signed_in):
    shared = agreed()
    first, second = monitored(shared)
    for item in (first, second):
        plan.update_progress(shared.review, item, status=ActionStatus.DONE, note=None, actor=shared.pdt)
    client = signed_in(shared.pdt)
    page = client.get(f"/reviews/{shared.review.id}/close")
    assert "Learning points not answered" in page.text() and POINTS[1] in page.text()
    with pytest.raises(services.LearningRefused, match=r"Link an action or give a reason for: 1\. Update"):
        plan.close_review(shared.review, actor=shared.pdt)
    one, two = points.points_of(shared.review)
    points.save_point(shared.review, one, tag_ids=[], action_ids=[first.id], no_action_reason=None,
                      actor=shared.pdt)  # fmt: skip
    refused = client.post(f"/reviews/{shared.review.id}/close", {})
    assert refused.error_summary()[0].startswith("The review cannot close while a learning point")
    points.save_point(shared.review, two, tag_ids=[], action_ids=[], no_action_reason="In training already.",
                      actor=shared.pdt)  # fmt: skip
    client.post(f"/reviews/{shared.review.id}/close", {}, status=302)
    db.session.expire_all()
    assert shared.review.state == ReviewState.CLOSED
    # Once closed, a point cannot be left unanswered again.
    with pytest.raises(points.PointRefused, match="The review is closed"):
        points.save_point(shared.review, two, tag_ids=[], action_ids=[], no_action_reason="",
                          actor=shared.pdt)  # fmt: skip


def test_a_later_agreed_version_keeps_the_traced_points_in_their_place(app):
    shared = agreed()
    one = points.points_of(shared.review)[0]
    one.tags = [tag("Neglect")]
    db.session.commit()
    newer = ReportDraft(
        review_id=shared.review.id,
        version=2,
        sections={**SECTIONS, "learning_points": [POINTS[0] + " (reworded)"]},
        created_by_id=shared.reviewer.id,
        shared_at=shared.draft.shared_at + timedelta(days=1),
        agreed_at=shared.draft.agreed_at + timedelta(days=2),  # the agreed report is now version 2
    )
    db.session.add(newer)
    db.session.flush()
    points.record_from_report(shared.review)
    db.session.commit()
    [kept] = points.points_of(shared.review)
    assert (kept.id, kept.text, kept.draft_id) == (one.id, POINTS[0] + " (reworded)", newer.id)
    assert [t.name for t in kept.tags] == ["Neglect"]


BEFORE_0016 = (
    ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_revision("0016").down_revision
)


def test_0016_records_the_points_of_reports_agreed_before_it(app):
    shared = agreed()
    unagreed = other_review(ReviewState.ACCURACY_CHECK, shared.manager)  # shared, not agreed yet
    unagreed_id, review_id, draft_id = unagreed.id, shared.review.id, shared.draft.id
    db.session.remove()
    try:
        flask_migrate.downgrade(revision=BEFORE_0016)
        tables = db.session.execute(
            text("SELECT count(*) FROM report_drafts WHERE review_id = :id"), {"id": review_id}
        ).scalar()
        assert tables == 1  # the report keeps the text
        value = db.session.execute(
            text("SELECT sections FROM report_drafts WHERE id = :id"), {"id": draft_id}
        ).scalar()
        assert (json.loads(value) if isinstance(value, str) else value)["learning_points"] == POINTS
        db.session.commit()
        db.session.remove()
    finally:
        flask_migrate.upgrade()
    rows = db.session.execute(
        select(
            LearningPoint.review_id, LearningPoint.position, LearningPoint.text, LearningPoint.draft_id
        ).order_by(LearningPoint.review_id, LearningPoint.position)
    ).all()
    assert [tuple(row) for row in rows] == [
        (review_id, 1, POINTS[0], draft_id),
        (review_id, 2, POINTS[1], draft_id),
    ]
    assert unagreed_id not in {row[0] for row in rows}
