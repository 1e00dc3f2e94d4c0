"""Journeys in headless Chromium, with an axe-core check on every page the person sees."""

from __future__ import annotations

import re
from datetime import date

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
    group,
    nav_link,
    sign_in,
    sign_out,
    squash,
    summary_list,
    table_rows,
)
from tests.factories import make_application, make_area, make_case, make_incident, make_user
from webapp.models import IncidentCause, IncidentKind, PersonAffected, Role

pytestmark = pytest.mark.browser


def test_practice_manager_records_a_case_and_an_incident_then_signs_out(page, axe_check):
    area = make_area(name="Cardiff and Vale")
    make_area(name="Swansea")
    manager = make_user(
        roles=Role.PRACTICE_MANAGER, area=area, name="Morgan Manager", email="morgan@example.org"
    )
    make_user(roles=Role.PRACTITIONER, area=area, name="Priya Practitioner")
    make_user(roles=Role.PRACTITIONER, area=area, name="Rhys Practitioner")

    # The start page sends a stranger to sign in.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect_page(page, "Sign in")
    axe_check(page)

    # A wrong password: the error summary takes focus and links to the password field.
    fill_sign_in(page, manager.email, "not the password at all")
    expect_page(page, "Sign in", error=True)
    assert error_summary(page) == ["Enter a correct email address and password"]
    assert field_error(page, "password") == "Enter a correct email address and password"
    expect(page.get_by_label("Email address")).to_have_value(manager.email)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    axe_check(page)
    follow_error(page, "Enter a correct email address and password", "password")

    # The right password lands on the home page, with nothing to do yet; Cases is in the navigation.
    fill_sign_in(page, manager.email)
    expect(page).to_have_url(re.compile(r"/home$"))
    expect_page(page, "Your work")
    expect(page.get_by_text("You have no open tasks.")).to_be_visible()
    axe_check(page)
    nav_link(page, "Cases").click()
    expect(page).to_have_url(re.compile(r"/cases$"))
    expect_page(page, "Cases")
    expect(page.get_by_text("Signed in as Morgan Manager")).to_be_visible()
    expect(page.get_by_text("No cases match.")).to_be_visible()
    axe_check(page)

    # Record a case: first with nothing answered.
    page.get_by_role("link", name="Record a case").click()
    expect_page(page, "Record a case")
    expect(page.get_by_label("Operational area")).to_have_value(str(area.id))
    expect(page.get_by_label("Practice Manager")).to_have_value(str(manager.id))
    axe_check(page)
    page.get_by_label("Operational area").select_option("")
    page.get_by_label("Practice Manager").select_option("")
    page.get_by_role("button", name="Save case").click()
    expect_page(page, "Record a case", error=True)
    assert error_summary(page) == [
        "Enter the case number",
        "Select the operational area",
        "Select public law or private law",
        "Select whether the proceedings are ongoing or closed",
        "Select the practitioner",
        "Select the Practice Manager",
    ]
    assert field_error(page, "case_number") == "Enter the case number"
    assert field_error(page, "law_type") == "Select public law or private law"
    axe_check(page)
    follow_error(page, "Enter the case number", "case_number")

    page.get_by_label("Case number").fill("CF25P01234")
    page.get_by_label("Operational area").select_option(label="Cardiff and Vale")
    choose(page, "Type of proceedings", "Public law")
    choose(page, "Are the proceedings ongoing or closed?", "Ongoing")
    page.get_by_label("Allocated practitioner").select_option(label="Rhys Practitioner")
    page.get_by_label("Practice Manager").select_option(label="Morgan Manager")
    page.get_by_role("button", name="Save case").click()

    expect_page(page, "Case CF25P01234")
    assert banner(page) == "Case CF25P01234 recorded."
    details = summary_list(page)
    assert details["Case number"].startswith("CF25P01234")
    assert details["Operational area"] == "Cardiff and Vale"
    assert details["Type of proceedings"] == "Public law"
    assert details["Proceedings"] == "Ongoing"
    assert details["Allocated practitioner"] == "Rhys Practitioner"
    assert details["Practice Manager"] == "Morgan Manager"
    expect(page.get_by_text("No children recorded yet.")).to_be_visible()
    axe_check(page)
    case_url = page.url

    # A child in the case.
    page.get_by_role("link", name="Add a child").click()
    expect_page(page, "Add a child")
    axe_check(page)
    page.get_by_label("Full name").fill("Alex Example")
    fill_date(page, "Date of birth", date(2019, 6, 14))
    page.get_by_role("button", name="Add child").click()
    expect_page(page, "Case CF25P01234")
    assert banner(page) == "Child added."
    assert table_rows(page, "Children in this case") == [
        ["Alex Example", "14 June 2019", "Remove Alex Example, born 14 June 2019"]
    ]
    axe_check(page)

    # An application before the court.
    page.get_by_role("link", name="Add an application").click()
    expect_page(page, "Add an application")
    axe_check(page)
    choose(page, "Type of application", "Care order")
    fill_date(page, "Date the application was made", date(2025, 2, 3))
    page.get_by_role("button", name="Add application").click()
    expect_page(page, "Case CF25P01234")
    assert banner(page) == "Application added."
    assert table_rows(page, "Applications before the court") == [
        ["Care order", "3 February 2025", "Remove Care order made 3 February 2025"]
    ]
    axe_check(page)

    # Record an incident: first with nothing answered, then every question.
    page.get_by_role("link", name="Record an incident").click()
    expect_page(page, "Record an incident")
    axe_check(page)
    page.get_by_role("button", name="Save incident").click()
    expect_page(page, "Record an incident", error=True)
    assert error_summary(page) == [
        "Select a death or a significant incident",
        "Enter the date of the incident",
        "Select the cause, or 'Not yet known'",
        "Select who was affected",
        "Select yes if the incident is linked to the court involvement",
        "Select yes if a Single Unified Safeguarding Review is known",
        "Select yes if a Serious Case Review or Child Safeguarding Practice Review is known",
        "Enter a summary of what is known",
        "Enter who told us about the incident",
        "Enter the date we were told",
    ]
    axe_check(page)

    choose(page, "What happened?", "Significant incident")
    choose(page, "What was the cause?", "Neglect")
    choose(page, "Who was affected?", "An adult who is a party to the proceedings")
    fill_date(page, "Date of the incident", date(2025, 10, 9))
    choose(page, "linked to previous family court involvement", "Yes")
    choose(page, "Single Unified Safeguarding Review", "No")
    choose(page, "Serious Case Review", "Yes")
    page.get_by_label("Summary of what is known").fill("Admitted to hospital. Police informed.")
    page.get_by_label("Who told us").fill("Local authority social worker")
    fill_date(page, "Date we were told", date(2025, 10, 10))
    page.get_by_role("button", name="Save incident").click()

    expect_page(page, "Significant incident on 9 October 2025")
    assert banner(page) == "Incident recorded."
    incident = summary_list(page)
    assert incident["What happened"].startswith("Significant incident")
    assert incident["Date of the incident"] == "9 October 2025"
    assert incident["Cause"] == "Neglect"
    assert incident["Who was affected"] == "An adult who is a party to the proceedings"
    assert incident["Linked to previous family court involvement"] == "Yes"
    assert incident["Single Unified Safeguarding Review known"] == "No"
    assert incident["Serious Case Review or CSPR known"] == "Yes"
    assert incident["Summary"] == "Admitted to hospital. Police informed."
    assert incident["Who told us"] == "Local authority social worker"
    assert incident["Date we were told"] == "10 October 2025"
    assert incident["Recorded by"].startswith("Morgan Manager, ")
    axe_check(page)

    # The case page lists the incident.
    page.get_by_role("link", name="Case CF25P01234").click()
    expect(page).to_have_url(case_url)
    expect_page(page, "Case CF25P01234")
    rows = table_rows(page, "Incidents recorded against this case")
    assert [row[:3] for row in rows] == [["9 October 2025", "Significant incident", "Neglect"]]
    axe_check(page)

    # Sign out; the case list is then out of reach.
    sign_out(page)
    assert banner(page) == "You have been signed out."
    axe_check(page)
    page.goto("/cases")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fcases$"))
    expect_page(page, "Sign in")
    assert banner(page) == "Sign in to continue."
    axe_check(page)


