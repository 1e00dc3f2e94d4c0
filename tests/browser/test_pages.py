"""The pages the journeys do not reach: error pages, sign-in errors, edit forms and their error states."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    banner,
    choose,
    error_summary,
    expect_page,
    field_error,
    fill_date,
    fill_sign_in,
    follow_error,
    nav_link,
    sign_in,
    sign_out,
    summary_list,
    table_rows,
)
from tests.clock import london_today
from tests.factories import make_area, make_case, make_incident, make_user
from webapp.models import Role

pytestmark = pytest.mark.browser

FORBIDDEN = "You do not have permission to see this page"
NOT_FOUND = "Page not found"
BAD_REQUEST = "Sorry, there is a problem with the request"


def test_sign_in_errors_and_the_error_pages(page, axe_check):
    practitioner = make_user(roles=Role.PRACTITIONER, area=make_area())
    someone_elses = make_case()

    # Sign in with nothing entered.
    page.goto("/sign-in")
    page.get_by_role("button", name="Sign in").click()
    expect_page(page, "Sign in", error=True)
    assert error_summary(page) == ["Enter your email address", "Enter your password"]
    assert field_error(page, "email") == "Enter your email address"
    axe_check(page)
    follow_error(page, "Enter your email address", "email")

    # A form sent without the session it was made for: the CSRF error page.
    page.context.clear_cookies()
    fill_sign_in(page, practitioner.email)
    expect_page(page, "Your form could not be sent")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    axe_check(page)

    sign_in(page, practitioner.email)

    response = page.goto("/admin/users")
    assert response.status == 403
    expect_page(page, FORBIDDEN)
    axe_check(page)

    for url in (f"/cases/{someone_elses.id}", f"/cases/{someone_elses.id + 1000}", "/no-such-page"):
        response = page.goto(url)
        assert response.status == 404, url
        expect_page(page, NOT_FOUND)
        axe_check(page)

    response = page.goto("/sign-out")  # sign-out is a POST form, never a link
    assert response.status == 405
    expect_page(page, BAD_REQUEST)
    axe_check(page)


def test_a_person_with_no_role_is_told_so(page, axe_check):
    nobody = make_user(roles=set())
    sign_in(page, nobody.email)
    expect(page).to_have_url(re.compile(r"/no-access$"))
    expect_page(page, "You have no pages to use yet")
    axe_check(page)


def test_change_forms_and_their_error_states(page, axe_check):
    area = make_area(name="Ceredigion")
    manager = make_user(roles=Role.PRACTICE_MANAGER, area=area, name="Morgan Manager")
    case = make_case(area=area, practice_manager=manager, case_number="CE25P00001")
    incident = make_incident(case=case, occurred_on=date(2026, 2, 2))
    sign_in(page, manager.email)

    # Change the case to closed without saying when: the date's error state.
    page.goto(f"/cases/{case.id}/edit")
    expect_page(page, "Change case details")
    expect(page.get_by_label("Case number")).to_have_value("CE25P00001")
    axe_check(page)
    choose(page, "Are the proceedings ongoing or closed?", "Closed")
    page.get_by_role("button", name="Save case").click()
    expect_page(page, "Change case details", error=True)
    assert error_summary(page) == ["Enter the date the proceedings closed"]
    axe_check(page)
    # The link goes to the first box of the date, as the GOV.UK date input pattern asks.
    follow_error(page, "Enter the date the proceedings closed", "proceedings_closed_on-day")
    fill_date(page, "Date the proceedings closed", date(2026, 3, 27))
    page.get_by_role("button", name="Save case").click()
    expect_page(page, "Case CE25P00001")
    assert banner(page) == "Case updated."
    assert summary_list(page)["Proceedings"] == "Closed, closed on 27 March 2026"
    axe_check(page)

    # Add a child and an application, each with nothing answered first.
    page.get_by_role("link", name="Add a child").click()
    expect_page(page, "Add a child")
    page.get_by_role("button", name="Add child").click()
    expect_page(page, "Add a child", error=True)
    assert error_summary(page) == ["Enter the child's full name", "Enter the child's date of birth"]
    axe_check(page)
    page.get_by_label("Full name").fill("Bea Example")
    fill_date(page, "Date of birth", london_today() + timedelta(days=2))
    page.get_by_role("button", name="Add child").click()
    expect_page(page, "Add a child", error=True)
    assert error_summary(page) == ["Date of birth must be today or in the past"]
    axe_check(page)

    page.goto(f"/cases/{case.id}/applications/new")
    expect_page(page, "Add an application")
    fill_date(page, "Date the application was made", (31, 2, 2025))
    page.get_by_role("button", name="Add application").click()
    expect_page(page, "Add an application", error=True)
    assert error_summary(page) == [
        "Select the type of application",
        "Date the application was made must be a real date",
    ]
    axe_check(page)

    # Change the incident (the area's Head of Operations may; the PM records only): a future date
    # and a report before the incident.
    sign_out(page)
    sign_in(page, make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=area, name="Aled Head").email)
    page.goto(f"/incidents/{incident.id}")
    expect_page(page, "Significant incident on 2 February 2026")
    page.get_by_role("link", name="Change incident details").click()
    expect_page(page, "Change incident details")
    expect(page.get_by_label("Who told us")).to_have_value("Police")
    axe_check(page)
    fill_date(page, "Date of the incident", london_today() + timedelta(days=1))
    fill_date(page, "Date we were told", date(2026, 1, 1))
    page.get_by_label("Summary of what is known").fill("x" * 2001)
    page.get_by_role("button", name="Save incident").click()
    expect_page(page, "Change incident details", error=True)
    assert error_summary(page) == [
        "Date of the incident must be today or in the past",
        "Summary must be 2000 characters or fewer",
        "Date we were told must be the same as or after the date of the incident",
    ]
    axe_check(page)

    # The incident list shows the one incident.
    nav_link(page, "Incidents").click()
    expect_page(page, "Incidents")
    rows = table_rows(page, "Incidents you can see")
    assert rows == [["2 February 2026", "CE25P00001", "Ceredigion", "Significant incident", "Violence"]]
    axe_check(page)
