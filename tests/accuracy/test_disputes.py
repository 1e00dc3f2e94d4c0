"""Disputes through the procedure's stages: the report author, the DCE, the grievance procedure.

The report author responds in writing; whether that resolves the concern is for the person who raised
it to say: yes settles it, no takes it to the Deputy Chief Executive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

import rules
from jobs import sweep
from tests.accuracy.helpers import shared_review
from tests.accuracy.test_accuracy import actions, agree, concern, tasks_of
from tests.factories import make_user
from webapp.accuracy import agreement, disputes
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    Dispute,
    DisputeStage,
    Notification,
    ReviewState,
    Role,
    TaskEscalation,
    TaskKind,
    TaskStatus,
    utcnow,
)


@pytest.fixture
def shared(app):
    return shared_review()


def dispute_of(party: str) -> Dispute:
    return next(d for d in db.session.execute(select(Dispute)).scalars() if d.response.party == party)


def author(signed_in, shared, dispute, *, resolved: bool | None, text="We have corrected the chronology."):
    """The report author responds; then, unless ``resolved`` is None, the person who raised the
    concern says whether the response resolves it (yes: resolved; no: to the DCE)."""
    page = signed_in(shared.reviewer).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/author", {"response": text}, status=302
    )
    if resolved is None:
        return page
    return answer(signed_in, shared, dispute, resolved=resolved)


def answer_path(shared, dispute) -> str:
    return f"/reviews/{shared.review.id}/disputes/{dispute.id}/answer"


def answer(signed_in, shared, dispute, *, resolved: bool):
    """The person who raised the concern answers: does the author's response resolve it?"""
    return signed_in(shared.person(dispute.response.party)).post(
        answer_path(shared, dispute), {"resolved": "yes" if resolved else "no"}, status=302
    )


def raiser_tasks(review, dispute):
    return [t for t in tasks_of(review, TaskKind.CONFIRM_CONCERN_RESOLVED) if t.dispute_id == dispute.id]