def test_administrator_adds_a_user_and_an_area_and_reads_the_audit_trail(page, axe_check):
    make_area(name="North Wales")
    admin = make_user(roles=Role.ADMINISTRATOR, name="Ada Admin")
    make_user(roles=Role.PRACTICE_MANAGER, name="Lee Manager")

    # An administrator starts on the user list (no case data).
    sign_in(page, admin.email)
    expect(page).to_have_url(re.compile(r"/admin/users$"))
    expect_page(page, "Users")
    names = [row[0] for row in table_rows(page, "Users")]
    assert any(name.startswith("Ada Admin") for name in names)
    expect(nav_link(page, "Users")).to_be_visible()
    expect(nav_link(page, "Cases")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name="Add a user").click()
    expect_page(page, "Add a user")
    axe_check(page)
    page.get_by_role("button", name="Save user").click()
    expect_page(page, "Add a user", error=True)
    assert error_summary(page) == [
        "Enter the person's full name",
        "Enter an email address",
        "Select at least one role",
        "Enter a temporary password",
    ]
    axe_check(page)
    follow_error(page, "Enter the person's full name", "name")

    page.get_by_label("Full name").fill("Sam Newcomer")
    page.get_by_label("Email address").fill("Sam.Newcomer@Example.org")
    roles = group(page, "Roles")
    roles.get_by_label("Practitioner", exact=True).check()
    roles.get_by_label("Practice Manager", exact=True).check()
    page.get_by_label("Operational area").select_option(label="North Wales")
    page.get_by_label("Line manager").select_option(label="Lee Manager")
    page.get_by_label("Temporary password").fill("a long temporary password")
    page.get_by_role("button", name="Save user").click()

    expect_page(page, "Users")
    # Roles that see case data wait for the CE or DCE (tests/security/test_administrators.py).
    assert banner(page) == (
        "User added. The roles that give access to case data will apply once the Chief Executive or "
        "Deputy Chief Executive approves them."
    )
    added = [row for row in table_rows(page, "Users") if row[0].startswith("Sam Newcomer")]
    assert len(added) == 1, table_rows(page, "Users")
    name, roles_text, area, manager, status, _actions = added[0]
    assert "sam.newcomer@example.org" in name
    assert roles_text == ""
    assert (area, manager, status) == ("North Wales", "Lee Manager", "Active")
    axe_check(page)

    # The person's own page says what is waiting, and offers a second-factor reset.
    page.get_by_role("link", name="Sam Newcomer").click()
    expect_page(page, re.compile("^Change user: "))
    expect(page.get_by_text("A change of roles is waiting for approval")).to_be_visible()
    expect(group(page, "Roles").get_by_label("Administrator", exact=True)).not_to_be_checked()
    expect(page.get_by_role("button", name="Reset second factor of Sam Newcomer")).to_be_visible()
    axe_check(page)

    # Operational areas: add one, then try the same name again.
    nav_link(page, "Areas").click()
    expect_page(page, "Operational areas")
    axe_check(page)
    page.get_by_label("Area name").fill("Gwent")
    page.get_by_role("button", name="Save area").click()
    expect(page.get_by_text("Area added.")).to_be_visible()
    expect_page(page, "Operational areas")
    areas = [squash(text) for text in page.locator("main .govuk-list li").all_inner_texts()]
    assert areas == ["Gwent Rename Gwent", "North Wales Rename North Wales"]
    axe_check(page)
    page.get_by_label("Area name").fill("Gwent")
    page.get_by_role("button", name="Save area").click()
    expect_page(page, "Operational areas", error=True)
    assert error_summary(page) == ["An area with this name already exists"]
    axe_check(page)
    page.get_by_role("link", name="Rename Gwent").click()
    expect_page(page, re.compile("^Rename area: "))
    expect(page.get_by_label("Area name")).to_have_value("Gwent")
    axe_check(page)

    # The audit trail names what happened, never the values.
    nav_link(page, "Audit trail").click()
    expect_page(page, "Audit trail")
    events = {row[2] for row in table_rows(page, "Audit events, newest first")}
    wanted = {
        "User signed in user.signed_in",
        "User created user.created",
        "Operational area created area.created",
    }
    assert wanted <= events, events
    axe_check(page)


