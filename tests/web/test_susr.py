"""Our part in a Single Unified Safeguarding Review (or an SCR/CSPR): the record from the outset or
recorded later, each step with its date checks, information requests whose deadlines climb the
escalation ladder, who may record (and see) it, the disclosure log's link, the History, in Welsh."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from jobs import sweep
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user, welsh
from tests.language import english_left
from webapp.extensions import db
from webapp.models import (
    AuditEvent,
    ExternalReview,
    ExternalReviewKind,
    InformationRequest,
    ReportDraft,
    Review,
    Role,
    Task,
    TaskEscalation,
    TaskKind,
    TaskStatus,
    utcnow,
)
from webapp.reviews.services import open_review


def d(value: date) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


@pytest.fixture
def world(app):
    north, south = make_area(name="North"), make_area(name="South")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dafydd Deputy")
    boss = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Line Manager", manager=dce)
    return {
        "north": north,
        "south": south,
        "ce": make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief"),
        "dce": dce,
        "ahoo": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Area Head", manager=boss),
        "ahoo_south": make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=south, name="Siôn South"),
        "pdt": make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Pat Development"),
    }


def new_review(world, *, susr: bool = False, scr: bool = False, occurred_on: date | None = None) -> Review:
    case = make_case(area=world["north"])
    incident = make_incident(case=case, susr=susr, scr=scr, occurred_on=occurred_on)
    review = open_review(incident, actor=case.practice_manager)
    db.session.commit()
    return review


def participation(review: Review) -> ExternalReview | None:
    db.session.expire_all()
    return db.session.execute(
        select(ExternalReview).where(ExternalReview.review_id == review.id)
    ).scalar_one_or_none()


def events(kind: str) -> list[AuditEvent]:
    return list(db.session.execute(select(AuditEvent).where(AuditEvent.event_type == kind)).scalars())


def base(review: Review) -> str:
    return f"/reviews/{review.id}/safeguarding-review"


# When it is known ---------------------------------------------------------------------------------


def test_a_susr_known_from_the_outset_has_its_record_from_the_start(world, signed_in):
    review = new_review(world, susr=True)
    assert review.follow_susr_process
    found = participation(review)
    assert found is not None and found.kind == ExternalReviewKind.SUSR and found.known_from_outset
    assert [e.record_id for e in events("external_review.opened")] == [found.id]
    page = signed_in(world["ahoo"]).get(f"/reviews/{review.id}")
    section = page.html.find(id="safeguarding-review")
    assert section is not None and "Safeguarding review (SUSR)" in section.get_text()
    assert "Known: nothing recorded yet" in page.text()
    assert page.html.find("a", href=base(review)) is not None


def test_an_scr_known_in_england_has_its_record_too_and_none_without_either(world):
    assert participation(new_review(world, scr=True)).kind == ExternalReviewKind.SCR_CSPR
    assert participation(new_review(world)) is None


def test_a_susr_known_later_is_recorded_on_the_review_page_by_the_ce(world, signed_in):
    review = new_review(world)
    ce = signed_in(world["ce"])
    page = ce.get(f"/reviews/{review.id}")
    assert page.html.find("a", href=f"{base(review)}/known") is not None
    page = ce.post(f"{base(review)}/known", {}, status=200)
    assert page.error_summary() == ["Select the safeguarding review that is now known"]
    assert participation(review) is None
    ce.post(f"{base(review)}/known", {"kind": "susr"}, status=302)
    found = participation(review)
    assert found.kind == ExternalReviewKind.SUSR and not found.known_from_outset
    history = ce.get(f"/reviews/{review.id}").text()
    assert "Safeguarding review recorded as known" in history
    # A second time corrects which kind it is: there is one record per review.
    ce.post(f"{base(review)}/known", {"kind": "scr_cspr"}, status=302)
    assert participation(review).kind == ExternalReviewKind.SCR_CSPR
    assert db.session.execute(select(ExternalReview)).scalars().all() == [participation(review)]
    assert "Which safeguarding review is known: corrected" in ce.get(f"/reviews/{review.id}").text()


# Who may see and record it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "view", "record"),
    [
        ("ce", 200, 200),
        ("dce", 200, 200),
        ("ahoo", 200, 200),
        ("pdt", 200, 403),
        ("practitioner", 200, 403),
        ("ahoo_south", 404, 404),  # outside their area: the review is not theirs to see
        ("reviewer_area_head", 200, 403),  # sees it as its reviewer, but is not of the case's area
    ],
)
def test_who_may_see_and_record(world, signed_in, who, view, record):
    review = new_review(world, susr=True)
    if who == "practitioner":
        person = review.case.practitioner
    elif who == "reviewer_area_head":
        person = make_user(
            roles={Role.AREA_HEAD_OF_OPERATIONS, Role.HEAD_OF_OPERATIONS}, area=world["south"], name="Rhys"
        )
        review.reviewer_id = person.id
        db.session.commit()
    else:
        person = world[who]
    client = signed_in(person)
    client.get(base(review), status=view)
    for step in ("referral", "decision", "chronology", "learning-event", "report", "requests/new"):
        client.get(f"{base(review)}/{step}", status=record)
    before = participation(review).referred_on
    client.post(
        f"{base(review)}/referral",
        {"board": "Board", "referred_on": d(london_today()), "referred_by": "us"},
        status=record if record != 200 else 302,
    )
    if record != 200:
        assert participation(review).referred_on == before


def test_a_review_without_a_record_has_no_step_pages(world, signed_in):
    review = new_review(world)
    signed_in(world["ce"]).get(f"{base(review)}/referral", status=404)


# Each step, with its date checks -----------------------------------------------------------------


def test_each_step_is_recorded_with_its_dates_checked(world, signed_in):
    incident_day = london_today() - timedelta(days=40)
    review = new_review(world, susr=True, occurred_on=incident_day)
    head = signed_in(world["ahoo"])
    url = base(review)
    future = d(london_today() + timedelta(days=1))
    before_incident = d(incident_day - timedelta(days=1))

    page = head.post(f"{url}/referral", {"board": "Cwm Taf", "referred_on": future, "referred_by": "us"})
    assert page.error_summary() == ["The date of the referral must be today or in the past"]
    page = head.post(
        f"{url}/referral", {"board": "Cwm Taf", "referred_on": before_incident, "referred_by": "us"}
    )
    assert page.error_summary() == ["The date of the referral must be on or after the date of the incident"]
    page = head.post(f"{url}/referral", {"board": "", "referred_on": d(incident_day), "referred_by": ""})
    assert page.error_summary() == [
        "Enter the name of the Regional Safeguarding Board",
        "Select who made the referral",
    ]
    assert participation(review).referred_on is None
    referred = incident_day + timedelta(days=2)
    head.post(
        f"{url}/referral",
        {
            "board": "Cwm Taf Morgannwg Safeguarding Board",
            "referred_on": d(referred),
            "referred_by": "other_agency",
            "referring_agency": "South Wales Police",
        },
        status=302,
    )

    # The decision cannot come before the referral (the service's check, shown as an error).
    page = head.post(
        f"{url}/decision", {"decided_on": d(referred - timedelta(days=1)), "decision": "held", "notes": ""}
    )
    assert page.error_summary() == ["The date of the decision must be on or after the date of the referral"]
    assert participation(review).decided_on is None
    head.post(
        f"{url}/decision",
        {"decided_on": d(referred + timedelta(days=5)), "decision": "held", "notes": "Threshold met."},
        status=302,
    )
    page = head.post(f"{url}/chronology", {"submitted_on": future})
    assert page.error_summary() == ["The date the chronology was submitted must be today or in the past"]
    head.post(f"{url}/chronology", {"submitted_on": d(referred + timedelta(days=10))}, status=302)
    practitioner = review.case.practitioner
    page = head.get(f"{url}/learning-event")
    assert practitioner.name in page.text()
    page = head.post(
        f"{url}/learning-event", {"held_on": d(london_today()), "attendees": [str(world["ce"].id + 999)]}
    )
    assert page.error_summary() == ["Select only the people shown"]
    head.post(
        f"{url}/learning-event",
        {"held_on": d(london_today()), "attendees": [str(practitioner.id), str(world["ahoo"].id)]},
        status=302,
    )
    head.post(f"{url}/report", {"received_on": d(london_today())}, status=302)

    found = participation(review)
    assert found.board == "Cwm Taf Morgannwg Safeguarding Board"
    assert found.referring_agency == "South Wales Police"
    assert found.decision.value == "held" and found.decision_notes == "Threshold met."
    assert {u.id for u in found.attendees} == {practitioner.id, world["ahoo"].id}
    assert found.report_received_on == london_today()
    updated = events("external_review.updated")
    assert sorted(e.changed_fields[0] for e in updated) == [
        "chronology",
        "decision",
        "learning_event",
        "referral",
        "report",
    ]
    page = head.get(url)
    assert "Report received" in page.html.find(id="safeguarding-stage").get_text()
    history = head.get(f"/reviews/{review.id}").text()
    for line in (
        "Referral to the Regional Safeguarding Board recorded",
        "Cwm Taf Morgannwg Safeguarding Board",
        "South Wales Police",
        "The case review group's decision recorded",
        "A review will be held",
        "Practitioners' learning event recorded",
        practitioner.name,
        "The safeguarding review's report recorded as received",
    ):
        assert line in history, line


# Information requests on the ladder ----------------------------------------------------------------


def request_task(request_id: int) -> Task:
    db.session.expire_all()
    return db.session.execute(select(Task).where(Task.information_request_id == request_id)).scalar_one()


def test_an_information_request_is_a_task_on_the_ladder_until_answered(world, signed_in):
    review = new_review(world, susr=True, occurred_on=date(2026, 12, 1))
    with time_machine.travel(datetime(2026, 12, 10, 10, tzinfo=UTC), tick=False):
        head = signed_in(world["ahoo"])
        url = base(review)
        page = head.post(
            f"{url}/requests/new",
            {
                "received_on": d(date(2026, 12, 10)),
                "requested_by": "Panel chair",
                "summary": "Our records of contact since 2024.",
                "deadline": d(date(2026, 12, 9)),
            },
        )
        assert page.error_summary() == ["The deadline must be on or after the date the request was received"]
        assert db.session.execute(select(InformationRequest)).first() is None
        head.post(
            f"{url}/requests/new",
            {
                "received_on": d(date(2026, 12, 10)),
                "requested_by": "Panel chair",
                "summary": "Our records of contact since 2024.",
                "deadline": d(date(2026, 12, 17)),
            },
            status=302,
        )
        request = db.session.execute(select(InformationRequest)).scalar_one()
        task = request_task(request.id)
        assert task.kind == TaskKind.ANSWER_INFORMATION_REQUEST and task.is_open
        assert task.due_on == date(2026, 12, 17)
        assert (task.assignee_pool, task.assignee_area_id) == ("area_heads", world["north"].id)
        mine = head.get("/tasks").text()
        assert (
            f"Answer the safeguarding review's information request about case {review.case.case_number}"
            in mine
        )
        # The task page is the request's answer page.
        response = head.client.get(f"/tasks/{task.id}")
        assert response.headers["Location"].endswith(f"{url}/requests/{request.id}/answer")

    # The sweep reminds on the deadline and escalates after the grace periods, like any task (the
    # review's other tasks are kept off the ladder here, so only this one climbs).
    for other in db.session.execute(select(Task).where(Task.id != task.id)).scalars():
        other.next_escalation_on = None
    db.session.commit()
    assert sweep.run(datetime(2026, 12, 16, 9, tzinfo=UTC))["steps_taken"] == 0
    assert sweep.run(datetime(2026, 12, 17, 9, tzinfo=UTC))["steps_taken"] == 1
    assert sweep.run(datetime(2026, 12, 22, 9, tzinfo=UTC))["steps_taken"] == 1
    steps = db.session.execute(
        select(TaskEscalation.step).where(TaskEscalation.task_id == task.id).order_by(TaskEscalation.id)
    ).scalars()
    assert list(steps) == ["reminder", "line_manager"]

    with time_machine.travel(datetime(2026, 12, 22, 11, tzinfo=UTC), tick=False):
        head = signed_in(world["ahoo"])
        page = head.post(f"{url}/requests/{request.id}/answer", {"answered_on": d(date(2026, 12, 23))})
        assert page.error_summary() == ["The date the answer was sent must be today or in the past"]
        assert request_task(request.id).is_open
        head.post(
            f"{url}/requests/{request.id}/answer",
            {"answered_on": d(date(2026, 12, 22)), "note": "Sent."},
            status=302,
        )
        task = request_task(request.id)
        assert task.status == TaskStatus.DONE and task.completed_by_id == world["ahoo"].id
        assert task.next_escalation_on is None
        assert [e.record_id for e in events("task.completed")] == [task.id]
        history = head.get(f"/reviews/{review.id}").text()
        assert "Information request answered" in history
        assert "Done: Answer an information request from the safeguarding review" in history
        # Answered: the page no longer offers an answer, and a second answer is refused.
        head.post(f"{url}/requests/{request.id}/answer", {"answered_on": d(date(2026, 12, 22))}, status=302)
    assert sweep.run(datetime(2027, 1, 5, 9, tzinfo=UTC))["steps_taken"] == 0


def test_cancelling_a_request_cancels_its_task_with_the_reason(world, signed_in):
    review = new_review(world, susr=True)
    ce = signed_in(world["ce"])
    url = base(review)
    ce.post(
        f"{url}/requests/new",
        {
            "received_on": d(london_today()),
            "requested_by": "Panel",
            "summary": "Supervision notes.",
            "deadline": d(london_today() + timedelta(days=7)),
        },
        status=302,
    )
    request = db.session.execute(select(InformationRequest)).scalar_one()
    page = ce.post(f"{url}/requests/{request.id}/cancel", {"reason": ""})
    assert page.error_summary() == ["Enter why the request is cancelled"]
    ce.post(f"{url}/requests/{request.id}/cancel", {"reason": "The panel withdrew it."}, status=302)
    task = request_task(request.id)
    assert task.status == TaskStatus.CANCELLED and task.cancel_reason == "The panel withdrew it."
    assert [e.record_id for e in events("task.cancelled")] == [task.id]
    assert "The panel withdrew it." in ce.get(f"/reviews/{review.id}").text()


def test_the_review_page_counts_the_requests_still_waiting_for_an_answer(world, signed_in):
    review = new_review(world, susr=True)
    ce = signed_in(world["ce"])
    url = base(review)
    for asked in ("Supervision notes.", "Contact records.", "The chronology."):
        ce.post(
            f"{url}/requests/new",
            {
                "received_on": d(london_today()),
                "requested_by": "Panel",
                "summary": asked,
                "deadline": d(london_today() + timedelta(days=7)),
            },
            status=302,
        )

    def waiting() -> str:
        section = ce.get(f"/reviews/{review.id}").html.find(id="safeguarding-review").find_next("p")
        return " ".join(section.get_text().split())

    assert "3 information requests waiting for an answer." in waiting()
    answered, cancelled, _open = db.session.execute(
        select(InformationRequest.id).order_by(InformationRequest.id)
    ).scalars()
    ce.post(f"{url}/requests/{answered}/answer", {"answered_on": d(london_today())}, status=302)
    ce.post(f"{url}/requests/{cancelled}/cancel", {"reason": "The panel withdrew it."}, status=302)
    assert "1 information request waiting for an answer." in waiting()


def test_a_request_of_another_review_is_not_found(world, signed_in):
    review, other = new_review(world, susr=True), new_review(world, susr=True)
    ce = signed_in(world["ce"])
    ce.post(
        f"{base(other)}/requests/new",
        {
            "received_on": d(london_today()),
            "requested_by": "Panel",
            "summary": "Notes.",
            "deadline": d(london_today()),
        },
        status=302,
    )
    request = db.session.execute(select(InformationRequest)).scalar_one()
    ce.get(f"{base(review)}/requests/{request.id}/answer", status=404)
    ce.get(f"{base(other)}/requests/{request.id}/answer", status=200)


# The disclosure log, in Welsh --------------------------------------------------------------------


def agreed_draft(review: Review, author) -> ReportDraft:
    draft = ReportDraft(
        review_id=review.id,
        version=1,
        sections={},
        created_by_id=author.id,
        shared_at=utcnow(),
        agreed_at=utcnow(),
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def test_the_disclosure_log_links_to_the_safeguarding_review(world, signed_in):
    from webapp.reviews.services import transition

    review = new_review(world, susr=True, occurred_on=london_today() - timedelta(days=30))
    review.state = review.state  # AWAITING_DECISION: taken to agreement below
    for action, actor in (("initiate", world["ce"]), ("allocate_reviewer", world["ce"])):
        transition(review, action, actor=actor)
    transition(review, "share_report", actor=world["ce"])
    transition(review, "all_agreed", actor=None)
    db.session.commit()
    draft = agreed_draft(review, world["ce"])
    ce = signed_in(world["ce"])
    form = ce.get(f"/reviews/{review.id}/disclosures/new")
    assert form.html.find("input", attrs={"name": "external_review", "value": "susr"}).has_attr("checked")
    ce.post(
        f"/reviews/{review.id}/disclosures/new",
        {
            "external_review": "susr",
            "draft_id": str(draft.id),
            "recipient": "SUSR panel chair",
            "shared_on": d(london_today()),
        },
        status=302,
    )
    page = ce.get(f"/reviews/{review.id}")
    log = page.html.find(id="disclosure-log").find_next("table")
    assert log.find("a", href=base(review)) is not None
    db.session.expire_all()
    from webapp.models import Disclosure

    assert db.session.execute(select(Disclosure.external_review_id)).scalar_one() == participation(review).id


def test_the_pages_are_in_welsh(world, signed_in):
    review = new_review(world, susr=True)
    ce = signed_in(welsh(world["ce"]))
    ce.post(
        f"{base(review)}/requests/new",
        {
            "received_on": d(london_today()),
            "requested_by": "Panel",
            "summary": "Notes.",
            "deadline": d(london_today() + timedelta(days=3)),
        },
        status=302,
    )
    ce.post(
        f"{base(review)}/referral",
        {"board": "Bwrdd", "referred_on": d(london_today()), "referred_by": "us"},
        status=302,
    )
    request = db.session.execute(select(InformationRequest)).scalar_one()
    for url in (
        base(review),
        f"{base(review)}/referral",
        f"{base(review)}/decision",
        f"{base(review)}/learning-event",
        f"{base(review)}/requests/new",
        f"{base(review)}/requests/{request.id}/answer",
        f"{base(review)}/requests/{request.id}/cancel",
        f"/reviews/{review.id}",
    ):
        page = ce.get(url)
        assert page.html.find("html")["lang"] == "cy", url
        assert english_left(page.response.get_data(as_text=True)) == [], url


# The demo --------------------------------------------------------------------------------------


def test_the_demo_has_a_review_following_a_susr_with_every_step(app):
    from tests.conftest import sign_in
    from webapp import demo
    from webapp.models import ActionPlanItem, User

    assert demo.seed()
    found = db.session.execute(
        select(ExternalReview).where(ExternalReview.report_received_on.is_not(None))
    ).scalar_one()
    assert found.known_from_outset and found.referred_on and found.decided_on
    assert found.chronology_submitted_on and found.learning_event_on and len(found.attendees) == 3
    requests = (
        db.session.execute(
            select(InformationRequest).where(InformationRequest.external_review_id == found.id)
        )
        .scalars()
        .all()
    )
    assert sorted(r.answered_on is None for r in requests) == [False, True]
    tasks = {r.id: request_task(r.id) for r in requests}
    assert sorted(t.status.value for t in tasks.values()) == ["done", "open"]
    actions = (
        db.session.execute(select(ActionPlanItem).where(ActionPlanItem.external_review_id == found.id))
        .scalars()
        .all()
    )
    assert len(actions) == 2 and all(a.task_id for a in actions)
    head = db.session.execute(select(User).where(User.email == demo.demo_email("ahoo.north"))).scalar_one()
    client = app.test_client()
    assert sign_in(client, head.email, demo.DEMO_PASSWORD).status_code == 302
    page = client.get(f"/reviews/{found.review_id}/safeguarding-review").get_data(as_text=True)
    assert "Report received" in page and "Supervision records" in page


def test_its_actions_for_us_go_into_the_action_plan_marked_so(world, signed_in):
    from webapp.models import ActionPlanItem
    from webapp.reviews.services import transition

    review = new_review(world, susr=True, occurred_on=london_today() - timedelta(days=30))
    for action in ("initiate", "allocate_reviewer", "share_report", "all_agreed", "slt_discussed"):
        transition(review, action, actor=world["ce"])
    db.session.commit()
    ce = signed_in(world["ce"])
    url = base(review)
    action = {"action": "Share the findings.", "owner_id": str(world["ahoo"].id), "due_on": d(london_today())}
    page = ce.post(f"{url}/actions/new", action)
    assert page.error_summary() == ["Record the date the report was received before adding its actions"]
    ce.post(f"{url}/report", {"received_on": d(london_today())}, status=302)
    ce.post(f"{url}/actions/new", action, status=302)
    item = db.session.execute(select(ActionPlanItem)).scalar_one()
    assert item.external_review_id == participation(review).id and item.task_id is not None
    assert "Share the findings." in ce.get(url).text()
    plan = ce.get(f"/reviews/{review.id}/learning")
    assert "From the safeguarding review" in plan.text()