def decide(signed_in, shared, dispute, text="The report stands as written.", outcome="not_upheld"):
    return signed_in(shared.dce).post(
        f"/reviews/{shared.review.id}/disputes/{dispute.id}/decide",
        {"outcome": outcome, "decision": text},
        status=302,
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
    assert task.assignee_id == shared.reviewer.id and task.dispute_id == dispute.id and task.outcome == {}
    policy = app.extensions["case_review_policy"]
    assert task.due_on == rules.due_date(utcnow(), policy.timescale("dispute_author_stage"))
    page = signed_in(shared.reviewer).get(f"/reviews/{review.id}/disputes/{dispute.id}/author")
    assert "The chronology misses a visit." in page.text() and "Deadline for this stage" in page.text()
    assert "Transparency and Disputes, 1" in page.text()
    response = signed_in(shared.reviewer).client.get(f"/tasks/{task.id}")
    assert response.location.endswith(f"/reviews/{review.id}/disputes/{dispute.id}/author")


def test_the_author_responds_and_the_person_who_raised_it_is_asked(shared, signed_in, app):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    review = shared.review
    author_page = f"/reviews/{review.id}/disputes/{dispute.id}/author"
    page = signed_in(shared.reviewer).post(author_page, {"response": ""})
    assert page.error_summary() == ["Enter your response to the concern"]
    author(signed_in, shared, dispute, resolved=None, text="The visit is now in the chronology.")
    db.session.refresh(dispute)
    # The author's response does not settle anything: the dispute waits at stage 1 for the raiser.
    assert dispute.stage == DisputeStage.RAISER and dispute.author_responded_at is not None
    assert dispute.author_response == "The visit is now in the chronology."
    assert review.state == ReviewState.DISPUTE_AUTHOR and actions(review)[-1] == "raise_concern"
    [resolve] = tasks_of(review, TaskKind.RESOLVE_CONCERN)
    assert resolve.status == TaskStatus.DONE
    # The person who raised the concern gets a task of its own kind, named for what to do, linked by
    # columns to the dispute, the version and her party, with its own deadline from the policy.
    [task] = raiser_tasks(review, dispute)
    assert task.is_open and task.assignee_id == shared.manager.id
    assert (task.dispute_id, task.party, task.draft_id, task.outcome) == (
        dispute.id,
        "practice_manager",
        shared.draft.id,
        {},
    )
    assert task.kind.label == "Say whether the report author's answer resolves your concern"
    policy = app.extensions["case_review_policy"]
    assert task.due_on == rules.due_date(utcnow(), policy.timescale("dispute_raiser_answer"))
    manager = signed_in(shared.manager)
    response = manager.client.get(f"/tasks/{task.id}")
    assert response.status_code == 302 and response.location.endswith(answer_path(shared, dispute))
    # Her first accuracy task is still the one the respond page and the responses table use.
    mine = agreement.accuracy_tasks(review, shared.draft)["practice_manager"]
    assert mine.id != task.id and mine.status == TaskStatus.DONE
    page = manager.get(answer_path(shared, dispute))
    text = page.text()
    for words in (
        "The chronology misses a visit.",
        "The visit is now in the chronology.",
        "Does the author's answer resolve your concern?",
        "Deadline for this stage",
    ):
        assert words in text
    assert manager.post(answer_path(shared, dispute), {}).error_summary() == [
        "Select whether the author's answer resolves your concern"
    ]
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.RAISER and task.is_open
    # The review page and the overview say who is to answer; she has a way to answer there.
    waiting = "waiting for the person who raised it to say whether the author's answer resolves it"
    panel = manager.get(f"/reviews/{review.id}")
    assert waiting in panel.text() and panel.html.find("a", href=answer_path(shared, dispute))
    overview = manager.get(f"/reviews/{review.id}/accuracy")
    assert waiting in overview.text() and overview.html.find("a", href=answer_path(shared, dispute))
    assert "Check the report and respond" not in overview.text()
    assert waiting in signed_in(shared.reviewer).get(f"/reviews/{review.id}").text()
    # The author cannot respond a second time, nor settle it themself.
    page = signed_in(shared.reviewer).post(author_page, {"response": "Again."}, follow=True)
    assert "already responded to this concern" in page.text()
    db.session.refresh(dispute)
    assert dispute.author_response == "The visit is now in the chronology."
    # Yes: the task closes, keeping what it was about (columns) and what she said (outcome).
    answer(signed_in, shared, dispute, resolved=True)
    db.session.refresh(task)
    assert task.status == TaskStatus.DONE and task.completed_by_id == shared.manager.id
    assert task.dispute_id == dispute.id and task.outcome == {"resolved": True}


def test_resolved_by_the_author_counts_as_agreeing(shared, signed_in):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    author(signed_in, shared, dispute, resolved=None)
    review = shared.review
    db.session.refresh(review)
    assert review.state == ReviewState.DISPUTE_AUTHOR  # until the Practice Manager says it is resolved
    answer(signed_in, shared, dispute, resolved=True)
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
    author(signed_in, shared, dispute, resolved=None, text="The chronology is right.")
    review = shared.review
    assert actions(review)[-1] == "raise_concern" and not tasks_of(review, TaskKind.DECIDE_DISPUTE)
    answer(signed_in, shared, dispute, resolved=False)
    assert actions(review)[-1] == "escalate_to_dce" and review.state == ReviewState.DISPUTE_DCE
    assert [t.status for t in raiser_tasks(review, dispute)] == [TaskStatus.DONE]
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.DEPUTY_CHIEF_EXECUTIVE
    [task] = tasks_of(review, TaskKind.DECIDE_DISPUTE)
    assert task.assignee_pool == "deputy_chief_executives" and task.dispute_id == dispute.id
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
    ).error_summary() == [
        "Select whether the concern is upheld, partly upheld or not upheld",
        "Enter the reasons for your decision",
    ]
    decide(signed_in, shared, dispute)
    assert actions(review)[-1] == "dce_decided" and review.state == ReviewState.AGREED
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.DECIDED and dispute.dce_decided_by_id == shared.dce.id
    assert dispute.dce_decision == "The report stands as written." and dispute.dce_decided_at is not None
    assert not task.is_open and tasks_of(review, TaskKind.DISCUSS_AT_SLT)
    # A second decision is refused.
    page = dce.post(
        f"/reviews/{review.id}/disputes/{dispute.id}/decide",
        {"outcome": "upheld", "decision": "Again"},
        follow=True,
    )
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
    data = {"response": "x"}
    signed_in(shared.hoo).post(path, data, status=403)  # a Head of Operations, but not the reviewer
    signed_in(shared.manager).post(path, data, status=403)  # no reviewer's permission at all
    signed_in(shared.reviewer).get(f"/reviews/{shared.review.id}/disputes/999999/author", status=404)
    other_hoo = make_user(roles=Role.HEAD_OF_OPERATIONS, area=shared.reviewer.area)
    signed_in(other_hoo).post(path, data, status=404)  # cannot see the case at all
    page = signed_in(shared.reviewer).post(path, {"response": ""})
    assert page.error_summary() == ["Enter your response to the concern"]
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.AUTHOR and dispute.author_response is None
    # The CE cannot decide disputes; only the DCE can, and only once escalated.
    decide_path = f"/reviews/{shared.review.id}/disputes/{dispute.id}/decide"
    signed_in(shared.ce).post(decide_path, {"decision": "x"}, status=403)
    page = signed_in(shared.dce).post(decide_path, {"decision": "x"}, follow=True)
    assert "has not been escalated" in page.text()
    author(signed_in, shared, dispute, resolved=True)
    page = signed_in(shared.reviewer).post(path, {"response": "again"}, follow=True)
    assert "already responded to this concern" in page.text()
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.RESOLVED


