"""A learning briefing in the browser, with axe-core on every page it adds: from an agreed report's
learning point the PDT writes a briefing (refused once for the child's name), sends it to the
practitioners of another area; one of them finds it on their home page, reads and acknowledges it,
and the PDT sees the acknowledgement. On SQLite only: it exercises pages, not the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import error_summary, expect_page, group, sign_in, sign_out, squash
from tests.clock import london_today
from tests.database import TEST_DATABASE_URL
from tests.factories import make_area, make_user
from tests.learning.helpers import agreed_review
from webapp.extensions import db
from webapp.models import Child, LearningPoint, Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(TEST_DATABASE_URL.startswith("postgresql"), reason="the journey runs once, on SQLite"),
]


def test_from_a_learning_point_to_a_briefing_acknowledged_in_another_area(page, axe_check, app):
    north, south = make_area(name="North"), make_area(name="South")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dafydd Deputy", manager=ce)
    pm = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Mared Manager", manager=dce)
    people = {
        "north": north,
        "ce": ce,
        "dce": dce,
        "pm": pm,
        "practitioner": make_user(roles=Role.PRACTITIONER, area=north, name="Owain Practitioner", manager=pm),
        "reviewer": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="South Reviewer"),
    }
    pdt = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, name="Huw Development", email="pdt@example.org")
    reader = make_user(
        roles=Role.PRACTITIONER,
        area=south,
        name="Ffion South",
        email="ffion@example.org",
        manager=make_user(roles=Role.PRACTICE_MANAGER, area=south),
    )
    review = agreed_review(people, occurred_on=london_today() - timedelta(days=40))
    review.case.children.append(Child(name="Gwenllian Morgan", date_of_birth=date(2018, 5, 1)))
    point = LearningPoint(
        review_id=review.id, position=1, text="The adults living in the home were not all assessed."
    )
    db.session.add(point)
    db.session.commit()

    # The PDT opens the agreed report's learning point and writes a briefing from it.
    sign_in(page, pdt.email)
    page.goto(f"/reviews/{review.id}/learning/points/{point.id}")
    expect_page(page, "Learning point 1")
    page.get_by_role("link", name="Write a learning briefing from this review").click()
    expect_page(page, "Write a learning briefing")
    axe_check(page)
    expect(page.get_by_role("checkbox", name=f"Case {review.case.case_number}")).to_be_checked()
    page.get_by_label("Title").fill("Who lives in the home")
    page.get_by_label("The briefing").fill(
        "Gwenllian was harmed by an adult nobody had assessed. Ask who lives in the home."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect_page(page, "Write a learning briefing", error=True)
    [message] = error_summary(page)
    assert "“Gwenllian”" in message
    axe_check(page)
    page.get_by_label("The briefing").fill(
        "A child was harmed by an adult nobody had assessed. Ask who lives in the home."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect_page(page, "Who lives in the home")
    assert "Draft learning briefing: preview" in squash(page.locator("main").inner_text())
    axe_check(page)

    # Sent to the practitioners of the South.
    page.get_by_role("link", name="Choose who to send it to").click()
    expect_page(page, "Send the briefing")
    axe_check(page)
    group(page, "Roles").get_by_label("Practitioner", exact=True).check()
    group(page, "Areas").get_by_label("South", exact=True).check()
    page.get_by_role("button", name="Send the briefing").click()
    expect_page(page, "Who lives in the home")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Briefing sent to 1 person.")
    axe_check(page)
    sign_out(page)

    # The practitioner in the South finds it on their home page, reads and acknowledges it.
    sign_in(page, reader.email)
    page.goto("/home")
    briefing_link = page.locator("#learning-briefings").get_by_role("link", name="Who lives in the home")
    expect(page.locator("#learning-briefings")).to_contain_text("Unread")
    axe_check(page)
    briefing_link.click()
    expect_page(page, "Who lives in the home")
    assert page.locator("#sources").count() == 0
    axe_check(page)
    page.get_by_role("button", name="I have read and understood this briefing").click()
    expect(page.locator("#acknowledged")).to_contain_text("You acknowledged this briefing")
    axe_check(page)
    sign_out(page)

    # The PDT sees the acknowledgement.
    sign_in(page, pdt.email)
    page.goto("/briefings")
    expect_page(page, "Learning briefings")
    axe_check(page)
    page.get_by_role("link", name="Who lives in the home").click()
    expect(page.locator("#recipient-list")).to_contain_text("Ffion South")
    assert "1 of 1 acknowledged; 1 read." in squash(page.locator("main").inner_text())
    axe_check(page)
