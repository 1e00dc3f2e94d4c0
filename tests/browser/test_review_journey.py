"""From incident to allocated reviewer in the browser: an incident opens a review, the AHoO is
consulted, the CE decides, the Practice Manager arranges support and the CE allocates an
independent reviewer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import choose, expect_page, fill_date, sign_in, sign_out, squash
from tests.clock import london_today
from tests.factories import make_area, make_case, make_user
from webapp.models import Role

pytestmark = pytest.mark.browser


def open_task(page, name: str, heading: str | None = None) -> None:
    page.get_by_role("link", name="My tasks").click()
    expect_page(page, "My tasks")
    page.get_by_role("link", name=name).first.click()
    expect_page(page, heading or re.compile("^" + re.escape(name)))


def test_incident_to_decision_to_support(page, axe_check):
    north, south = make_area(name="North"), make_area(name="South")
    head = make_user(
        roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Head", email="head@example.org"
    )
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief", email="ce@example.org")
    make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, name="Same Area Reviewer")
    make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="Independent Reviewer")
    manager = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Mared Manager", email="pm@example.org")
    case = make_case(area=north, practice_manager=manager)

    # The practice manager records an incident during ongoing proceedings.
    sign_in(page, manager.email)
    page.goto(f"/cases/{case.id}/incidents/new")
    choose(page, "What happened?", "Death")
    choose(page, "What was the cause?", "Not yet known")
    choose(page, "Who was affected?", "A child who is the subject of an application")
    fill_date(page, "Date of the incident", london_today() - timedelta(days=1))
    for question in (
        "Is the death or significant incident linked to previous family court involvement?",
        "Is a Single Unified Safeguarding Review (Wales) known to be taking place?",
        "Is a Serious Case Review or Child Safeguarding Practice Review (England) known?",
    ):
        choose(page, question, "Yes" if "linked" in question else "No")
    page.get_by_label("Summary of what is known").fill("What is known so far.")
    page.get_by_label("Who told us").fill("Police")
    fill_date(page, "Date we were told", london_today())
    page.get_by_role("button", name="Save incident").click()
    page.get_by_role("link", name="See the review, its reasons and tasks").click()
    expect_page(page, "Review: Awaiting decision")
    assert "appear to have occurred" in squash(page.locator("main").inner_text())
    axe_check(page)
    sign_out(page)

    # The Area Head sees the tasks, and a notification, and gives their view.
    sign_in(page, head.email)
    page.get_by_role("link", name=re.compile("Notifications")).click()
    expect_page(page, "Notifications")
    axe_check(page)
    open_task(page, "Give your view on whether to initiate a review")
    axe_check(page)
    page.get_by_role("button", name="Record consultation").click()
    expect_page(page, re.compile("^Give your view on whether to initiate a review"), error=True)
    axe_check(page)
    page.get_by_label("Your view on whether a review should be initiated").fill("A review should follow.")
    page.get_by_role("button", name="Record consultation").click()
    expect_page(page, "Review: Awaiting decision")
    page.get_by_role("link", name="Team tasks").click()
    expect_page(page, "Team tasks")
    axe_check(page)
    sign_out(page)

    # The Chief Executive decides, with a rationale.
    sign_in(page, ce.email)
    # The decide task leads to the decision page.
    open_task(
        page, "Decide whether to initiate an internal case review", "Decide whether to initiate a review"
    )
    expect(page.get_by_text("A review should follow.")).to_be_visible()
    axe_check(page)
    choose(page, "Do you want to initiate an internal case review?", "Yes, initiate a review")
    page.get_by_label("Rationale").fill("Serious harm; learning likely.")
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Review: Review initiated")
    axe_check(page)

    # The reviewer must be independent: only the other area's Head of Operations is offered.
    open_task(page, "Allocate an independent Head of Operations to lead the review")
    options = page.locator("#reviewer_id option").all_inner_texts()
    assert any("Independent Reviewer" in o for o in options)
    assert not any("Same Area Reviewer" in o for o in options)
    axe_check(page)
    page.get_by_label("Head of Operations to lead the review").select_option(
        label="Independent Reviewer (South)"
    )
    page.get_by_role("button", name="Allocate reviewer").click()
    expect_page(page, "Review: Review in progress")
    page.get_by_role("link", name="Policy").click()
    expect_page(page, "Timescales policy")
    axe_check(page)
    sign_out(page)

    # The Practice Manager sees the support tasks and arranges the meetings.
    sign_in(page, manager.email)
    page.get_by_role("link", name="My tasks").click()
    tasks = squash(page.locator("main").inner_text())
    for label in ("Employee Assistance Programme", "Arrange regular support meetings", "Agree support needs"):
        assert label in tasks
    axe_check(page)
    open_task(page, "Arrange regular support meetings")
    fill_date(page, "Date of the first support meeting", london_today() + timedelta(days=3))
    page.get_by_label("Time of the first support meeting").fill("14:30")
    page.get_by_role("button", name="Record support meetings").click()
    expect_page(page, "Review: Review in progress")
    page.get_by_role("link", name="Support meetings for the practitioner").click()
    expect_page(page, "Support meetings")
    assert "2:30pm" in page.locator("main").inner_text()
    axe_check(page)


def test_administrator_sees_failed_emails_page(page, axe_check):
    admin = make_user(roles=Role.ADMINISTRATOR, email="admin@example.org")
    sign_in(page, admin.email)
    page.get_by_role("link", name="Failed emails").click()
    expect_page(page, "Notifications not sent")
    axe_check(page)
