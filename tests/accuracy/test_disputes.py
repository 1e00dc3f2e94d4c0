"""Disputes through the procedure's stages: the report author, the DCE, the grievance procedure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import rules
from jobs import sweep
from tests.accuracy.helpers import shared_review
from tests.accuracy.test_accuracy import actions, agree, concern, tasks_of
from tests.factories import make_user
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Dispute,
    DisputeStage,
    ReviewState,
    Role,
    TaskEscalation,
    TaskKind,
    utcnow,
)


@pytest.fixture
def shared(app):
    return shared_review()


def dispute_of(party: str) -> Dispute:
    return next(d for d in db.session.execute(select(Dispute)).scalars() if d.response.party == party)


def author(signed_in, shared, dispute, *, resolved: bool, text="We have corrected the chronology."):
    return signed_in(shared.reviewer).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/author",
        {"response": text, "outcome": "resolved" if resolved else "unresolved"},
        status=302,
    )


def decide(signed_in, shared, dispute, text="The report stands as written."):
    return signed_in(shared.dce).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/decide", {"decision": text}, status=302
    )


def test_a_concern_goes_to_the_report_author_with_a_deadline(shared, signed_in, app):
    concern(signed_in, shared, "practice_manager")
    review = shared.review
    assert actions(review)[-1] == "raise_concern" and review.state == ReviewState.DISPUTE_AUTHOR
    dispute = dispute_of("practice_manager")
    assert (
        dispute.stage == DisputeStage.AUTHOR and dispute.response.concern == "The chronology misses a visit."
    )
    [task] = tasks_of(review, TaskKind.RESOLVE_CONCERN)
    assert task.assignee_id == shared.reviewer.id and task.outcome == {"dispute_id": dispute.id}
    policy = app.extensions["case_review_policy"]
    assert task.due_on == rules.due_date(utcnow(), policy.timescale("dispute_author_stage"))
    page = signed_in(shared.reviewer).get(f"/reviews/{review.id}/disputes/{dispute.id}/author")
    assert "The chronology misses a visit." in page.text() and "Deadline for this stage" in page.text()
    assert "Transparency and Disputes, 1" in page.text()
    response = signed_in(shared.reviewer).client.get(f"/tasks/{task.id}")
    assert response.location.endswith(f"/reviews/{review.id}/disputes/{dispute.id}/author")


def test_resolved_by_the_author_counts_as_agreeing(shared, signed_in):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    author(signed_in, shared, dispute, resolved=True)
    review = shared.review
    assert actions(review)[-2:] == ["raise_concern", "resolved_by_author"]
    assert review.state == ReviewState.ACCURACY_CHECK
    db.session.refresh(dispute)
    assert (
        dispute.stage == DisputeStage.RESOLVED
        and dispute.author_response == "We have corrected the chronology."
    )
    assert not tasks_of(review, TaskKind.RESOLVE_CONCERN)[0].is_open
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    assert actions(review)[-1] == "all_agreed" and review.state == ReviewState.AGREED
    assert tasks_of(review, TaskKind.DISCUSS_AT_SLT)


def test_resolution_after_everyone_else_agreed_agrees_the_report_at_once(shared, signed_in):
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager")
    author(signed_in, shared, dispute_of("practice_manager"), resolved=True)
    assert actions(shared.review)[-3:] == ["raise_concern", "resolved_by_author", "all_agreed"]
    assert shared.review.state == ReviewState.AGREED


def test_unresolved_goes_to_the_dce_who_decides(shared, signed_in, app):
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    author(signed_in, shared, dispute, resolved=False, text="The chronology is right.")
    review = shared.review
    assert actions(review)[-1] == "escalate_to_dce" and review.state == ReviewState.DISPUTE_DCE
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.DEPUTY_CHIEF_EXECUTIVE
    [task] = tasks_of(review, TaskKind.DECIDE_DISPUTE)
    assert task.assignee_pool == "deputy_chief_executives" and task.outcome == {"dispute_id": dispute.id}
    policy = app.extensions["case_review_policy"]
    assert task.due_on == rules.due_date(utcnow(), policy.timescale("dispute_dce_stage"))
    # The DCE sees the concern and the author's answer, and the deadline.
    dce = signed_in(shared.dce)
    assert "Review and decide a dispute about the report" in dce.get("/tasks").text()
    page = dce.get(f"/reviews/{review.id}/disputes/{dispute.id}/decide")
    for words in ("The chronology misses a visit.", "The chronology is right.", "Deadline for this stage"):
        assert words in page.text()
    assert dce.post(
        f"/reviews/{review.id}/disputes/{dispute.id}/decide", {"decision": ""}
    ).error_summary() == ["Enter your decision on the dispute"]
    decide(signed_in, shared, dispute)
    assert actions(review)[-1] == "dce_decided" and review.state == ReviewState.AGREED
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.DECIDED and dispute.dce_decided_by_id == shared.dce.id
    assert dispute.dce_decision == "The report stands as written." and dispute.dce_decided_at is not None
    assert not task.is_open and tasks_of(review, TaskKind.DISCUSS_AT_SLT)
    # A second decision is refused.
    page = dce.post(f"/reviews/{review.id}/disputes/{dispute.id}/decide", {"decision": "Again"}, follow=True)
    assert "already been decided" in page.text()
    db.session.refresh(dispute)
    assert dispute.dce_decision == "The report stands as written."


def test_a_second_concern_joins_the_open_stage_without_a_second_transition(shared, signed_in):
    concern(signed_in, shared, "practitioner", "First concern.")
    concern(signed_in, shared, "practice_manager", "Second concern.")
    review = shared.review
    assert actions(review).count("raise_concern") == 1 and review.state == ReviewState.DISPUTE_AUTHOR
    assert len(tasks_of(review, TaskKind.RESOLVE_CONCERN)) == 2
    author(signed_in, shared, dispute_of("practitioner"), resolved=True)
    db.session.refresh(review)
    assert review.state == ReviewState.DISPUTE_AUTHOR  # the second concern is still with the author
    author(signed_in, shared, dispute_of("practice_manager"), resolved=True)
    assert actions(review)[-1] == "resolved_by_author" and review.state == ReviewState.ACCURACY_CHECK
    agree(signed_in, shared, "head_of_operations")
    assert actions(review)[-1] == "all_agreed"


def test_once_with_the_dce_the_review_stays_there_until_every_answer_is_settled(shared, signed_in):
    concern(signed_in, shared, "practitioner", "First concern.")
    author(signed_in, shared, dispute_of("practitioner"), resolved=False)
    # A later concern still goes to the author first, but the review stays at the DCE stage.
    concern(signed_in, shared, "practice_manager", "Second concern.")
    review = shared.review
    db.session.refresh(review)
    assert review.state == ReviewState.DISPUTE_DCE
    assert dispute_of("practice_manager").stage == DisputeStage.AUTHOR
    # The DCE's decision does not agree the report over an open concern and a missing answer.
    decide(signed_in, shared, dispute_of("practitioner"))
    db.session.refresh(review)
    assert review.state == ReviewState.DISPUTE_DCE and not tasks_of(review, TaskKind.DISCUSS_AT_SLT)
    author(signed_in, shared, dispute_of("practice_manager"), resolved=True)
    db.session.refresh(review)
    assert review.state == ReviewState.DISPUTE_DCE
    agree(signed_in, shared, "head_of_operations")
    assert actions(review)[-3:] == ["raise_concern", "escalate_to_dce", "dce_decided"]
    assert review.state == ReviewState.AGREED and len(tasks_of(review, TaskKind.DISCUSS_AT_SLT)) == 1


def test_an_escalation_while_another_is_with_the_dce_moves_no_state(shared, signed_in):
    concern(signed_in, shared, "practitioner", "First.")
    concern(signed_in, shared, "practice_manager", "Second.")
    author(signed_in, shared, dispute_of("practitioner"), resolved=False)
    author(signed_in, shared, dispute_of("practice_manager"), resolved=False)
    review = shared.review
    assert (
        actions(review).count("escalate_to_dce") == 1 and len(tasks_of(review, TaskKind.DECIDE_DISPUTE)) == 2
    )
    agree(signed_in, shared, "head_of_operations")
    decide(signed_in, shared, dispute_of("practitioner"))
    db.session.refresh(review)
    assert review.state == ReviewState.DISPUTE_DCE
    decide(signed_in, shared, dispute_of("practice_manager"))
    assert actions(review)[-1] == "dce_decided" and review.state == ReviewState.AGREED


def test_only_the_report_author_answers_at_stage_one(shared, signed_in):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    path = f"/reviews/{shared.review.id}/disputes/{dispute.id}/author"
    data = {"response": "x", "outcome": "resolved"}
    signed_in(shared.hoo).post(path, data, status=403)  # a Head of Operations, but not the reviewer
    signed_in(shared.manager).post(path, data, status=403)  # no reviewer's permission at all
    signed_in(shared.reviewer).get(f"/reviews/{shared.review.id}/disputes/999999/author", status=404)
    other_hoo = make_user(roles=Role.HEAD_OF_OPERATIONS, area=shared.reviewer.area)
    signed_in(other_hoo).post(path, data, status=404)  # cannot see the case at all
    page = signed_in(shared.reviewer).post(path, {"response": "", "outcome": ""})
    assert page.error_summary() == [
        "Enter your response to the concern",
        "Select whether the concern is resolved",
    ]
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.AUTHOR and dispute.author_response is None
    # The CE cannot decide disputes; only the DCE can, and only once escalated.
    decide_path = f"/reviews/{shared.review.id}/disputes/{dispute.id}/decide"
    signed_in(shared.ce).post(decide_path, {"decision": "x"}, status=403)
    page = signed_in(shared.dce).post(decide_path, {"decision": "x"}, follow=True)
    assert "has not been escalated" in page.text()
    author(signed_in, shared, dispute, resolved=True)
    page = signed_in(shared.reviewer).post(path, {"response": "again", "outcome": "unresolved"}, follow=True)
    assert "already responded to this concern" in page.text()
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.RESOLVED


def test_grievance_is_recorded_after_the_decision_and_the_report_stays_agreed(shared, signed_in):
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "head_of_operations")
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    path = f"/reviews/{shared.review.id}/disputes/{dispute.id}/grievance"
    note = {"note": "Raised with Welsh Government on 3 March."}
    # Not before the DCE has decided.
    page = signed_in(shared.manager).post(path, note, follow=True)
    assert "only after the Deputy Chief Executive has decided" in page.text()
    author(signed_in, shared, dispute, resolved=False)
    decide(signed_in, shared, dispute)
    # Only the person who raised it, or the DCE.
    signed_in(shared.practitioner).post(path, note, status=403)
    signed_in(shared.reviewer).post(path, note, status=403)
    client = signed_in(shared.manager)
    assert "Welsh Government grievance" in client.get(path).text()
    assert client.post(path, {"note": ""}).error_summary() == ["Enter a note about the grievance"]
    client.post(path, note, status=302)
    db.session.refresh(dispute)
    db.session.refresh(shared.review)
    assert dispute.grievance_recorded_at is not None and dispute.grievance_note == note["note"]
    assert shared.review.state == ReviewState.AGREED
    page = signed_in(shared.dce).post(path, {"note": "Twice"}, follow=True)
    assert "already been recorded" in page.text()
    db.session.refresh(dispute)
    assert dispute.grievance_note == note["note"]
    overview = signed_in(shared.practitioner).get(f"/reviews/{shared.review.id}/accuracy").text()
    assert "Recorded on" in overview and "Raised with Welsh Government on 3 March." in overview


def test_the_dce_may_record_the_grievance(shared, signed_in):
    concern(signed_in, shared, "practitioner")
    dispute = dispute_of("practitioner")
    author(signed_in, shared, dispute, resolved=False)
    decide(signed_in, shared, dispute)
    signed_in(shared.dce).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/grievance",
        {"note": "Told us by letter."},
        status=302,
    )
    db.session.refresh(dispute)
    assert dispute.grievance_note == "Told us by letter."


def test_every_dispute_step_is_audited(shared, signed_in):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    author(signed_in, shared, dispute, resolved=False)
    decide(signed_in, shared, dispute)
    signed_in(shared.manager).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/grievance", {"note": "Taken further."}, status=302
    )
    rows = db.session.execute(
        select(AuditEvent.event_type, AuditEvent.actor_id)
        .where(AuditEvent.record_type == "dispute")
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("dispute.author_responded", shared.reviewer.id),
        ("dispute.escalated", shared.reviewer.id),
        ("dispute.decided", shared.dce.id),
        ("dispute.grievance_recorded", shared.manager.id),
    ]


def test_the_sweep_chases_an_overdue_stage(shared, signed_in, app):
    concern(signed_in, shared, "practice_manager")
    [task] = tasks_of(shared.review, TaskKind.RESOLVE_CONCERN)
    later = task.due_on + timedelta(days=30)
    sweep.run(now=datetime(later.year, later.month, later.day, 9, tzinfo=UTC))
    steps = (
        db.session.execute(select(TaskEscalation.step).where(TaskEscalation.task_id == task.id))
        .scalars()
        .all()
    )
    assert "reminder" in steps


def test_the_person_who_raised_a_concern_is_told_at_each_stage(shared, signed_in):
    from webapp.models import Notification

    def updates() -> list[str]:
        rows = db.session.execute(
            select(Notification).where(Notification.kind == "concern_updated")
        ).scalars()
        return [n.detail for n in rows if n.user_id == dispute.response.user_id]

    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    assert updates() == []
    author(signed_in, shared, dispute, resolved=False)
    assert len(updates()) == 1 and "goes to the Deputy Chief Executive" in updates()[0]
    decide(signed_in, shared, dispute)
    assert len(updates()) == 2 and "the Deputy Chief Executive has decided it" in updates()[1]