def test_chief_executive_reads_a_case_its_incident_and_its_audit_trail(page, axe_check):
    chief = make_user(roles=Role.CHIEF_EXECUTIVE, name="Cai Chief")
    area = make_area(name="Powys")
    case = make_case(area=area, case_number="PO24C00077", children=[("Jo Example", date(2018, 3, 1))])
    make_application(case=case, made_on=date(2024, 11, 4))
    incident = make_incident(
        case=case,
        kind=IncidentKind.DEATH,
        cause=IncidentCause.UNKNOWN,
        person_affected=PersonAffected.CHILD_SUBJECT,
        occurred_on=date(2026, 1, 12),
    )
    # Enough cases for a second page of the list.
    for n in range(25):
        make_case(
            area=area,
            case_number=f"PO24C1{n:04d}",
            practitioner=case.practitioner,
            practice_manager=case.practice_manager,
        )

    sign_in(page, chief.email)
    expect(page).to_have_url(re.compile(r"/home$"))
    nav_link(page, "Cases").click()
    expect_page(page, "Cases")
    expect(page.get_by_role("navigation", name="Pages")).to_be_visible()
    expect(page.get_by_text("Showing 25 of 26.")).to_be_visible()
    axe_check(page)

    # Search narrows the list to the one case.
    page.get_by_label("Case number or child's name").fill("Jo Example")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("Showing 1 of 1.")).to_be_visible()
    expect_page(page, "Cases")
    axe_check(page)

    page.get_by_role("link", name="PO24C00077").click()
    expect_page(page, "Case PO24C00077")
    assert table_rows(page, "Children in this case") == [
        ["Jo Example", "1 March 2018", "Remove Jo Example, born 1 March 2018"]
    ]
    incidents = table_rows(page, "Incidents recorded against this case")
    assert [row[:3] for row in incidents] == [["12 January 2026", "Death", "Not yet known"]]
    axe_check(page)

    page.get_by_role("link", name="12 January 2026").click()
    expect(page).to_have_url(re.compile(rf"/incidents/{incident.id}$"))
    expect_page(page, "Death on 12 January 2026")
    assert summary_list(page)["Cause"] == "Not yet known"
    axe_check(page)

    page.get_by_role("link", name="View the audit trail for this incident").click()
    expect_page(page, "Audit trail")
    events = [row[2] for row in table_rows(page, "Audit events, newest first")]
    assert "Incident viewed incident.viewed" in events, events  # the plain name, then the code
    axe_check(page)

    page.goto(f"/cases/{case.id}")
    page.get_by_role("link", name="View the audit trail for this case").click()
    expect(page).to_have_url(re.compile(rf"/admin/audit\?case={case.id}$"))
    expect_page(page, "Audit trail")
    rows = table_rows(page, "Audit events, newest first")
    viewed = [row for row in rows if row[2] == "Case viewed case.viewed"]
    assert viewed and all(row[1] == "Cai Chief" for row in viewed), rows
    assert {row[4] for row in rows} == {str(case.id)}, rows
    axe_check(page)

    nav_link(page, "Incidents").click()
    expect_page(page, "Incidents")
    axe_check(page)
