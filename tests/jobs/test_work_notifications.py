"""Every new task tells whoever can act on it, every stage change tells the people taking part, and
each person gets one email per relay cycle (real SMTP server), or one a day if they chose that.

The expectations below restate the contract independently of webapp/reviews/lifecycle.py and
webapp/reviews/participants.py: who holds each kind of task, who takes part at each stage.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from jobs import relay
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import (
    Notification,
    NotificationStatus,
    ProceedingsStatus,
    Review,
    ReviewState,
    Role,
    TaskKind,
    User,
)
from webapp.notifications.combining import next_summary
from webapp.notifications.services import notify
from webapp.reviews import services as reviews
from webapp.reviews.lifecycle import TRANSITIONS
from webapp.tasks import services as tasks


@dataclass
class Cast:
    review: Review
    people: dict[str, User]

    def ids(self, *names: str) -> set[int]:
        return {self.people[name].id for name in names}


@pytest.fixture
def cast(app) -> Cast:
    north, south = make_area(name="North"), make_area(name="South")
    people = {
        "practitioner": make_user(roles=Role.PRACTITIONER, area=north, email="practitioner@example.org"),
        "pm": make_user(roles=Role.PRACTICE_MANAGER, area=north, email="pm@example.org"),
        "ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, email="ahoo@example.org"),
        "other_ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=south, email="ahoo2@example.org"),
        "hoo": make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, email="hoo@example.org"),
        "reviewer": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, email="reviewer@example.org"),
        "ce": make_user(roles=Role.CHIEF_EXECUTIVE, email="ce@example.org"),
        "dce": make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, email="dce@example.org"),
        "pdt": make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, email="pdt@example.org"),
        "slt": make_user(roles=Role.SENIOR_LEADERSHIP_TEAM, email="slt@example.org"),
        "owner": make_user(roles=Role.PRACTICE_MANAGER, area=south, email="owner@example.org"),
    }
    make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, email="gone@example.org", active=False)
    case = make_case(
        area=north,
        practitioner=people["practitioner"],
        practice_manager=people["pm"],
        proceedings_status=ProceedingsStatus.CLOSED,
    )
    review = reviews.open_review(make_incident(case=case), actor=people["pm"])
    db.session.commit()
    return Cast(review, people)


def clear_outbox() -> None:
    db.session.execute(delete(Notification))
    db.session.commit()


def in_app(kind: str | None = None) -> Counter[int]:
    """How many notifications each person has (of ``kind``)."""
    query = select(Notification.user_id)
    if kind:
        query = query.where(Notification.kind == kind)
    return Counter(db.session.execute(query).scalars())


def emailed(smtp_server) -> Counter[str]:
    return Counter(message["To"] for message in smtp_server.messages)


def addresses(cast: Cast, *names: str) -> Counter[str]:
    return Counter(cast.people[name].email for name in names)


# Who can act on each kind of task, restated: a new kind must be added here.
HOLDERS = {
    TaskKind.ACKNOWLEDGE_INCIDENT: ("ahoo",),
    TaskKind.CONSULT_AREA_HEAD: ("ahoo",),
    TaskKind.RAPID_REVIEW: ("ahoo",),
    TaskKind.DECIDE: ("ce", "dce"),
    TaskKind.CONFIRM_OUTSIDE_PROCEDURE: ("ce", "dce"),
    TaskKind.INFORM_PRACTITIONER_AND_PM: ("ahoo",),
    TaskKind.OFFER_EAP_REFERRAL: ("pm",),
    TaskKind.ARRANGE_SUPPORT_MEETINGS: ("pm",),
    TaskKind.AGREE_SUPPORT_NEEDS: ("pm",),
    TaskKind.FOLLOW_UP_EAP_REFERRAL: ("pm",),
    TaskKind.CONFIRM_SUPPORT_NEEDS: ("practitioner",),  # the needs their PM agreed with them
    TaskKind.ALLOCATE_REVIEWER: ("ce", "dce"),
    TaskKind.GATHER_INFORMATION: ("reviewer",),
    TaskKind.DRAFT_REPORT: ("reviewer",),
    TaskKind.CHECK_REPORT_ACCURACY: ("owner",),  # the party named when the report is shared
    TaskKind.RESOLVE_CONCERN: ("reviewer",),
    TaskKind.DECIDE_DISPUTE: ("dce",),
    TaskKind.CONFIRM_CONCERN_RESOLVED: ("owner",),  # the party who raised the concern
    TaskKind.REVISE_REPORT: ("reviewer",),  # the report's author
    TaskKind.FOLLOW_GRIEVANCE: ("dce",),
    TaskKind.SHARE_WITH_EXTERNAL_REVIEW: ("ce", "dce"),
    TaskKind.DISCUSS_AT_SLT: ("ce", "dce"),
    TaskKind.AGREE_ACTION_PLAN: ("pdt",),
    TaskKind.COMPLETE_ACTION: ("owner",),  # the action's owner
    TaskKind.REVIEW_ACTION_PLAN_PROGRESS: ("pdt",),
    TaskKind.ANSWER_INFORMATION_REQUEST: ("ahoo",),  # the case's AHoO answers the SUSR's request
}


def test_every_task_kind_has_its_holders_restated():
    assert set(HOLDERS) == set(TaskKind)


@pytest.mark.parametrize("kind", list(TaskKind), ids=lambda kind: kind.value)
def test_a_new_task_tells_everyone_who_can_act_once_in_the_app_and_in_one_email(cast, smtp_server, kind):
    review = cast.review
    review.reviewer_id = cast.people["reviewer"].id
    db.session.commit()
    clear_outbox()
    task = tasks.add_task(
        review,
        kind,
        assignee_id=cast.people["owner"].id,
        due_on=london_today() + timedelta(days=10),
    )
    db.session.commit()
    expected = cast.ids(*HOLDERS[kind])
    counts = in_app()
    assert counts == Counter(dict.fromkeys(expected, 1))  # nobody else; the inactive AHoO neither
    for note in db.session.execute(select(Notification)).scalars():
        assert note.link_path == f"/tasks/{task.id}" and review.case.case_number in note.detail
    relay.run()
    assert emailed(smtp_server) == addresses(cast, *HOLDERS[kind])
    for text in smtp_server.texts():
        assert review.case.case_number not in text  # never case data in an email


# The stage changes, restated: who takes part once the review has moved to each state.
PLAN_STATES = {ReviewState.AGREED, ReviewState.ACTION_PLANNING, ReviewState.MONITORING, ReviewState.CLOSED}
MOVES = [(before, action) for before, action in TRANSITIONS if before is not None]


def taking_part_after(state: ReviewState) -> set[str]:
    # The case's AHoO, the CE who decided, the reviewer, the HoO named on an accuracy task, the
    # practitioner (the AHoO has told them: fixture) and the PM, whose support tasks start with the
    # notification of an incident within the procedure (issue 9, point 7), as the fixture's is.
    people = {"ahoo", "ce", "reviewer", "hoo", "practitioner", "pm"}
    if state in PLAN_STATES:
        people.add("pdt")  # the learning, then the action plan
    return people


@pytest.fixture
def under_way(cast) -> Cast:
    """The review with a decision-maker, a reviewer, the AHoO's telling of the practitioner done and
    an accuracy task for the area's HoO: everyone who can take part does."""
    review = cast.review
    review.decided_by_id = cast.people["ce"].id
    review.reviewer_id = cast.people["reviewer"].id
    inform = tasks.add_task(review, TaskKind.INFORM_PRACTITIONER_AND_PM)
    tasks.add_task(review, TaskKind.CHECK_REPORT_ACCURACY, assignee_id=cast.people["hoo"].id)
    db.session.flush()
    tasks.close_task(inform, cast.people["ahoo"], {})
    db.session.commit()
    clear_outbox()
    return cast


