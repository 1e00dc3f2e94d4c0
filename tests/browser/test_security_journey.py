"""Sign-in security in the browser: enrolling a second factor, the code page, the timeout warning
with the text of a form kept, and the CE's list of access changes; each page checked with axe."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import expect
from sqlalchemy import update

from tests.browser.helpers import expect_page, fill_code, fill_sign_in, nav_link, sign_in, table_rows
from tests.factories import DEFAULT_PASSWORD, current_code, make_case, make_user
from webapp.admin import approvals
from webapp.extensions import db
from webapp.models import Role, UserSession, utcnow


def test_the_ce_enrols_a_second_factor_then_signs_in_with_a_code(page, axe_check):
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, name="Cai Chief", enrolled=False)

    page.goto("/sign-in")
    page.get_by_label("Email address").fill(ce.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect_page(page, "Set up your authenticator app")
    qr = page.get_by_role("img", name="QR code to set up your authenticator app")
    expect(qr).to_be_visible()
    axe_check(page)
    secret = page.locator("#secret").inner_text().replace(" ", "")
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect_page(page, "Set up your authenticator app", error=True)
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect_page(page, "Your recovery codes")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    axe_check(page)
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.goto("/sign-in")
    page.get_by_label("Email address").fill(ce.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect_page(page, "Enter your code")
    axe_check(page)
    fill_code(page, "111111")
    expect_page(page, "Enter your code", error=True)
    axe_check(page)
    fill_code(page, current_code(ce))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Your account").click()
    expect_page(page, "Your account")
    axe_check(page)
    page.get_by_role("link", name="Change your password").click()
    expect_page(page, "Change your password")
    page.get_by_role("button", name="Save password").click()
    expect_page(page, "Change your password", error=True)
    axe_check(page)


def test_the_timeout_warning_keeps_the_session_and_the_typed_text(page, axe_check):
    manager = make_user(roles=Role.PRACTICE_MANAGER)
    case = make_case(practice_manager=manager)
    sign_in(page, manager.email)
    page.goto(f"/cases/{case.id}/children/new")
    page.get_by_label("Full name").fill("Typed Before Timeout")

    # The last request was 29 minutes ago (as the page's clock, shared by every tab, tells it).
    page.evaluate("localStorage.setItem('app-last-activity', String(Date.now() - 29 * 60 * 1000))")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("we will sign you out in 1 minute")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    axe_check(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Full name")).to_have_value("Typed Before Timeout")

    # Time runs out: the server has ended the session; the text is kept in the tab, the person
    # signs in again, comes back to the form and finds the text put back.
    db.session.execute(update(UserSession).values(ended_at=utcnow()))
    db.session.commit()
    page.evaluate("localStorage.setItem('app-last-activity', String(Date.now() - 31 * 60 * 1000))")
    expect_page(page, "Sign in")
    fill_sign_in(page, manager.email)
    expect(page).to_have_url(re.compile(rf"/cases/{case.id}/children/new$"))
    expect(page.get_by_text("We have put back what you typed before you were signed out.")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_value("Typed Before Timeout")
    assert page.evaluate("sessionStorage.length") == 0, "the kept text does not stay behind"


def test_the_dce_approves_a_role_change(page, axe_check):
    person = make_user(roles=Role.PRACTITIONER, name="Pat Practitioner")
    admin = make_user(roles=Role.ADMINISTRATOR, name="Ada Admin")
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE, name="Dai Deputy")
    approvals.change_roles(person, {Role.PRACTITIONER, Role.PRACTICE_MANAGER}, actor=admin)
    db.session.commit()

    sign_in(page, dce.email)
    nav_link(page, "Access changes").click()
    expect_page(page, "Access changes to approve")
    [row] = table_rows(page, "Changes waiting")
    assert row[1] == "A change of roles: Practice Manager, Practitioner"
    axe_check(page)
    page.get_by_role("button", name="Approve the change for Pat Practitioner").click()
    expect(page.get_by_text("Change approved.")).to_be_visible()
    expect(page.get_by_text("No changes are waiting.")).to_be_visible()
    db.session.expire_all()
    assert person.roles == {Role.PRACTITIONER, Role.PRACTICE_MANAGER}
