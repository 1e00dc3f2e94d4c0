"""The review lifecycle: incident -> rules -> review and tasks -> decision -> support and reviewer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import select

import rules
from tests.clock import london_today
from tests.factories import make_area, make_case, make_user
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    IncidentCause,
    PersonAffected,
    ProceedingsStatus,
    Review,
    ReviewState,
    Role,
    TaskKind,
    TaskStatus,
)
from webapp.reviews.lifecycle import TRANSITIONS, InvalidTransition, next_state


def d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def world(app):
    north, south = make_area(name="North"), make_area(name="South")
    ahoo = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="North Head")
    return {
        "north": north,
        "south": south,
        "ahoo": ahoo,
        "other_ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=south),
        "ce": make_user(roles=Role.CHIEF_EXECUTIVE),
        "dce": make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE),
        "hoo_north": make_user(roles=Role.HEAD_OF_OPERATIONS, area=north),
        "hoo_south": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="South Reviewer"),
    }


def record_incident(client, case, **overrides) -> Review:
    occurred = london_today() - timedelta(days=2)
    data = {
        "kind": "death",
        "occurred_on": d(occurred),
        "cause": "violence",
        "person_affected": "child_subject",
        "linked_to_court_involvement": "yes",
        "susr_known": "no",
        "scr_known": "no",
        "summary": "Known facts.",
        "notified_by": "Police",
        "notified_on": d(occurred),
    }
    data.update(overrides)
    client.post(f"/cases/{case.id}/incidents/new", data, status=302)
    return db.session.execute(select(Review).order_by(Review.id.desc())).scalars().first()


SUPPORT = (
    TaskKind.INFORM_PRACTITIONER_AND_PM,
    TaskKind.OFFER_EAP_REFERRAL,
    TaskKind.ARRANGE_SUPPORT_MEETINGS,
    TaskKind.AGREE_SUPPORT_NEEDS,
)


def kinds(review: Review) -> set[TaskKind]:
    db.session.refresh(review)
    return {task.kind for task in review.tasks}


def test_ongoing_incident_needs_consultation_before_the_decision(world, signed_in):
    case = make_case(area=world["north"])
    review = record_incident(signed_in(case.practitioner), case)
    assert review.state == ReviewState.AWAITING_DECISION
    assert review.circumstance == "ongoing_proceedings" and review.within_procedure
    # Support starts with the notification (this service's reading), not with the decision.
    assert kinds(review) == {
        TaskKind.ACKNOWLEDGE_INCIDENT,
        TaskKind.CONSULT_AREA_HEAD,
        TaskKind.DECIDE,
        *SUPPORT,
    }
    assert all(reason["clause"] for reason in review.reasons)

    ce = signed_in(world["ce"])
    page = ce.get(f"/reviews/{review.id}/decide")
    assert "The Area Head of Operations must be consulted first" in page.text()
    refused = ce.post(f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "Serious."})
    assert any("consulted first" in message for message in refused.error_summary())
    db.session.refresh(review)
    assert review.state == ReviewState.AWAITING_DECISION and review.decided_at is None

    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    signed_in(world["ahoo"]).post(f"/tasks/{consult.id}", {"view": "A review is needed."}, status=302)
    ce.post(f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "Serious."}, status=302)
    db.session.refresh(review)
    assert review.state == ReviewState.INITIATED
    assert review.decided_by_id == world["ce"].id and review.decision_rationale == "Serious."
    assert review.task(TaskKind.DECIDE).status == TaskStatus.DONE
    assert {
        TaskKind.INFORM_PRACTITIONER_AND_PM,
        TaskKind.OFFER_EAP_REFERRAL,
        TaskKind.ARRANGE_SUPPORT_MEETINGS,
        TaskKind.AGREE_SUPPORT_NEEDS,
        TaskKind.ALLOCATE_REVIEWER,
    } <= kinds(review)
    actions = [t.action for t in review.transitions]
    assert actions == ["open_within_procedure", "initiate"]


def test_closed_case_linked_incident_goes_straight_to_decision(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case, cause="other", person_affected="other")
    assert review.circumstance == "closed_case"
    assert kinds(review) == {TaskKind.ACKNOWLEDGE_INCIDENT, TaskKind.DECIDE, *SUPPORT}
    signed_in(world["dce"]).post(
        f"/reviews/{review.id}/decide", {"decision": "decline", "rationale": "No learning."}, status=302
    )
    db.session.refresh(review)
    assert review.state == ReviewState.NOT_INITIATED
    assert TaskKind.ALLOCATE_REVIEWER not in kinds(review)


def test_known_susr_means_rapid_review_first(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case, susr_known="yes")
    assert review.rapid_review and review.follow_susr_process
    assert TaskKind.RAPID_REVIEW in kinds(review)
    page = signed_in(world["ce"]).post(
        f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "x"}
    )
    assert any("rapid review" in message for message in page.error_summary())


def test_outside_the_procedure_can_still_be_initiated_with_reasons(world, signed_in):
    case = make_case(area=world["north"])
    review = record_incident(
        signed_in(case.practitioner), case, cause="other", person_affected="child_subject"
    )
    assert review.state == ReviewState.OUTSIDE_PROCEDURE
    assert review.circumstance is None
    assert kinds(review) == {TaskKind.ACKNOWLEDGE_INCIDENT, TaskKind.CONFIRM_OUTSIDE_PROCEDURE}
    assert any("cause" in reason["text"].lower() for reason in review.reasons)
    ce = signed_in(world["ce"])
    page = ce.post(f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": ""})
    assert "Enter the rationale for your decision" in page.error_summary()
    ce.post(
        f"/reviews/{review.id}/decide",
        {"decision": "initiate", "rationale": "Learning is likely."},
        status=302,
    )
    db.session.refresh(review)
    assert review.state == ReviewState.INITIATED and review.decision_override is True
    assert [t.action for t in review.transitions] == ["open_outside_procedure", "override_initiate"]


def test_only_ce_or_dce_decide(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case)
    signed_in(world["ahoo"]).post(
        f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "x"}, status=403
    )
    db.session.refresh(review)
    assert review.state == ReviewState.AWAITING_DECISION


def test_second_decision_is_refused_and_changes_nothing(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case)
    signed_in(world["ce"]).post(
        f"/reviews/{review.id}/decide", {"decision": "decline", "rationale": "first"}, status=302
    )
    page = signed_in(world["dce"]).post(
        f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "second"}, follow=True
    )
    assert "You cannot record a decision now" in page.text()
    db.session.refresh(review)
    assert review.decision_rationale == "first" and review.state == ReviewState.NOT_INITIATED


def test_two_people_actioning_one_task(world, signed_in):
    second_ahoo = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=world["north"])
    case = make_case(area=world["north"])
    review = record_incident(signed_in(case.practitioner), case)
    task = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    first, second = signed_in(world["ahoo"]), signed_in(second_ahoo)
    assert "Mark as done" in second.get(f"/tasks/{task.id}").text()
    first.post(f"/tasks/{task.id}", {"note": "seen by the first"}, status=302)
    page = second.post(f"/tasks/{task.id}", {"note": "seen by the second"}, follow=True)
    assert "Someone else has already done this task" in page.text()
    db.session.refresh(task)
    assert task.completed_by_id == world["ahoo"].id and task.outcome == {"note": "seen by the first"}


def test_tasks_reach_the_right_people(world, signed_in):
    case = make_case(area=world["north"])
    review = record_incident(signed_in(case.practitioner), case)
    assert "Acknowledge the incident notification" in signed_in(world["ahoo"]).get("/tasks").text()
    other = signed_in(world["other_ahoo"])
    assert "Acknowledge the incident notification" not in other.get("/tasks").text()
    other.get(f"/tasks/{review.task(TaskKind.ACKNOWLEDGE_INCIDENT).id}", status=404)
    assert "Decide whether to initiate" in signed_in(world["dce"]).get("/tasks").text()
    # A team view for managers: the AHoO sees the area's open tasks, whoever holds them.
    team = signed_in(world["ahoo"]).get("/tasks/team").text()
    assert "Decide whether to initiate" in team
    signed_in(case.practitioner).get("/tasks/team", status=403)


def test_initiation_gives_the_practice_manager_support_tasks(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case)
    signed_in(world["ce"]).post(
        f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "y"}, status=302
    )
    pm = signed_in(case.practice_manager)
    mine = pm.get("/tasks").text()
    for label in ("Employee Assistance Programme", "Arrange regular support meetings", "Agree support needs"):
        assert label in mine
    db.session.refresh(review)
    eap = review.task(TaskKind.OFFER_EAP_REFERRAL)
    assert (
        "Select the outcome of the referral offer"
        in pm.post(f"/tasks/{eap.id}", {"eap": "maybe"}).error_summary()
    )
    pm.post(f"/tasks/{eap.id}", {"eap": "accepted"}, status=302)
    meetings = review.task(TaskKind.ARRANGE_SUPPORT_MEETINGS)
    # The form offers the policy's cadence to start from.
    from flask import current_app

    cadence = current_app.extensions["case_review_policy"].timescale("support_meeting_cadence")
    offered = pm.get(f"/tasks/{meetings.id}").html.find("input", attrs={"name": "cadence_working_days"})
    assert offered["value"] == str(cadence)
    soon = london_today() + timedelta(days=7)
    pm.post(
        f"/tasks/{meetings.id}",
        {"first_meeting_on": d(soon), "first_meeting_time": "14:30", "cadence_working_days": "10"},
        status=302,
    )
    db.session.refresh(meetings)
    assert meetings.status == TaskStatus.DONE
    from webapp.formatting import london
    from webapp.models import SupportPlan

    plan = db.session.execute(select(SupportPlan)).scalar_one()
    assert plan.cadence_working_days == 10 and plan.practitioner_id == case.practitioner_id
    [meeting] = plan.meetings
    assert london(meeting.starts_at).date() == soon and london(meeting.starts_at).strftime("%H:%M") == "14:30"


def test_reviewer_must_be_independent_of_the_case_area(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case)
    ce = signed_in(world["ce"])
    ce.post(f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "y"}, status=302)
    db.session.refresh(review)
    task = review.task(TaskKind.ALLOCATE_REVIEWER)
    page = ce.get(f"/tasks/{task.id}")
    options = [o.get_text() for o in page.html.select("#reviewer_id option")]
    assert any("South Reviewer" in o for o in options)
    assert not any(world["hoo_north"].name in o for o in options)
    refused = ce.post(f"/tasks/{task.id}", {"reviewer_id": str(world["hoo_north"].id)})
    assert refused.error_summary() == ["Select a Head of Operations from another operational area"]
    ce.post(f"/tasks/{task.id}", {"reviewer_id": str(world["hoo_south"].id)}, status=302)
    db.session.refresh(review)
    assert review.reviewer_id == world["hoo_south"].id


def test_service_refuses_a_same_area_reviewer(world, app):
    from webapp.reviews import services

    case = make_case(area=world["north"])
    with pytest.raises(services.NotIndependent, match="independent of the case-managing"):
        from webapp.models import Task

        task = Task(
            kind=TaskKind.ALLOCATE_REVIEWER, status=TaskStatus.OPEN, due_on=london_today(), outcome={}
        )
        task.review = Review(
            case=case,
            state=ReviewState.INITIATED,
            within_procedure=True,
            rapid_review=False,
            follow_susr_process=False,
            reasons=[],
        )
        services.allocate_reviewer(task, world["hoo_north"], actor=world["ce"])
    db.session.rollback()


def test_due_dates_are_working_days_from_the_policy(world, signed_in, app):
    case = make_case(area=world["north"])
    # Recorded on Thursday 24 December 2026: acknowledgement (1 working day) skips Christmas,
    # the Boxing Day substitute and the weekend, and falls on Tuesday 29 December.
    with time_machine.travel("2026-12-24 10:00:00+00:00", tick=False):
        review = record_incident(
            signed_in(case.practitioner),
            case,
            occurred_on=["20", "12", "2026"],
            notified_on=["21", "12", "2026"],
        )
    policy = app.extensions["case_review_policy"]
    assert policy.timescale("acknowledge_incident") == 1
    # Timescales run from the notification date (Monday 21 December), not from the recording.
    assert review.task(TaskKind.ACKNOWLEDGE_INCIDENT).due_on == date(2026, 12, 22)
    assert review.task(TaskKind.CONSULT_AREA_HEAD).due_on == rules.add_working_days(
        date(2026, 12, 21), policy.timescale("consult_area_head")
    )


def test_transition_table_refuses_anything_unlisted():
    assert next_state(ReviewState.AWAITING_DECISION, "initiate").to == ReviewState.INITIATED
    with pytest.raises(InvalidTransition, match="Review initiated"):
        next_state(ReviewState.INITIATED, "decline")
    with pytest.raises(InvalidTransition):
        next_state(ReviewState.NOT_INITIATED, "initiate")
    for (before, action), transition in TRANSITIONS.items():
        assert transition.clause, (before, action)


def test_one_review_per_incident_is_enforced_by_the_database(world, signed_in):
    from sqlalchemy.exc import IntegrityError

    case = make_case(area=world["north"])
    review = record_incident(signed_in(case.practitioner), case)
    db.session.add(
        Review(
            incident_id=review.incident_id,
            case_id=case.id,
            state=ReviewState.AWAITING_DECISION,
            within_procedure=True,
            rapid_review=False,
            follow_susr_process=False,
            reasons=[],
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_transitions_and_views_are_audited(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case)
    ce = signed_in(world["ce"])
    ce.get(f"/reviews/{review.id}")
    ce.post(f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "y"}, status=302)
    events = [
        e.event_type
        for e in db.session.execute(
            select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)
        ).scalars()
    ]
    assert events.count("review.transition") == 2
    assert "review.viewed" in events and "task.completed" in events


def test_review_page_shows_the_reasons_with_their_clauses(world, signed_in):
    case = make_case(area=world["north"])
    review = record_incident(
        signed_in(case.practitioner), case, cause="unknown", person_affected="adult_party"
    )
    page = signed_in(case.practitioner).get(f"/reviews/{review.id}")
    text = page.text()
    for reason in review.reasons:
        assert reason["text"] in text and reason["clause"] in text


def test_facts_come_from_the_incident_and_its_case(world):
    from tests.factories import make_incident
    from webapp.reviews.services import incident_facts

    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    incident = make_incident(
        case=case, cause=IncidentCause.SUICIDE, person_affected=PersonAffected.ADULT_PARTY, susr=True
    )
    assert incident_facts(incident) == {
        "kind": "significant_incident",
        "cause": "suicide",
        "person": "adult_party",
        "proceedings": "closed",
        "occurred_on": incident.occurred_on.isoformat(),
        "proceedings_closed_on": case.proceedings_closed_on.isoformat(),
        "linked_to_court_involvement": True,
        "susr": True,
        "scr": False,
    }


def test_allocating_the_reviewer_starts_the_review_and_gives_the_reviewer_tasks(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record_incident(signed_in(case.practice_manager), case)
    ce = signed_in(world["ce"])
    ce.post(f"/reviews/{review.id}/decide", {"decision": "initiate", "rationale": "y"}, status=302)
    db.session.refresh(review)
    ce.post(
        f"/tasks/{review.task(TaskKind.ALLOCATE_REVIEWER).id}",
        {"reviewer_id": str(world["hoo_south"].id)},
        status=302,
    )
    db.session.refresh(review)
    assert review.state == ReviewState.IN_REVIEW
    for kind in (TaskKind.GATHER_INFORMATION, TaskKind.DRAFT_REPORT):
        assert review.task(kind).assignee_id == world["hoo_south"].id
    # The reviewer, from another area, can now see the case and the review.
    reviewer = signed_in(world["hoo_south"])
    reviewer.get(f"/cases/{case.id}")
    assert "Gather the information for the review" in reviewer.get("/tasks").text()