@pytest.mark.parametrize("move", MOVES, ids=lambda move: f"{move[0].value}-{move[1]}")
def test_a_stage_change_tells_the_people_taking_part_once(under_way, smtp_server, move):
    before, action = move
    review = under_way.review
    review.state = before
    db.session.commit()
    reviews.transition(review, action, actor=under_way.people["slt"])  # someone not taking part
    db.session.commit()
    names = taking_part_after(TRANSITIONS[move].to)
    assert in_app("review_stage_changed") == Counter(dict.fromkeys(under_way.ids(*names), 1))
    relay.run()
    assert emailed(smtp_server) == addresses(under_way, *names)


def test_whoever_made_the_change_is_not_told_of_it(under_way):
    review = under_way.review
    review.state = ReviewState.IN_REVIEW
    db.session.commit()
    reviews.transition(review, "share_report", actor=under_way.people["reviewer"])
    db.session.commit()
    told = in_app("review_stage_changed")
    assert under_way.people["reviewer"].id not in told and under_way.people["ahoo"].id in told


def test_the_practitioner_hears_of_no_stage_before_the_area_head_has_told_them(cast):
    """Even when a task already names them (the support needs their PM recorded), the practitioner
    is told of stage changes only once the AHoO's "inform" task is done."""
    review = cast.review
    tasks.add_task(review, TaskKind.CONFIRM_SUPPORT_NEEDS)
    db.session.commit()
    clear_outbox()
    reviews.decide(review, initiate=True, rationale="Learning is likely.", actor=cast.people["ce"])
    db.session.commit()
    told = in_app("review_stage_changed")
    assert cast.people["practitioner"].id not in told and cast.people["pm"].id in told
    tasks.close_task(review.task(TaskKind.INFORM_PRACTITIONER_AND_PM), cast.people["ahoo"], {})
    clear_outbox()
    reviews.transition(review, "allocate_reviewer", actor=cast.people["ce"])
    db.session.commit()
    assert cast.people["practitioner"].id in in_app("review_stage_changed")


