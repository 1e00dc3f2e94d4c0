"""From incident to allocated reviewer in the browser, in English and in Welsh: an incident opens a
review, the AHoO is consulted, the CE decides, the Practice Manager arranges support and the CE
allocates an independent reviewer. The Welsh run is the same journey by people who chose Cymraeg,
finding every button, label and heading through the catalogue (tests.language.words)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from rules.procedure import RULES_BY_ID
from tests.browser.helpers import (
    LANGUAGES,
    Words,
    choose,
    english,
    expect_page,
    fill_date,
    sign_in,
    sign_out,
    squash,
)
from tests.clock import london_today
from tests.factories import make_area, make_case, make_user
from tests.language import words
from webapp.extensions import db
from webapp.models import Role

pytestmark = pytest.mark.browser


def open_task(page, name: str, heading: str | None = None, w: Words = english) -> None:
    page.get_by_role("link", name=w("My tasks")).click()
    expect_page(page, w("My tasks"))
    page.get_by_role("link", name=name).first.click()
    expect_page(page, heading or re.compile("^" + re.escape(name)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_incident_to_decision_to_support(page, axe_check, language):
    w = words(language)
    north, south = make_area(name="North"), make_area(name="South")
    head = make_user(
        roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Head", email="head@example.org"
    )
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief", email="ce@example.org")
    make_user(roles=Role.HEAD_OF_OPERATIONS, area=north, name="Same Area Reviewer")
    make_user(roles=Role.HEAD_OF_OPERATIONS, area=south, name="Independent Reviewer")
    manager = make_user(roles=Role.PRACTICE_MANAGER, area=north, name="Mared Manager", email="pm@example.org")
    case = make_case(area=north, practice_manager=manager)
    head.language = ce.language = manager.language = language
    db.session.commit()

    # The practice manager records an incident during ongoing proceedings.
    sign_in(page, manager.email, w=w)
    page.goto(f"/cases/{case.id}/incidents/new")
    choose(page, w("What happened?"), w("Death"))
    choose(page, w("What was the cause?"), w("Not yet known"))
    choose(page, w("Who was affected?"), w("A child who is the subject of an application"))
    fill_date(page, w("Date of the incident"), london_today() - timedelta(days=1), w)
    for question in (
        "Is the death or significant incident linked to previous family court involvement?",
        "Is a Single Unified Safeguarding Review (Wales) known to be taking place?",
        "Is a Serious Case Review or Child Safeguarding Practice Review (England) known?",
    ):
        choose(page, w(question), w("Yes") if "linked" in question else w("No"))
    page.get_by_label(w("Summary of what is known")).fill("What is known so far.")
    page.get_by_label(w("Who told us")).fill("Police")
    fill_date(page, w("Date we were told"), london_today(), w)
    page.get_by_role("button", name=w("Save incident")).click()
    page.get_by_role("link", name=w("See the review, its reasons and tasks")).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Awaiting decision")))
    reason = squash(w(RULES_BY_ID["within_ongoing_cause_unknown"].text))
    assert reason in squash(page.locator("main").inner_text())
    axe_check(page)
    sign_out(page, w)

    # The Area Head sees the tasks, and a notification, and gives their view.
    sign_in(page, head.email, w=w)
    page.get_by_role("link", name=re.compile(w("Notifications"))).click()
    expect_page(page, w("Notifications"))
    axe_check(page)
    consult = w("Give your view on whether to initiate a review")
    open_task(page, consult, w=w)
    axe_check(page)
    page.get_by_role("button", name=w("Record consultation")).click()
    expect_page(page, re.compile("^" + re.escape(consult)), error=True)
    axe_check(page)
    page.get_by_label(w("Your view on whether a review should be initiated")).fill("A review should follow.")
    page.get_by_role("button", name=w("Record consultation")).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Awaiting decision")))
    page.get_by_role("link", name=w("Team tasks")).click()
    expect_page(page, w("Team tasks"))
    axe_check(page)
    sign_out(page, w)

    # The Chief Executive decides, with a rationale.
    sign_in(page, ce.email, w=w)
    # The decide task leads to the decision page.
    open_task(
        page,
        w("Decide whether to initiate an internal case review"),
        w("Decide whether to initiate a review"),
        w=w,
    )
    expect(page.get_by_text("A review should follow.")).to_be_visible()
    axe_check(page)
    choose(page, w("Do you want to initiate an internal case review?"), w("Yes, initiate a review"))
    page.get_by_label(w("Rationale")).fill("Serious harm; learning likely.")
    page.get_by_role("button", name=w("Record decision")).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Review initiated")))
    axe_check(page)

    # The reviewer must be independent: only the other area's Head of Operations is offered.
    open_task(page, w("Allocate an independent Head of Operations to lead the review"), w=w)
    options = page.locator("#reviewer_id option").all_inner_texts()
    assert any("Independent Reviewer" in o for o in options)
    assert not any("Same Area Reviewer" in o for o in options)
    axe_check(page)
    page.get_by_label(w("Head of Operations to lead the review")).select_option(
        label="Independent Reviewer (South)"
    )
    page.get_by_role("button", name=w("Allocate reviewer")).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Review in progress")))
    page.get_by_role("link", name=w("Policy")).click()
    expect_page(page, w("Timescales policy"))
    axe_check(page)
    sign_out(page, w)

    # The Practice Manager sees the support tasks and arranges the meetings.
    sign_in(page, manager.email, w=w)
    page.get_by_role("link", name=w("My tasks")).click()
    tasks = squash(page.locator("main").inner_text())
    practitioner = case.practitioner.name
    for title in (
        "Offer %(practitioner)s an Employee Assistance Programme referral",
        "Arrange regular support meetings with %(practitioner)s",
        "Agree support needs with %(practitioner)s",
    ):
        assert w(title, practitioner=practitioner) in tasks, title
    axe_check(page)
    open_task(
        page, w("Arrange regular support meetings with %(practitioner)s", practitioner=practitioner), w=w
    )
    fill_date(page, w("Date of the first support meeting"), london_today() + timedelta(days=3), w)
    page.get_by_label(w("Time of the first support meeting")).fill("14:30")
    page.get_by_role("button", name=w("Record support meetings")).click()
    expect_page(page, w("Review: %(stage)s", stage=w("Review in progress")))
    page.get_by_role("link", name=w("Support meetings for the practitioner")).click()
    expect_page(page, w("Support meetings"))
    assert ("2:30pm" if language == "en" else "2:30yh") in page.locator("main").inner_text()
    axe_check(page)


def test_administrator_sees_failed_emails_page(page, axe_check):
    admin = make_user(roles=Role.ADMINISTRATOR, email="admin@example.org")
    sign_in(page, admin.email)
    page.get_by_role("link", name="Failed emails").click()
    expect_page(page, "Notifications not sent")
    axe_check(page)