def test_only_the_person_who_raised_the_concern_says_whether_it_is_resolved(shared, signed_in):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    path = answer_path(shared, dispute)
    # Not before the author has responded.
    page = signed_in(shared.manager).post(path, {"resolved": "yes"}, follow=True)
    assert "has not responded to your concern yet" in page.text()
    assert "has not responded to your concern yet" in signed_in(shared.manager).get(path).text()
    author(signed_in, shared, dispute, resolved=None)
    # Nobody else: not the author, another party, the DCE or the CE.
    for person in (shared.reviewer, shared.practitioner, shared.hoo, shared.dce, shared.ce):
        signed_in(person).post(path, {"resolved": "yes"}, status=403)
    signed_in(shared.reviewer).get(path, status=403)
    # Someone who cannot see the case at all gets 404, as for any review they cannot see.
    stranger = make_user(roles=Role.PRACTITIONER, area=shared.reviewer.area)
    signed_in(stranger).get(path, status=404)
    signed_in(shared.manager).get(f"/reviews/{shared.review.id}/disputes/999999/answer", status=404)
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.RAISER
    with pytest.raises(agreement.NotYours):
        disputes.raiser_decides(dispute, actor=shared.reviewer, resolved=True)
    # Once only: a second answer is refused and changes nothing.
    answer(signed_in, shared, dispute, resolved=True)
    page = signed_in(shared.manager).post(path, {"resolved": "no"}, follow=True)
    assert "already said whether the report author's answer resolves your concern" in page.text()
    with pytest.raises(agreement.AlreadyResponded):
        disputes.raiser_decides(dispute, actor=shared.manager, resolved=False)
    db.session.refresh(dispute)
    assert dispute.stage == DisputeStage.RESOLVED and not tasks_of(shared.review, TaskKind.DECIDE_DISPUTE)
    assert "Your concern is at: Resolved at stage 1." in signed_in(shared.manager).get(path).text()


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
    assert client.post(path, {"note": ""}).error_summary() == ["Enter why the dispute remains unresolved"]
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
    assert "Opened" in overview and "Raised with Welsh Government on 3 March." in overview
    assert dispute.stage == DisputeStage.GRIEVANCE


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
        ("dispute.escalated", shared.manager.id),  # she said the response does not resolve it
        ("dispute.decided", shared.dce.id),
        ("dispute.grievance_recorded", shared.manager.id),
    ]
    assert {
        r.record_id
        for r in db.session.execute(select(AuditEvent.record_id).where(AuditEvent.record_type == "dispute"))
    } == {dispute.id}


def test_accepting_the_response_is_audited_as_the_raiser_s_answer(shared, signed_in):
    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    author(signed_in, shared, dispute, resolved=True)
    rows = db.session.execute(
        select(AuditEvent.event_type, AuditEvent.record_id, AuditEvent.actor_id)
        .where(
            AuditEvent.event_type.in_(["accuracy.responded", "dispute.author_responded", "dispute.resolved"])
        )
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("accuracy.responded", dispute.response_id, shared.manager.id),  # the concern
        ("dispute.author_responded", dispute.id, shared.reviewer.id),
        ("dispute.resolved", dispute.id, shared.manager.id),  # yes, it is resolved
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
    def updates() -> list[Notification]:
        rows = db.session.execute(
            select(Notification).where(Notification.kind == "concern_updated").order_by(Notification.id)
        ).scalars()
        return [n for n in rows if n.user_id == dispute.response.user_id]

    concern(signed_in, shared, "practice_manager")
    dispute = dispute_of("practice_manager")
    assert updates() == []
    author(signed_in, shared, dispute, resolved=None)
    [told] = updates()
    assert "the report author has answered" in told.detail
    assert "Say whether that resolves your concern" in told.detail
    assert told.link_path == f"/reviews/{shared.review.id}/accuracy"
    answer(signed_in, shared, dispute, resolved=False)
    assert len(updates()) == 1  # she made this step herself
    decide(signed_in, shared, dispute)
    assert len(updates()) == 2 and "the Deputy Chief Executive did not uphold it" in updates()[1].detail