def test_the_pm_of_an_incident_outside_the_procedure_hears_of_no_decision_not_to_review(app):
    """Outside the procedure no support starts at the notification: the PM holds no task and is not
    taking part when the CE confirms there is no review."""
    area = make_area(name="West")
    pm = make_user(roles=Role.PRACTICE_MANAGER, area=area)
    ahoo = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area)
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    case = make_case(area=area, practice_manager=pm, proceedings_status=ProceedingsStatus.CLOSED)
    review = reviews.open_review(make_incident(case=case, linked=False), actor=ahoo)
    db.session.commit()
    assert review.state == ReviewState.OUTSIDE_PROCEDURE
    clear_outbox()
    reviews.decide(review, initiate=False, rationale="No learning here.", actor=ce)
    db.session.commit()
    told = in_app("review_stage_changed")
    assert pm.id not in told and ahoo.id in told


def test_the_incident_and_decision_in_one_cycle_tell_each_person_in_one_email_with_what_waits(
    cast, smtp_server
):
    """Recorded and initiated within one relay cycle. The AHoO: the incident (their acknowledgement),
    the informing task (both at the notification) and the stage change. The PM: three support tasks
    at the notification and the stage change. The CE and DCE: the decision task, then the allocation
    task; the CE is not told of their own decision, the DCE does not take part. Each one email."""
    reviews.decide(cast.review, initiate=True, rationale="Learning is likely.", actor=cast.people["ce"])
    db.session.commit()
    counts = in_app()
    assert counts[cast.people["ahoo"].id] == 3
    assert counts[cast.people["pm"].id] == 4
    assert counts[cast.people["ce"].id] == counts[cast.people["dce"].id] == 2
    assert cast.people["practitioner"].id not in counts  # the AHoO tells them first
    assert relay.run()["sent"] == 4
    assert emailed(smtp_server) == addresses(cast, "ahoo", "pm", "ce", "dce")
    subjects = {message["To"]: message["Subject"] for message in smtp_server.messages}
    assert subjects["pm@example.org"] == "You have 4 items waiting in the case review manager"
    assert subjects["ce@example.org"] == "You have 2 new tasks"
    [pm_text] = [text for text in smtp_server.texts() if "pm@example.org" in text]
    assert "3 new tasks" in pm_text and "1 update on a review you take part in" in pm_text


def test_notifications_in_one_cycle_become_one_email_and_later_ones_another(app, smtp_server):
    person = make_user(email="busy@example.org")
    for n in range(3):
        notify(person, "task_assigned", link_path=f"/tasks/{n}", detail="x", dedupe_key=f"combine:{n}")
    db.session.commit()
    assert relay.run()["sent"] == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "You have 3 new tasks"
    statuses = Counter(n.status for n in db.session.execute(select(Notification)).scalars())
    assert statuses == {NotificationStatus.SENT: 1, NotificationStatus.COMBINED: 2}
    assert relay.run()["claimed"] == 0  # nothing twice
    notify(person, "task_assigned", link_path="/tasks/9", detail="x", dedupe_key="combine:later")
    db.session.commit()
    relay.run()
    assert [m["Subject"] for m in smtp_server.messages] == [
        "You have 3 new tasks",
        "You have a new case review task",
    ]


