"""A Practice Manager records an incident on a neglect case, noting domestic abuse as known: the incident
page, the review page and the practitioner's home page show what an earlier review learned about that
combination, with why, and pass axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browser.helpers import banner, choose, expect_page, fill_date, group, sign_in, sign_out
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.extensions import db
from webapp.models import IncidentCause, LearningPoint, LearningTag, ReviewState, Role, utcnow
from webapp.models.briefings import Briefing, BriefingStatus
from webapp.reviews.services import open_review

pytestmark = pytest.mark.browser

WHY = "Shares Domestic abuse, Neglect, and the same cause: Neglect"


def tag(name: str) -> LearningTag:
    return db.session.execute(select(LearningTag).where(LearningTag.name == name)).scalar_one()


def test_recording_an_incident_shows_what_earlier_reviews_learned(page, axe_check):
    north = make_area(name="North")
    pm = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Morgan Manager")
    practitioner = make_user(roles=Role.PRACTITIONER, area=north, name="Owain Practitioner", manager=pm)
    earlier_case = make_case(area=north, practitioner=practitioner, practice_manager=pm)
    earlier = open_review(make_incident(case=earlier_case, cause=IncidentCause.NEGLECT), actor=pm)
    db.session.flush()
    earlier.state = ReviewState.CLOSED
    lesson = LearningPoint(review_id=earlier.id, position=1, text="See the child alone at every visit.")
    lesson.tags = [tag("Neglect"), tag("Domestic abuse")]
    author = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM)
    sent = Briefing(
        title="Neglect where there is domestic abuse",
        body="What three reviews learned.",
        status=BriefingStatus.SENT,
        written_by_id=author.id,
        sent_at=utcnow(),
        sent_by_id=author.id,
    )
    sent.tags = [tag("Domestic abuse")]
    db.session.add_all([lesson, sent])
    case = make_case(area=north, practitioner=practitioner, practice_manager=pm)
    db.session.commit()

    sign_in(page, pm.email)
    page.goto(f"/cases/{case.id}/incidents/new")
    expect_page(page, "Record an incident")
    choose(page, "What happened?", "Significant incident")
    choose(page, "What was the cause?", "Neglect")
    choose(page, "Who was affected?", "A child who is the subject of an application")
    occurred = london_today() - timedelta(days=3)
    fill_date(page, "Date of the incident", occurred)
    choose(page, "linked to previous family court involvement", "Yes")
    choose(page, "Single Unified Safeguarding Review", "No")
    choose(page, "Serious Case Review", "No")
    page.get_by_label("Summary of what is known").fill("Admitted to hospital.")
    page.get_by_label("Who told us").fill("Police")
    fill_date(page, "Date we were told", occurred)
    known = group(page, "Risk factors already known (optional)")
    known.get_by_label("Neglect", exact=True).check()
    known.get_by_label("Domestic abuse", exact=True).check()
    axe_check(page)
    page.get_by_role("button", name="Save incident").click()

    assert banner(page) == "Incident recorded."
    panel = page.locator(".app-past-learning")
    assert "What earlier reviews learned" in panel.inner_text()
    assert "See the child alone at every visit." in panel.inner_text()
    assert WHY in panel.inner_text()
    assert "Neglect where there is domestic abuse" in panel.inner_text()
    axe_check(page)

    page.get_by_role("link", name="See the review, its reasons and tasks").click()
    assert WHY in page.locator(".app-past-learning").inner_text()
    axe_check(page)
    sign_out(page)

    sign_in(page, practitioner.email)
    page.goto("/home")
    panel = page.locator(".app-past-learning")
    assert "What earlier reviews learned about your open reviews" in panel.inner_text()
    assert f"For the review of case {case.case_number}" in panel.inner_text()
    axe_check(page)
