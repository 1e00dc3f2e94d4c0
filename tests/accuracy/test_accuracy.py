"""Accuracy responses: the three parties asked, agreeing, raising a concern, and who may answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import rules
from tests.accuracy.helpers import shared_review
from tests.factories import make_area, make_case, make_user
from webapp.accuracy import agreement, services
from webapp.conduct import report
from webapp.extensions import db
from webapp.models import (
    AccuracyResponse,
    AuditEvent,
    Dispute,
    ReviewState,
    Role,
    TaskKind,
    TaskStatus,
    utcnow,
)

PARTIES = ("practitioner", "practice_manager", "head_of_operations")


def url(shared, party: str) -> str:
    return f"/reviews/{shared.review.id}/accuracy/{party}"


def agree(signed_in, shared, party: str):
    return signed_in(shared.person(party)).post(url(shared, party), {"answer": "agree"}, status=302)


def concern(signed_in, shared, party: str, text: str = "The chronology misses a visit."):
    return signed_in(shared.person(party)).post(
        url(shared, party), {"answer": "concern", "concern": text}, status=302
    )


def actions(review) -> list[str]:
    db.session.refresh(review)
    return [t.action for t in review.transitions]


def tasks_of(review, kind: TaskKind):
    db.session.refresh(review)
    return [t for t in review.tasks if t.kind == kind]


@pytest.fixture
def shared(app):
    return shared_review()


def test_sharing_asks_each_party_with_a_deadline(shared, app):
    tasks = {t.party: t for t in tasks_of(shared.review, TaskKind.CHECK_REPORT_ACCURACY)}
    assert set(tasks) == set(PARTIES)
    for party, task in tasks.items():
        assert task.assignee_id == shared.person(party).id
        assert task.draft_id == shared.draft.id and task.outcome == {}
    policy = app.extensions["case_review_policy"]
    expected = rules.due_date(utcnow(), policy.timescale("accuracy_response"))
    assert {t.due_on for t in tasks.values()} == {expected}
    # Asking again asks nobody twice.
    services.request_responses(shared.review, shared.draft)
    db.session.commit()
    assert len(tasks_of(shared.review, TaskKind.CHECK_REPORT_ACCURACY)) == 3


def test_each_party_reads_the_report_and_its_deadline(shared, signed_in):
    page = signed_in(shared.practitioner).get(url(shared, "practitioner"))
    text = page.text()
    for words in (
        "Background history",
        "Two children",
        "Police report received.",
        "Identified risk",
        "3 February 2025",
        "Children",
        "4 March 2019",
        "Applications before the court",
        "Child arrangements order",
        "Learning points",
        "Update the risk assessment",
        "Transparency and Disputes",
    ):
        assert words in text, words
    task = agreement.accuracy_tasks(shared.review, shared.draft)["practitioner"]
    assert "Respond by" in text and f"{task.due_on.day} {task.due_on:%B %Y}" in text
    assert page.html.find("table", class_="govuk-table").find("caption")
    assert page.html.find("a", href=f"/reviews/{shared.review.id}")


def test_all_three_agree_and_the_report_is_agreed(shared, signed_in):
    for party in PARTIES:
        agree(signed_in, shared, party)
    review = shared.review
    assert actions(review)[-2:] == ["share_report", "all_agreed"]
    assert review.state == ReviewState.AGREED
    closed = tasks_of(review, TaskKind.CHECK_REPORT_ACCURACY)
    assert all(t.status == TaskStatus.DONE for t in closed)
    assert {t.party for t in closed} == set(PARTIES)
    assert all(t.outcome == {"agrees": True} for t in closed)
    # The agreed report is the version everyone agreed, marked so.
    db.session.refresh(shared.draft)
    assert shared.draft.agreed_at is not None and report.agreed_draft(review).id == shared.draft.id
    # on_report_agreed: the SLT discussion follows.
    assert tasks_of(review, TaskKind.DISCUSS_AT_SLT)
    responses = db.session.execute(select(AccuracyResponse)).scalars().all()
    assert {(r.party, r.user_id, r.agrees, r.concern) for r in responses} == {
        (p, shared.person(p).id, True, None) for p in PARTIES
    }


def test_two_agreements_are_not_enough(shared, signed_in):
    agree(signed_in, shared, "practitioner")
    agree(signed_in, shared, "practice_manager")
    db.session.refresh(shared.review)
    assert shared.review.state == ReviewState.ACCURACY_CHECK
    assert not tasks_of(shared.review, TaskKind.DISCUSS_AT_SLT)


def test_a_concern_must_be_written(shared, signed_in):
    client = signed_in(shared.manager)
    page = client.post(url(shared, "practice_manager"), {"answer": "concern", "concern": "   "})
    assert page.error_summary() == ["Enter your concern about the report"]
    page = client.post(url(shared, "practice_manager"), {})
    assert page.error_summary() == [
        "Select whether you agree the report is accurate or want to raise a concern"
    ]
    assert db.session.scalar(select(func.count(AccuracyResponse.id))) == 0
    db.session.refresh(shared.review)
    assert shared.review.state == ReviewState.ACCURACY_CHECK
    assert all(t.is_open for t in tasks_of(shared.review, TaskKind.CHECK_REPORT_ACCURACY))


def test_a_concern_typed_while_agreeing_is_not_dropped_unseen(shared, signed_in):
    page = signed_in(shared.manager).post(
        url(shared, "practice_manager"), {"answer": "agree", "concern": "second thoughts"}
    )
    assert page.error_summary() == ["You chose to agree: delete your concern, or choose to raise a concern"]
    assert db.session.scalar(select(func.count(AccuracyResponse.id))) == 0


def test_a_second_response_is_refused(shared, signed_in):
    client = signed_in(shared.practitioner)
    client.post(url(shared, "practitioner"), {"answer": "agree"}, status=302)
    page = client.post(
        url(shared, "practitioner"), {"answer": "concern", "concern": "Changed my mind."}, follow=True
    )
    assert "You have already responded to this report" in page.text()
    response = db.session.execute(select(AccuracyResponse)).scalar_one()
    assert response.agrees and db.session.scalar(select(func.count(Dispute.id))) == 0
    # The page now shows the response, and no form.
    page = client.get(url(shared, "practitioner"))
    assert "You agreed the report is accurate" in page.text() and not page.html.select(
        "form[method=post] textarea"
    )
    # The service refuses too, whatever the page does.
    with pytest.raises(agreement.AlreadyResponded):
        services.respond(shared.review, "practitioner", actor=shared.practitioner, agrees=True, concern=None)


def test_only_the_person_the_task_is_for_may_respond(shared, signed_in):
    # The Practice Manager cannot answer for the practitioner; nor the reviewer, nor the CE.
    for person in (shared.manager, shared.reviewer, shared.ce):
        signed_in(person).post(url(shared, "practitioner"), {"answer": "agree"}, status=403)
        signed_in(person).get(url(shared, "practitioner"), status=403)
    # Someone who cannot see the case gets the same answer as for a review that does not exist.
    stranger = make_user(roles=Role.PRACTITIONER, area=make_area())
    signed_in(stranger).post(url(shared, "practitioner"), {"answer": "agree"}, status=404)
    signed_in(stranger).get(f"/reviews/{shared.review.id}/accuracy", status=404)
    signed_in(shared.practitioner).get("/reviews/999999/accuracy/practitioner", status=404)
    assert db.session.scalar(select(func.count(AccuracyResponse.id))) == 0
    with pytest.raises(agreement.NotYours):
        services.respond(shared.review, "practitioner", actor=shared.manager, agrees=True, concern=None)


def test_responses_are_refused_before_sharing_and_after_agreement(app, signed_in):
    shared = shared_review()
    for party in PARTIES:
        agree(signed_in, shared, party)
    # A party with a fresh task (asked late) cannot answer once the report is agreed.
    with pytest.raises(agreement.AccuracyRefused):
        services.request_missing(shared.review, actor=shared.ce)
    area = make_area()
    case = make_case(area=area)
    from tests.factories import make_incident
    from webapp.reviews.services import open_review

    review = open_review(make_incident(case=case), actor=case.practice_manager)
    db.session.commit()
    signed_in(case.practitioner).get(f"/reviews/{review.id}/accuracy/practitioner", status=404)
    assert "has not been shared" in signed_in(case.practitioner).get(f"/reviews/{review.id}/accuracy").text()


def test_an_area_without_a_head_of_operations_is_shown_and_can_be_asked_later(app, signed_in):
    shared = shared_review(with_hoo=False)
    parties = {t.party for t in tasks_of(shared.review, TaskKind.CHECK_REPORT_ACCURACY)}
    assert parties == {"practitioner", "practice_manager"}
    ce = signed_in(shared.ce)
    assert (
        "Nobody could be asked for: Head of Operations of the case's area"
        in ce.get(f"/reviews/{shared.review.id}/accuracy").text()
    )
    page = ce.post(f"/reviews/{shared.review.id}/accuracy/ask-missing", {}, follow=True)
    assert "There is still nobody to ask for" in page.text()
    hoo = make_user(roles=Role.HEAD_OF_OPERATIONS, area=shared.review.case.area)
    page = ce.post(f"/reviews/{shared.review.id}/accuracy/ask-missing", {}, follow=True)
    assert "Everyone has now been asked" in page.text()
    [task] = [t for t in tasks_of(shared.review, TaskKind.CHECK_REPORT_ACCURACY) if t.assignee_id == hoo.id]
    assert (task.party, task.draft_id) == ("head_of_operations", shared.draft.id)
    signed_in(shared.practitioner).post(f"/reviews/{shared.review.id}/accuracy/ask-missing", {}, status=403)


def test_task_pages_lead_to_the_accuracy_pages(shared, signed_in):
    task = next(
        t for t in tasks_of(shared.review, TaskKind.CHECK_REPORT_ACCURACY) if t.party == "practice_manager"
    )
    response = signed_in(shared.manager).client.get(f"/tasks/{task.id}")
    assert response.status_code == 302 and response.location.endswith(url(shared, "practice_manager"))
    assert (
        "Check the review report (version 1) for accuracy" in signed_in(shared.manager).get("/tasks").text()
    )


def test_responses_and_views_are_audited(shared, signed_in):
    signed_in(shared.practitioner).get(url(shared, "practitioner"))
    agree(signed_in, shared, "practitioner")
    concern(signed_in, shared, "practice_manager")
    events = db.session.execute(
        select(AuditEvent.event_type, AuditEvent.record_id, AuditEvent.changed_fields).where(
            AuditEvent.case_id == shared.review.case_id
        )
    ).all()
    types = [e.event_type for e in events]
    assert types.count("accuracy.responded") == 2
    assert ("report.viewed", shared.draft.id, []) in [tuple(e) for e in events]
    assert types.count("review.transition") == 5  # opened, initiated, allocated, shared, concern raised


def test_review_page_panel_shows_where_the_check_has_got_to(shared, signed_in):
    agree(signed_in, shared, "practitioner")
    concern(signed_in, shared, "practice_manager")
    page = signed_in(shared.hoo).get(f"/reviews/{shared.review.id}")
    text = page.text()
    assert "Accuracy of the report" in text and "1 of 3 agreed; 1 concern raised, 1 still open" in text
    assert "Concern from the Practice Manager: with the report author, due" in text
    assert page.html.find("a", href=f"/reviews/{shared.review.id}/accuracy/head_of_operations")
    overview = signed_in(shared.hoo).get(f"/reviews/{shared.review.id}/accuracy").text()
    assert "The chronology misses a visit." in overview and "Awaiting response" in overview
