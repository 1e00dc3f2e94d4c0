"""Pages that ask for a decision show what must be weighed: the incident's facts, the rules'
reasons, the Area Head's view, the rapid review's recommendation and the timeline link."""

from __future__ import annotations

from datetime import timedelta

from tests.accuracy.helpers import shared_review
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.formatting import format_date
from webapp.models import IncidentCause, IncidentKind, PersonAffected, ProceedingsStatus, Role, TaskKind
from webapp.reviews import services as reviews
from webapp.tasks import services as tasks


def facts_section(page) -> str:
    section = page.html.select_one("section.app-facts")
    assert section is not None, "the page has no facts section"
    return section.get_text(" ", strip=True)


def ongoing_review_with_susr():
    area = make_area(name="North")
    head = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, name="Nia Head")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief")
    case = make_case(area=area, proceedings_status=ProceedingsStatus.ONGOING)
    occurred = london_today() - timedelta(days=5)
    incident = make_incident(
        case=case,
        kind=IncidentKind.DEATH,
        cause=IncidentCause.NEGLECT,
        person_affected=PersonAffected.ADULT_PARTY,
        occurred_on=occurred,
        susr=True,
    )
    review = reviews.open_review(incident, actor=case.practice_manager)
    db.session.commit()
    return review, head, ce, occurred


def test_the_decision_page_shows_the_facts_view_and_recommendation(signed_in):
    review, head, ce, occurred = ongoing_review_with_susr()
    tasks.complete_task(
        review.task(TaskKind.CONSULT_AREA_HEAD), actor=head, outcome={"view": "A review should follow."}
    )
    tasks.complete_task(
        review.task(TaskKind.RAPID_REVIEW),
        actor=ce,
        outcome={"findings": "Missed chances to share information.", "full_review_recommended": True},
    )
    page = signed_in(ce).get(f"/reviews/{review.id}/decide")
    text = facts_section(page)
    for shown in (
        "Death",
        format_date(occurred),
        "Neglect",
        "An adult who is a party to the proceedings",
        "Proceedings Ongoing",
        "Single Unified Safeguarding Review (SUSR) known Yes",
        "A review should follow.",
        "Given by Nia Head",
        "Full internal case review recommended Yes",
        "Missed chances to share information.",
    ):
        assert shown in text, shown
    for reason in review.reasons:
        assert reason["text"] in text
    assert page.html.find("a", href=f"/reviews/{review.id}/chronology") is not None
    assert page.html.find("form", method="post") is not None


def test_facts_show_before_the_decision_can_be_made_and_on_the_consultation_page(signed_in):
    review, head, ce, _occurred = ongoing_review_with_susr()
    text = facts_section(signed_in(ce).get(f"/reviews/{review.id}/decide"))
    assert "The Area Head of Operations' view Not given yet." in text
    assert "Rapid review and timeline Not completed yet." in text
    consult = review.task(TaskKind.CONSULT_AREA_HEAD)
    text = facts_section(signed_in(head).get(f"/tasks/{consult.id}"))
    assert "Neglect" in text and "Proceedings Ongoing" in text


def test_closed_cases_say_no_consultation_is_needed_and_accuracy_pages_carry_the_facts(signed_in):
    shared = shared_review()
    page = signed_in(shared.manager).get(f"/reviews/{shared.review.id}/accuracy/practice_manager")
    text = facts_section(page)
    assert "Not needed: the proceedings are closed" in text
    assert "Violence" in text
