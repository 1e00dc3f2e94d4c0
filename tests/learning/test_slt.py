"""The Senior Leadership Team's discussion of the themes, and closing a review without learning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.clock import london_today
from tests.learning.helpers import agreed_review, d
from webapp.extensions import db
from webapp.learning import services
from webapp.models import AuditEvent, Review, ReviewState, SltMeeting, TaskKind, TaskStatus
from webapp.records import StaleEdit


def record_learning(review, actor) -> None:
    services.save_learning(
        review,
        {
            "outcome": "death",
            "during_proceedings": True,
            "perpetrator_relation": "family_member",
            "perpetrator_was_assessed_main_risk": "no",
        },
        [],
        actor=actor,
    )


def meeting(**overrides) -> dict:
    data = {"met_on": d(london_today() - timedelta(days=1)), "notes": "Themes discussed; plan requested."}
    data.update(overrides)
    return data


def fresh(review):
    db.session.expire_all()
    return review


def test_the_slt_task_leads_to_the_meeting_page(world, signed_in):
    review = agreed_review(world)
    task = review.task(TaskKind.DISCUSS_AT_SLT)
    assert task.assignee_pool == "decision_makers" and task.is_open
    page = signed_in(world["dce"]).get(f"/tasks/{task.id}", status=302)
    assert page.response.location.endswith(f"/reviews/{review.id}/learning/slt")


def test_recording_the_meeting_moves_the_review_to_action_planning(world, signed_in):
    review = agreed_review(world)
    record_learning(review, world["pdt"])
    client = signed_in(world["ce"])
    page = client.get(f"/reviews/{review.id}/learning/slt")
    assert "Senior Leadership Team meeting" in page.h1
    client.post(f"/reviews/{review.id}/learning/slt", meeting(), status=302)
    review = fresh(review)
    assert review.state == ReviewState.ACTION_PLANNING
    [slt] = db.session.execute(select(SltMeeting)).scalars().all()
    assert slt.met_on == london_today() - timedelta(days=1) and slt.recorded_by_id == world["ce"].id
    discuss = review.task(TaskKind.DISCUSS_AT_SLT)
    assert discuss.status == TaskStatus.DONE and discuss.outcome["slt_meeting_id"] == slt.id
    agree = review.task(TaskKind.AGREE_ACTION_PLAN)
    assert agree.is_open and agree.assignee_pool == "practice_development"
    assert review.transitions[-1].action == "slt_discussed"
    assert review.transitions[-1].actor_id == world["ce"].id
    types = db.session.execute(
        select(AuditEvent.event_type).where(AuditEvent.case_id == review.case_id)
    ).scalars()
    assert {"slt.recorded", "review.transition", "task.completed"} <= set(types)


def test_the_meeting_needs_the_learning_first(world, signed_in):
    review = agreed_review(world)
    client = signed_in(world["ce"])
    assert "Record the learning" in client.get(f"/reviews/{review.id}/learning/slt").text()
    page = client.post(f"/reviews/{review.id}/learning/slt", meeting())
    [message] = page.error_summary()
    assert message.startswith("Record the learning first: the risk factors and practice themes")
    assert fresh(review).state == ReviewState.AGREED
    assert db.session.execute(select(SltMeeting)).first() is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            meeting(met_on=d(london_today() + timedelta(days=1))),
            "Date of the meeting must be today or in the past",
        ),
        (
            meeting(met_on=["31", "2", "2026"]),
            "Date of the Senior Leadership Team meeting must be a real date",
        ),
        (meeting(met_on=["", "", ""]), "Enter the date of the meeting"),
        (meeting(notes="  "), "Enter what the meeting discussed"),
    ],
)
def test_bad_meeting_details_save_nothing(world, signed_in, data, message):
    review = agreed_review(world)
    record_learning(review, world["pdt"])
    page = signed_in(world["dce"]).post(f"/reviews/{review.id}/learning/slt", data)
    assert page.error_summary() == [message]
    assert fresh(review).state == ReviewState.AGREED
    assert review.task(TaskKind.DISCUSS_AT_SLT).is_open


def test_only_the_ce_or_dce_record_the_meeting(world, signed_in):
    review = agreed_review(world)
    record_learning(review, world["pdt"])
    pdt = signed_in(world["pdt"])
    assert (
        "The Chief Executive or Deputy Chief Executive records the meeting"
        in pdt.get(f"/reviews/{review.id}/learning/slt").text()
    )
    pdt.post(f"/reviews/{review.id}/learning/slt", meeting(), status=403)
    for key in ("slt", "practitioner", "ahoo"):
        signed_in(world[key]).post(f"/reviews/{review.id}/learning/slt", meeting(), status=403)
    assert fresh(review).state == ReviewState.AGREED
    with pytest.raises(services.LearningRefused):
        services.record_slt(review, met_on=london_today(), notes="x", actor=world["pdt"])


def test_the_meeting_is_refused_at_any_other_step(world, signed_in):
    review = agreed_review(world)
    record_learning(review, world["pdt"])
    services.record_slt(review, met_on=london_today(), notes="First.", actor=world["ce"])
    page = signed_in(world["dce"]).post(f"/reviews/{review.id}/learning/slt", meeting(), follow=True)
    assert "You cannot record the Senior Leadership Team meeting now" in page.text()
    with pytest.raises(services.LearningRefused, match="Action plan being agreed"):
        services.record_slt(review, met_on=london_today(), notes="Second.", actor=world["ce"])
    assert len(db.session.execute(select(SltMeeting)).all()) == 1


def test_closing_without_learning(world, signed_in):
    review = agreed_review(world)
    client = signed_in(world["dce"])
    page = client.post(f"/reviews/{review.id}/learning/no-learning", {"rationale": ""})
    assert page.error_summary() == ["Enter why no learning was identified, for the record"]
    assert fresh(review).state == ReviewState.AGREED
    client.post(
        f"/reviews/{review.id}/learning/no-learning", {"rationale": "Practice was sound."}, status=302
    )
    review = fresh(review)
    assert review.state == ReviewState.CLOSED
    assert review.closed_by_id == world["dce"].id and review.closed_at is not None
    last = review.transitions[-1]
    assert (last.action, last.note) == ("close_without_learning", "Practice was sound.")
    assert review.task(TaskKind.DISCUSS_AT_SLT).status == TaskStatus.DONE
    assert review.task(TaskKind.AGREE_ACTION_PLAN) is None
    closed = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "review.closed", AuditEvent.record_id == review.id)
    ).scalar_one()
    assert closed.actor_id == world["dce"].id
    overview = client.get(f"/reviews/{review.id}/learning").text()
    assert "Closed without learning" in overview and "Practice was sound." in overview
    # Once closed, it cannot close again, nor go to the SLT.
    again = client.post(f"/reviews/{review.id}/learning/no-learning", {"rationale": "Again."}, follow=True)
    assert "You cannot close the review without learning now" in again.text()
    with pytest.raises(services.LearningRefused):
        services.close_without_learning(review, rationale="Again.", actor=world["ce"])


def test_only_the_ce_or_dce_close_without_learning(world, signed_in):
    review = agreed_review(world)
    for key in ("pdt", "slt", "practitioner", "admin"):
        signed_in(world[key]).post(
            f"/reviews/{review.id}/learning/no-learning", {"rationale": "No."}, status=403
        )
    assert fresh(review).state == ReviewState.AGREED


def test_a_review_moved_on_meanwhile_saves_nothing(world, signed_in):
    """Someone else changed the review after this request read it: no meeting, no task change."""
    review = agreed_review(world)
    record_learning(review, world["pdt"])
    db.session.execute(
        update(Review)
        .where(Review.id == review.id)
        .values(version=Review.version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(StaleEdit):
        services.record_slt(review, met_on=london_today(), notes="Late.", actor=world["ce"])
    review = fresh(review)
    assert review.state == ReviewState.AGREED
    assert review.task(TaskKind.DISCUSS_AT_SLT).is_open
    assert db.session.execute(select(SltMeeting)).first() is None