def test_security_notices_and_meeting_invitations_are_never_folded_into_another_email(app, smtp_server):
    person = make_user(email="alert@example.org")
    notify(person, "task_assigned", link_path="/tasks/1", detail="x", dedupe_key="a")
    notify(person, "task_assigned", link_path="/tasks/2", detail="x", dedupe_key="b")
    notify(person, "account_password_changed", link_path="/account", detail="x", dedupe_key="c")
    notify(
        person,
        "support_meeting_prompt",
        link_path="/tasks/3",
        detail="x",
        dedupe_key="d",
        meeting_starts_at=datetime.now(UTC) + timedelta(days=1),
    )
    db.session.commit()
    assert relay.run()["sent"] == 3
    assert sorted(m["Subject"] for m in smtp_server.messages) == [
        "You have 2 new tasks",
        "You have a support meeting coming up",
        "Your case review manager password has changed",
    ]


def test_a_failed_combined_email_is_retried_as_one(app, smtp_server):
    person = make_user(email="retry@example.org")
    for n in range(2):
        notify(person, "task_assigned", link_path=f"/tasks/{n}", detail="x", dedupe_key=f"r:{n}")
    db.session.commit()
    smtp_server.stop()
    start = datetime.now(UTC)
    assert relay.run(start)["pending"] == 1
    smtp_server.start()
    relay.run(start + timedelta(hours=1))
    assert [m["Subject"] for m in smtp_server.messages] == ["You have 2 new tasks"]


def test_a_daily_summary_person_gets_one_email_next_weekday_morning_and_in_app_at_once(
    app, signed_in, smtp_server
):
    person = make_user(email="daily@example.org")
    person.email_preference = "daily"
    db.session.commit()
    for n in range(4):
        notify(person, "task_assigned", link_path=f"/tasks/{n}", detail=f"Task {n}", dedupe_key=f"d:{n}")
    notify(person, "review_stage_changed", link_path="/reviews/1", detail="Moved", dedupe_key="d:stage")
    notify(person, "account_roles_changed", link_path="/account", detail="Roles", dedupe_key="d:roles")
    db.session.commit()
    assert "Task 3" in signed_in(person).get("/notifications").text()  # in the app at once
    relay.run()
    assert [m["Subject"] for m in smtp_server.messages] == [
        "Your access to the case review manager has changed"  # security notices do not wait
    ]
    morning = next_summary(datetime.now(UTC))
    assert relay.run(morning - timedelta(seconds=1))["claimed"] == 0
    relay.run(morning + timedelta(seconds=5))
    assert len(smtp_server.messages) == 2
    summary = smtp_server.messages[1]
    assert summary["Subject"] == "You have 5 items waiting in the case review manager"


def test_next_summary_is_seven_on_the_next_weekday_morning_in_london():
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    assert next_summary(friday_evening) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    early_tuesday = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert next_summary(early_tuesday) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)  # British Summer Time: 07:00 is 06:00 UTC
    assert next_summary(summer) == datetime(2026, 6, 11, 6, 0, tzinfo=UTC)


def test_choosing_the_daily_summary_on_the_account_page_holds_unsent_emails(app, signed_in, smtp_server):
    person = make_user(email="chooser@example.org")
    notify(person, "task_assigned", link_path="/tasks/1", detail="x", dedupe_key="c:1")
    db.session.commit()
    client = signed_in(person)
    page = client.get("/account/emails")
    assert page.h1 == "How you get emails"
    assert client.post("/account/emails", {"email_preference": "weekly"}).error_summary() == [
        "Select how you want to hear of new tasks and updates"
    ]
    db.session.refresh(person)
    assert person.email_preference == "each"
    client.post("/account/emails", {"email_preference": "daily"}, status=302)
    db.session.refresh(person)
    assert person.email_preference == "daily"
    assert "One summary email each weekday morning" in client.get("/account").text()
    assert relay.run()["claimed"] == 0  # the waiting email now waits for the summary
    from webapp.models import AuditEvent

    assert db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "user.email_preference_changed")
    ).scalar_one()
    client.post("/account/emails", {"email_preference": "each"}, status=302)
    assert relay.run()["sent"] == 1  # back to each: it goes now
