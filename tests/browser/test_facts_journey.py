"""An incident whose facts change after the decision, in the browser (axe on every page): recorded
outside the procedure, confirmed by the CE, then found to have happened before the proceedings
closed; the rules are re-run, the review shows the reasons before and after, and the decision is
open again. The administrator's pages for tasks with nobody and the timescales are checked too."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.helpers import choose, expect_page, fill_date, sign_in, sign_out, squash
from tests.clock import london_today
from tests.factories import make_area, make_case, make_user
from webapp.models import ProceedingsStatus, Role

pytestmark = pytest.mark.browser


def test_facts_change_after_the_decision(page, axe_check):
    north = make_area(name="North")
    head = make_user(
        roles=Role.AREA_HEAD_OF_OPERATIONS, area=north, name="Nia Head", email="head@example.org"
    )
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Ceri Chief", email="ce@example.org")
    admin = make_user(roles=Role.ADMINISTRATOR, name="Alex Admin", email="admin@example.org")
    practitioner = make_user(
        roles=Role.PRACTITIONER, area=north, name="Pat Practitioner", email="p@example.org"
    )
    case = make_case(area=north, practitioner=practitioner, proceedings_status=ProceedingsStatus.CLOSED)

    # Recorded as after the proceedings closed and not linked: outside the procedure.
    sign_in(page, practitioner.email)
    page.goto(f"/cases/{case.id}/incidents/new")
    choose(page, "What happened?", "Significant incident")
    choose(page, "What was the cause?", "Other cause")
    choose(page, "Who was affected?", "Someone else")
    fill_date(page, "Date of the incident", london_today() - timedelta(days=2))
    choose(page, "Is the death or significant incident linked to previous family court involvement?", "No")
    choose(page, "Is a Single Unified Safeguarding Review (Wales) known to be taking place?", "No")
    choose(page, "Is a Serious Case Review or Child Safeguarding Practice Review (England) known?", "No")
    page.get_by_label("Summary of what is known").fill("What is known so far.")
    page.get_by_label("Who told us").fill("Police")
    fill_date(page, "Date we were told", london_today() - timedelta(days=1))
    page.get_by_role("button", name="Save incident").click()
    incident_url = page.url
    assert "Change" not in squash(page.locator("main").inner_text())  # the practitioner records only
    sign_out(page)

    # The CE confirms: nothing leaves the procedure on one person's answer.
    sign_in(page, ce.email)
    page.get_by_role("link", name="My tasks").click()
    page.get_by_role(
        "link", name="Confirm no review, or initiate one, for an incident outside the procedure"
    ).click()
    expect_page(page, "Confirm no review, or initiate one")
    assert "What the rules say" in page.locator("main").inner_text()
    axe_check(page)
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Confirm no review, or initiate one", error=True)
    axe_check(page)
    choose(
        page,
        "The rules found this incident outside the procedure. What do you decide?",
        "Confirm: outside the procedure, no review",
    )
    page.get_by_label("Rationale").fill("Not connected to our involvement.")
    page.get_by_role("button", name="Record decision").click()
    expect_page(page, "Review: Review not initiated")
    sign_out(page)

    # The Area Head learns it happened before the proceedings closed, and corrects the date.
    sign_in(page, head.email)
    page.goto(incident_url)
    page.get_by_role("link", name="Change incident details").click()
    expect_page(page, "Change incident details")
    axe_check(page)
    fill_date(page, "Date of the incident", case.proceedings_closed_on - timedelta(days=10))
    page.get_by_role("button", name="Save incident").click()
    main = squash(page.locator("main").inner_text())
    assert "Changes to the facts" in main and "Date of the incident" in main
    axe_check(page)
    page.get_by_role("link", name="See the review, its reasons and tasks").click()
    expect_page(page, "Review: Awaiting decision")
    main = squash(page.locator("main").inner_text())
    assert "before and after" in main and "on or before the day they closed" in main
    assert "Earlier decision: do not initiate a review" in main and "Incident facts changed" in main
    axe_check(page)
    sign_out(page)

    # The administrator's pages: tasks with nobody, and the timescales they may change.
    sign_in(page, admin.email)
    page.goto("/admin/tasks-with-nobody")
    expect_page(page, "Tasks with nobody to do them")
    axe_check(page)
    page.goto("/admin/policy")
    expect_page(page, "Timescales policy")
    page.get_by_label("Working days for decision").fill("x")
    page.get_by_role("button", name="Save timescales").click()
    assert "whole number of working days" in page.locator("main").inner_text()
    axe_check(page)
