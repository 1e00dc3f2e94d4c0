"""Incident facts that change after the review opened (versions, lock, re-evaluation), the
confirm-outside task, pool fallbacks, dependent deadlines, support access and timescales."""

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
    IncidentVersion,
    Notification,
    PolicySetting,
    ProceedingsStatus,
    Review,
    ReviewState,
    Role,
    TaskKind,
    TaskStatus,
)


def d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def world(app):
    north = make_area(name="North")
    return {
        "north": north,
        "ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north),
        "ce": make_user(roles=Role.CHIEF_EXECUTIVE),
        "dce": make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE),
        "admin": make_user(roles=Role.ADMINISTRATOR),
    }


def form(**overrides) -> dict:
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
    return data


def record(client, case, **overrides) -> Review:
    client.post(f"/cases/{case.id}/incidents/new", form(**overrides), status=302)
    return db.session.execute(select(Review).order_by(Review.id.desc())).scalars().first()


def edit(client, review: Review, *, status: int = 302, **overrides):
    db.session.refresh(review.incident)
    current = {
        "occurred_on": d(review.incident.occurred_on),
        "notified_on": d(review.incident.notified_on),
        "version": str(review.incident.version),
    }
    return client.post(f"/incidents/{review.incident_id}/edit", form(**(current | overrides)), status=status)


def statuses(review: Review) -> dict[TaskKind, list[TaskStatus]]:
    db.session.expire_all()
    found: dict[TaskKind, list[TaskStatus]] = {}
    for task in db.session.get(Review, review.id).tasks:
        found.setdefault(task.kind, []).append(task.status)
    return found


