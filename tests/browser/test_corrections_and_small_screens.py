"""The pages issue 11 added or changed, in a real browser with axe: the decision page's facts, task
titles in My tasks, correcting and removing chronology entries, withdrawing an action, removing a child,
the accessibility statement from the footer; and wide tables at 320 px scroll inside their box."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.accuracy.helpers import shared_review
from tests.browser.helpers import banner, expect_page, fill_date, sign_in, sign_out
from tests.factories import make_user
from tests.learning.test_action_plan import monitored_review
from webapp.extensions import db
from webapp.models import ChronologyEntry, Review, ReviewState, Role

pytestmark = pytest.mark.browser


def no_sideways_page_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url}: the page is {width}px wide at a 320px screen"


def test_facts_titles_confirmations_and_the_statement(page, axe_check):
    shared = shared_review(emails=True)
    review = shared.review
    entry = ChronologyEntry(
        review_id=review.id,
        occurred_on=date(2025, 1, 1),
        what_happened="Police visted.",
        source="Case file",
        categories=["liaison"],
        created_by_id=shared.reviewer.id,
    )
    db.session.add(entry)
    db.session.commit()

    # The accessibility statement, from the footer, before signing in.
    page.goto("/sign-in")
    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()
    expect_page(page, "Accessibility statement for Case review manager")
    expect(
        page.get_by_role("heading", name="Reporting a problem or asking for another format")
    ).to_be_visible()
    axe_check(page)

    # The practice manager's tasks say what to do; the review's table links read distinctly.
    sign_in(page, shared.manager.email)
    page.get_by_role("link", name="My tasks").click()
    expect(
        page.get_by_role("link", name=re.compile(r"^Check the review report \(version 1\) for accuracy"))
    ).to_be_visible()
    page.get_by_role("link", name=re.compile("^Agree support needs with Pat Practitioner")).click()
    expect_page(page, "Agree support needs with Pat Practitioner")
    axe_check(page)
    sign_out(page)

    # The reviewer corrects the chronology entry, then removes it after being asked (while the
    # report is being written: the review goes back to that stage for this part).
    db.session.execute(update(Review).where(Review.id == review.id).values(state=ReviewState.IN_REVIEW))
    db.session.commit()
    sign_in(page, shared.reviewer.email)
    page.goto(f"/reviews/{review.id}/chronology")
    page.get_by_role("tab", name="Table").click()
    page.get_by_role("link", name=re.compile("^Change the entry of 1 January 2025")).click()
    expect_page(page, "Change the entry of 1 January 2025")
    page.get_by_label("What happened").fill("Police visited.")
    page.get_by_role("button", name="Save the entry").click()
    expect_page(page, "Chronology")
    assert "Entry changed" in banner(page)
    expect(page.get_by_text("Before: Police visted.")).to_be_visible()
    axe_check(page)
    page.get_by_role("tab", name="Table").click()
    page.get_by_role("link", name=re.compile("^Remove the entry of 1 January 2025")).click()
    expect_page(page, "Remove the entry of 1 January 2025?")
    axe_check(page)
    page.get_by_role("link", name="Keep the entry").click()
    expect_page(page, "Chronology")
    page.get_by_role("tab", name="Table").click()
    page.get_by_role("link", name=re.compile("^Remove the entry of 1 January 2025")).click()
    page.get_by_role("button", name="Yes, remove it").click()
    expect_page(page, "Chronology")
    assert "Entry removed" in banner(page)
    sign_out(page)

    # The CE removes a child after being asked.
    sign_in(page, shared.ce.email)
    page.goto(f"/cases/{review.case_id}")
    page.get_by_role("link", name="Add a child").click()
    page.get_by_label("Full name").fill("Gwen Jones")
    fill_date(page, "Date of birth", date(2019, 3, 4))
    page.get_by_role("button", name="Add child").click()
    page.get_by_role("link", name=re.compile("^Remove Gwen Jones")).click()
    expect_page(page, re.compile("^Remove Gwen Jones from case "))
    axe_check(page)
    page.get_by_role("button", name="Yes, remove it").click()
    assert "Child removed" in banner(page)


def test_withdrawing_an_action_asks_why(page, axe_check):
    pdt = make_user(roles=Role.PRACTICE_DEVELOPMENT_TEAM, email="pdt@example.org")
    world = _people(pdt)
    review, (item,) = monitored_review(world, "practitioner")
    sign_in(page, pdt.email)
    page.goto(f"/reviews/{review.id}/action-plan/{item.id}")
    page.get_by_role("link", name=re.compile("^Withdraw this action")).click()
    expect_page(page, "Withdraw this action")
    page.get_by_role("button", name="Withdraw the action").click()
    expect_page(page, "Withdraw this action", error=True)
    axe_check(page)
    page.get_by_label("Why is this action being withdrawn?").fill("Covered by national training.")
    page.get_by_role("button", name="Withdraw the action").click()
    assert "Action withdrawn" in banner(page)
    axe_check(page)


def _people(pdt):
    from tests.factories import make_area

    north = make_area(name="North")
    south = make_area(name="South")
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    pm = make_user(roles=Role.PRACTICE_MANAGER, area=north)
    return {
        "north": north,
        "ce": ce,
        "pdt": pdt,
        "pm": pm,
        "practitioner": make_user(roles=Role.PRACTITIONER, area=north, manager=pm),
        "reviewer": make_user(roles=Role.HEAD_OF_OPERATIONS, area=south),
    }


def test_wide_tables_scroll_in_their_box_at_320_pixels(page, axe_check):
    shared = shared_review(emails=True)
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, shared.ce.email)
    for path in (
        "/cases",
        "/tasks",
        "/tasks/team",
        f"/reviews/{shared.review.id}",
        f"/cases/{shared.review.case_id}",
        "/audit",
        "/learning/dashboard",
        "/accessibility",
    ):
        page.goto(path)
        no_sideways_page_scroll(page)
    # The review's task table is wider than the screen: its box scrolls and is a named region.
    page.goto(f"/reviews/{shared.review.id}")
    region = page.get_by_role("region", name="Tasks (scrolls sideways)")
    expect(region).to_be_visible()
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    axe_check(page)