def test_a_change_is_kept_with_old_and_new_values_and_readers_are_limited(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    # The practitioner whose work is reviewed cannot change the facts.
    signed_in(case.practitioner).get(f"/incidents/{review.incident_id}/edit", status=403)
    edit(signed_in(world["ahoo"]), review, summary="More is known now.")
    [version] = db.session.execute(select(IncidentVersion)).scalars()
    assert version.changes == [{"field": "summary", "old": "Known facts.", "new": "More is known now."}]
    assert version.changed_by_id == world["ahoo"].id and not version.outcome_changed
    assert "More is known now." in signed_in(world["dce"]).get(f"/incidents/{review.incident_id}").text()
    pm_page = signed_in(case.practice_manager).get(f"/incidents/{review.incident_id}").text()
    assert "Changes to the facts" not in pm_page


def test_after_closure_only_the_ce_or_dce_correct_with_a_reason(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    review.state = ReviewState.CLOSED
    db.session.commit()
    signed_in(world["ahoo"]).get(f"/incidents/{review.incident_id}/edit", status=403)
    ce = signed_in(world["ce"])
    page = edit(ce, review, status=200, summary="Corrected.")
    assert "Enter the reason for correcting the facts of a closed review" in page.error_summary()
    assert db.session.execute(select(IncidentVersion)).first() is None
    edit(ce, review, summary="Corrected.", correction_reason="The police report was wrong.")
    [version] = db.session.execute(select(IncidentVersion)).scalars()
    assert version.correction_reason == "The police report was wrong."


def test_cause_proving_otherwise_moves_the_review_outside_and_back(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case, cause="unknown")
    assert review.state == ReviewState.AWAITING_DECISION
    ahoo = signed_in(world["ahoo"])
    edit(ahoo, review, cause="other")
    db.session.refresh(review)
    assert review.state == ReviewState.OUTSIDE_PROCEDURE and not review.within_procedure
    found = statuses(review)
    assert found[TaskKind.DECIDE] == [TaskStatus.CANCELLED]
    assert found[TaskKind.CONSULT_AREA_HEAD] == [TaskStatus.CANCELLED]
    assert found[TaskKind.CONFIRM_OUTSIDE_PROCEDURE] == [TaskStatus.OPEN]
    cancelled = next(t for t in review.tasks if t.kind == TaskKind.DECIDE)
    assert "now outside the procedure" in cancelled.cancel_reason
    told = {
        n.user_id
        for n in db.session.execute(select(Notification)).scalars()
        if n.kind == "incident_facts_changed"
    }
    assert told == {world["ce"].id, world["dce"].id, world["ahoo"].id}
    page = signed_in(world["dce"]).get(f"/reviews/{review.id}").text()
    assert "before and after" in page and "Incident facts changed" in page
    # And back in: new decision tasks, the cancelled ones kept.
    edit(ahoo, review, cause="neglect")
    db.session.refresh(review)
    assert review.state == ReviewState.AWAITING_DECISION
    found = statuses(review)
    assert found[TaskKind.DECIDE] == [TaskStatus.CANCELLED, TaskStatus.OPEN]
    assert found[TaskKind.CONFIRM_OUTSIDE_PROCEDURE] == [TaskStatus.CANCELLED]


def test_susr_known_later_adds_a_rapid_review_the_decision_waits_for(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record(signed_in(case.practitioner), case)
    decide = review.task(TaskKind.DECIDE)
    assert decide.next_escalation_on is not None
    edit(signed_in(world["ahoo"]), review, susr_known="yes")
    db.session.expire_all()
    review = db.session.get(Review, review.id)
    rapid = review.task(TaskKind.RAPID_REVIEW)
    assert rapid is not None and rapid.is_open
    decide = review.task(TaskKind.DECIDE)
    assert decide.waits_for_id == rapid.id and decide.next_escalation_on is None


def test_a_not_initiated_decision_is_revisited_when_the_facts_change(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    review = record(
        signed_in(case.practitioner),
        case,
        linked_to_court_involvement="no",
        occurred_on=d(london_today()),
        notified_on=d(london_today()),
    )
    assert review.state == ReviewState.OUTSIDE_PROCEDURE
    ce = signed_in(world["ce"])
    ce.post(f"/reviews/{review.id}/decide", {"decision": "confirm", "rationale": "Unrelated."}, status=302)
    db.session.refresh(review)
    assert review.state == ReviewState.NOT_INITIATED
    edit(signed_in(world["ahoo"]), review, linked_to_court_involvement="yes")
    db.session.refresh(review)
    assert review.state == ReviewState.AWAITING_DECISION and review.decided_at is None
    notes = [t.note for t in review.transitions if t.action == "facts_changed_revisit"]
    assert notes == ["Earlier decision: do not initiate a review. Rationale: Unrelated."]


def test_the_date_rule_at_the_closure_boundary(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    closed_on = case.proceedings_closed_on
    on_the_day = record(
        signed_in(case.practitioner), case, linked_to_court_involvement="no", occurred_on=d(closed_on)
    )
    assert on_the_day.within_procedure and on_the_day.circumstance == "closed_case"
    assert any(r["rule"] == "closed_case_during_proceedings" for r in on_the_day.reasons)
    day_after = record(
        signed_in(case.practitioner),
        case,
        linked_to_court_involvement="no",
        occurred_on=d(closed_on + timedelta(days=1)),
        notified_on=d(closed_on + timedelta(days=1)),
    )
    assert not day_after.within_procedure
    assert day_after.task(TaskKind.CONFIRM_OUTSIDE_PROCEDURE).assignee_pool == "decision_makers"


def test_pools_fall_back_and_an_empty_one_alerts_administrators(world, signed_in):
    south = make_area(name="South")  # no Area Head of Operations
    case = make_case(area=south)
    review = record(signed_in(case.practitioner), case)
    acknowledge = review.task(TaskKind.ACKNOWLEDGE_INCIDENT)
    assert acknowledge.assignee_pool == "decision_makers" and acknowledge.fallback_from == "area_heads"
    assert (
        "no active Area Head of Operations" in signed_in(world["ce"]).get(f"/tasks/{acknowledge.id}").text()
    )
    # No CE or DCE at all: nobody may decide; the administrators are told and see it.
    for person in (world["ce"], world["dce"]):
        person.active = False
    db.session.commit()
    review = record(signed_in(case.practitioner), case)
    assert review.task(TaskKind.DECIDE).assignee_pool == "decision_makers"
    alerts = [n for n in db.session.execute(select(Notification)).scalars() if n.kind == "task_with_nobody"]
    assert alerts and {n.user_id for n in alerts} == {world["admin"].id}
    page = signed_in(world["admin"]).get("/admin/tasks-with-nobody").text()
    assert TaskKind.DECIDE.label in page and case.case_number not in page


def test_a_decision_waiting_for_the_consultation_is_not_due_until_it_is_done(world, signed_in):
    case = make_case(area=world["north"])
    with time_machine.travel("2026-12-21 10:00:00+00:00", tick=False):
        review = record(
            signed_in(case.practitioner),
            case,
            occurred_on=["20", "12", "2026"],
            notified_on=["21", "12", "2026"],
        )
    decide = review.task(TaskKind.DECIDE)
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    assert decide.waits_for_id == consult.id and decide.next_escalation_on is None
    from jobs import sweep

    with time_machine.travel("2027-01-20 10:00:00+00:00", tick=False):
        sweep.run()
    db.session.expire_all()
    assert not db.session.get(type(decide), decide.id).escalations
    # Consultation done on Christmas Eve: the decision runs from then, skipping the bank holidays.
    with time_machine.travel("2026-12-24 10:00:00+00:00", tick=False):
        signed_in(world["ahoo"]).post(f"/tasks/{consult.id}", {"view": "Review it."}, status=302)
    db.session.expire_all()
    decide = db.session.get(type(decide), decide.id)
    assert decide.due_on == rules.add_working_days(date(2026, 12, 24), 5) == date(2027, 1, 5)
    assert decide.next_escalation_on == date(2027, 1, 5)


@pytest.mark.parametrize(
    "who,sees",
    [
        ("practitioner", True),
        ("practice_manager", True),
        ("ahoo", True),
        ("ce", True),
        ("dce", True),
        ("slt", False),
        ("pdt", False),
        ("other_ahoo", False),
    ],
)
def test_the_support_page_is_for_the_people_around_the_practitioner_only(world, signed_in, who, sees):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    people = {
        "practitioner": case.practitioner,
        "practice_manager": case.practice_manager,
        "ahoo": world["ahoo"],
        "ce": world["ce"],
        "dce": world["dce"],
        "slt": make_user(roles=Role.SENIOR_LEADERSHIP_TEAM),
        "pdt": make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM),
        "other_ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=make_area(name="East")),
    }
    signed_in(people[who]).get(f"/reviews/{review.id}/support", status=200 if sees else 404)


def test_an_eap_answer_awaited_stays_open_as_a_follow_up(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    eap = review.task(TaskKind.OFFER_EAP_REFERRAL)
    signed_in(case.practice_manager).post(f"/tasks/{eap.id}", {"eap": "offered"}, status=302)
    assert statuses(review)[TaskKind.FOLLOW_UP_EAP_REFERRAL] == [TaskStatus.OPEN]
    needs = review.task(TaskKind.AGREE_SUPPORT_NEEDS)
    signed_in(case.practice_manager).post(f"/tasks/{needs.id}", {"needs": "Weekly check-ins."}, status=302)
    confirm = db.session.get(Review, review.id).task(TaskKind.CONFIRM_SUPPORT_NEEDS)
    assert confirm.assignee_id == case.practitioner_id
    page = signed_in(case.practitioner).get(f"/tasks/{confirm.id}").text()
    assert "Weekly check-ins." in page


def test_an_administrator_changes_a_timescale_and_it_applies_at_once(world, signed_in):
    admin = signed_in(world["admin"])
    page = admin.post("/admin/policy", {"decision": "0"} | {}, status=200)
    assert page.error_summary()
    rows = {
        key: days
        for key, days, _ in __import__("webapp.admin.policy", fromlist=["x"]).file_policy().describe()
    }
    values = {key: str(days) for key, days in rows.items() if days is not None}
    bad = admin.post("/admin/policy", values | {"escalation.line_manager_after": "9"}, status=200)
    assert any("later than" in message for message in bad.error_summary())
    assert db.session.execute(select(PolicySetting)).first() is None
    admin.post("/admin/policy", values | {"acknowledge_incident": "4"}, status=302)
    assert db.session.get(PolicySetting, "acknowledge_incident").working_days == 4
    case = make_case(area=world["north"])
    review = record(
        signed_in(case.practitioner),
        case,
        notified_on=d(date(2026, 11, 30)),
        occurred_on=d(date(2026, 11, 30)),
    )
    assert review.task(TaskKind.ACKNOWLEDGE_INCIDENT).due_on == rules.add_working_days(date(2026, 11, 30), 4)


def test_informing_cannot_be_dated_before_the_incident_or_in_the_future(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    inform = review.task(TaskKind.INFORM_PRACTITIONER_AND_PM)
    ahoo = signed_in(world["ahoo"])
    before = ahoo.post(
        f"/tasks/{inform.id}", {"informed_on": d(review.incident.occurred_on - timedelta(days=1))}
    )
    assert "Date they were informed must be on or after the date of the incident" in before.error_summary()
    future = ahoo.post(f"/tasks/{inform.id}", {"informed_on": d(london_today() + timedelta(days=1))})
    assert "Date they were informed must be today or in the past" in future.error_summary()
    db.session.refresh(inform)
    assert inform.is_open
    ahoo.post(
        f"/tasks/{inform.id}", {"informed_on": d(london_today()), "note": "Told both by phone."}, status=302
    )
    # What was entered is shown on the task page and in the review's History.
    assert "Told both by phone." in ahoo.get(f"/tasks/{inform.id}").text()
    assert "Told both by phone." in ahoo.get(f"/reviews/{review.id}").text()


def test_the_area_head_checks_accuracy_where_the_area_has_no_head_of_operations(world):
    from webapp.tasks.pools import people_for

    assert [u.id for u in people_for("heads_of_operations", world["north"].id)] == [world["ahoo"].id]
    hoo = make_user(roles=Role.HEAD_OF_OPERATIONS, area=world["north"])
    assert [u.id for u in people_for("heads_of_operations", world["north"].id)] == [hoo.id]
    assert people_for("heads_of_operations", make_area(name="Empty").id) == []


def test_every_due_date_says_it_is_this_services_default(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    page = signed_in(world["ahoo"]).get(f"/tasks/{review.task(TaskKind.ACKNOWLEDGE_INCIDENT).id}").text()
    assert "this service's default timescale, not the procedure's" in page
    waiting = signed_in(world["ce"]).get(f"/tasks/{review.task(TaskKind.DECIDE).id}", status=302)
    assert waiting.status == 302  # the decision has its own page, which says what must happen first
    assert (
        "this service's defaults, not the procedure's"
        in signed_in(world["admin"]).get("/admin/policy").text()
    )


def test_the_demo_data_shows_a_fallback(app):
    from webapp import demo
    from webapp.models import Case, Task

    assert demo.seed()
    fallen = db.session.execute(select(Task).where(Task.fallback_from.is_not(None))).scalars().all()
    assert fallen and {t.fallback_from for t in fallen} == {"area_heads"}
    assert {db.session.get(Case, t.review.case_id).area.name for t in fallen} == {"Mid and West Wales"}
    # No demo decision is chased while it waits for the consultation or the rapid review.
    waiting = [t for t in db.session.execute(select(Task)).scalars() if t.is_waiting]
    assert waiting and all(t.next_escalation_on is None for t in waiting)


def test_support_answers_are_shown_only_to_those_who_see_support(world, signed_in):
    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    manager = signed_in(case.practice_manager)
    needs = review.task(TaskKind.AGREE_SUPPORT_NEEDS)
    manager.post(f"/tasks/{needs.id}", {"needs": "Time off after court."}, status=302)
    assert "Time off after court." in signed_in(world["dce"]).get(f"/reviews/{review.id}").text()
    slt = signed_in(make_user(roles=Role.SENIOR_LEADERSHIP_TEAM))
    assert "Time off after court." not in slt.get(f"/reviews/{review.id}").text()
    slt.get(f"/tasks/{needs.id}", status=404)
    # The practitioner disputes them: the Practice Manager is asked to agree them again.
    confirm = db.session.get(Review, review.id).task(TaskKind.CONFIRM_SUPPORT_NEEDS)
    signed_in(case.practitioner).post(
        f"/tasks/{confirm.id}", {"confirmed": "disputed", "comment": "I need more."}, status=302
    )
    assert statuses(review)[TaskKind.AGREE_SUPPORT_NEEDS] == [TaskStatus.DONE, TaskStatus.OPEN]


def test_a_timescale_change_is_audited(world, signed_in):
    from webapp.admin.policy import file_policy
    from webapp.models import AuditEvent

    values = {key: str(days) for key, days, _ in file_policy().describe() if days is not None}
    signed_in(world["admin"]).post("/admin/policy", values | {"decision": "6"}, status=302)
    [event] = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "policy.changed")
    ).scalars()
    assert event.changed_fields == ["decision"] and event.actor_id == world["admin"].id


def test_facts_changed_later_give_new_tasks_their_time_from_the_change(world, signed_in):
    case = make_case(area=world["north"], proceedings_status=ProceedingsStatus.CLOSED)
    long_ago = london_today() - timedelta(days=60)
    review = record(
        signed_in(case.practitioner),
        case,
        linked_to_court_involvement="no",
        occurred_on=d(london_today() - timedelta(days=21)),
        notified_on=d(london_today() - timedelta(days=20)),  # the decision would be overdue from here
    )
    assert not review.within_procedure
    edit(signed_in(world["ahoo"]), review, occurred_on=d(long_ago))
    decide = db.session.get(Review, review.id).task(TaskKind.DECIDE)
    assert decide.is_open and decide.due_on >= london_today()


def test_a_waiting_task_is_never_overdue_and_a_cancelled_one_releases_it(world, signed_in):
    from webapp.reviews.listing import ReviewFilters, list_reviews
    from webapp.tasks.services import cancel_task

    case = make_case(area=world["north"])
    review = record(signed_in(case.practitioner), case)
    decide = review.task(TaskKind.DECIDE)
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    assert decide.waits_for_id == consult.id
    today = london_today()
    # Only the waiting decision's placeholder date is past: the review has no overdue task.
    for task in review.tasks:
        task.due_on = today + timedelta(days=30)
    decide.due_on = today - timedelta(days=30)
    db.session.commit()
    overdue_reviews = list_reviews(world["ce"], ReviewFilters(overdue=True), today, page=1, per_page=50)
    assert review.id not in [row.id for row in overdue_reviews.items]
    signed_in(world["ce"]).get("/reviews?overdue=yes")
    # The consultation no longer applies: the decision waits no longer, its clock starts today.
    cancel_task(consult, "Test: the consultation no longer applies.")
    db.session.commit()
    db.session.refresh(decide)
    assert decide.waits_for_id is None
    assert decide.due_on > today and decide.next_escalation_on is not None


def test_a_task_for_a_person_no_longer_active_is_shown_to_administrators_and_moves_with_the_case(
    world, signed_in
):
    from webapp.cases.services import update_case
    from webapp.tasks.services import tasks_with_nobody

    case = make_case(area=world["north"])
    left = case.practice_manager
    left.active = False  # the Practice Manager has left; the case was not yet given to anyone else
    db.session.commit()
    review = record(signed_in(case.practitioner), case)
    offer = review.task(TaskKind.OFFER_EAP_REFERRAL)
    assert offer.assignee_id == left.id
    alerts = [n for n in db.session.execute(select(Notification)).scalars() if n.kind == "task_with_nobody"]
    assert {n.user_id for n in alerts} == {world["admin"].id}
    assert offer.id in [task.id for task in tasks_with_nobody()]
    page = signed_in(world["admin"]).get("/admin/tasks-with-nobody").text()
    assert f"{left.name} (account no longer active)" in page and case.case_number not in page
    # The case is given to a new Practice Manager: the open tasks move to them, and they are told.
    successor = make_user(roles=Role.PRACTICE_MANAGER, area=world["north"])
    update_case(case, {"practice_manager_id": successor.id}, expected_version=case.version)
    db.session.refresh(offer)
    assert offer.assignee_id == successor.id
    assert offer.id not in [task.id for task in tasks_with_nobody()]
    told = [n for n in db.session.execute(select(Notification)).scalars() if n.user_id == successor.id]
    assert told and all(n.kind == "task_assigned" for n in told)
    done = [t for t in review.tasks if t.assignee_id == successor.id]
    assert len(told) == len(done) >= 2  # every open task of the Practice Manager's, each told once
