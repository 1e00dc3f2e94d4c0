"""What a person does in the browser, said once: sign in, answer questions, read the page back."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import db_user
from tests.database import TEST_DATABASE_URL
from tests.factories import DEFAULT_PASSWORD, current_code

SERVICE = "Case review manager"
# The service's name at the end of a Welsh page's title.
SERVICE_IN_WELSH = "Rheolwr adolygiadau achos"

# A journey in either language finds each text through the catalogue: ``w = tests.language.words(
# language)`` puts an English interface text in the page's language; English is the default.
Words = Callable[..., str]


def english(text: str, **values) -> str:
    return text % values if values else text


# A journey run in both languages: English on each database, Welsh once (on SQLite), as the words a
# page shows do not depend on the database and CI runs every browser test on both.
LANGUAGES = [
    "en",
    pytest.param(
        "cy",
        marks=pytest.mark.skipif(
            TEST_DATABASE_URL.startswith("postgresql"), reason="the Welsh journey runs once, on SQLite"
        ),
    ),
]


def squash(text: str) -> str:
    """Text as a person reads it: runs of white space (visually hidden spans too) as one space."""
    return " ".join(text.split())


def expect_page(page: Page, heading: str | re.Pattern, *, error: bool = False) -> None:
    """The browser is on the page with this h1 (and, for a form with errors, an 'Error:' title), in
    English or in Welsh ("Gwall: ... – Rheolwr adolygiadau achos")."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    title = page.title()
    assert title.endswith((f" – {SERVICE}", f" – {SERVICE_IN_WELSH}")), title
    assert title.startswith(("Error: ", "Gwall: ")) == error, title


def page_words(page: Page) -> Words:
    """The words of the language the page is in: before sign-in, the browser's or the one the last
    person chose (signing out keeps it)."""
    from tests.language import words

    return words(page.locator("html").get_attribute("lang") or "en")


def fill_sign_in(page: Page, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Sign in through the forms; with the right password, a person who has a second factor
    (administrators, CE and DCE always do) then types the code their app would show."""
    w = page_words(page)
    page.get_by_label(w("Email address")).fill(email)
    # exact: the password input's "Show password" button is labelled too
    page.get_by_label(w("Password"), exact=True).fill(password)
    page.get_by_role("button", name=w("Sign in")).click()
    if password == DEFAULT_PASSWORD and db_user(email).totp_secret:
        expect_page(page, w("Enter your code"))
        fill_code(page, current_code(db_user(email)))


def fill_code(page: Page, code: str) -> None:
    w = page_words(page)
    page.get_by_label(w("Code"), exact=True).fill(code)
    page.get_by_role("button", name=w("Continue")).click()


def sign_in(page: Page, email: str, password: str = DEFAULT_PASSWORD, w: Words = english) -> None:
    """Sign in (the sign-in page is in the browser's language, English here); the pages after it are
    in the person's own language, in which ``w`` finds the words."""
    page.goto("/sign-in")
    fill_sign_in(page, email, password)
    expect(page.get_by_role("button", name=w("Sign out"), exact=True)).to_be_visible()


def sign_out(page: Page, w: Words = english) -> None:
    page.get_by_role("button", name=w("Sign out"), exact=True).click()
    # The page after signing out is in the language the person was using.
    expect_page(page, w("Sign in"))


def group(page: Page, legend: str):
    """A fieldset (radios, checkboxes or a date), found by its legend."""
    return page.get_by_role("group", name=legend)


def choose(page: Page, legend: str, answer: str) -> None:
    group(page, legend).get_by_label(answer, exact=True).check()


def fill_date(page: Page, legend: str, value: date | tuple[int, int, int], w: Words = english) -> None:
    """Type a date into its day, month and year boxes; a (day, month, year) tuple may be no date."""
    day, month, year = (value.day, value.month, value.year) if isinstance(value, date) else value
    fields = group(page, legend)
    fields.get_by_label(w("Day")).fill(str(day))
    fields.get_by_label(w("Month")).fill(str(month))
    fields.get_by_label(w("Year")).fill(str(year))


def error_summary(page: Page, w: Words = english) -> list[str]:
    """The messages in the GOV.UK error summary, which has taken focus as the pattern asks."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", name=w("There is a problem"))).to_be_visible()
    return [text.strip() for text in summary.locator(".govuk-error-summary__list a").all_inner_texts()]


def follow_error(page: Page, message: str, field_id: str) -> None:
    """Clicking an error in the summary moves focus to the field it is about."""
    page.locator(".govuk-error-summary").get_by_role("link", name=message).click()
    expect(page.locator(f"#{field_id}")).to_be_focused()


def field_error(page: Page, field_id: str) -> str:
    """The error message shown beside a field, and tied to it (or its fieldset) by aria-describedby."""
    message = page.locator(f"#{field_id}-error")
    expect(message).to_be_visible()
    expect(page.locator(f'[aria-describedby~="{field_id}-error"]')).to_have_count(1)
    return re.sub(r"^Error:\s*", "", squash(message.inner_text()))


def nav_link(page: Page, text: str):
    """A link in the service navigation at the top of every page."""
    return page.locator(".govuk-service-navigation").get_by_role("link", name=text, exact=True)


def banner(page: Page) -> str:
    notification = page.locator(".govuk-notification-banner")
    expect(notification).to_be_visible()
    return notification.locator(".govuk-notification-banner__content").inner_text().strip()


def summary_list(page: Page) -> dict[str, str]:
    """A GOV.UK summary list read back as {key: value}."""
    rows = page.locator(".govuk-summary-list__row")
    expect(rows.first).to_be_visible()
    pairs = rows.evaluate_all(
        """rows => rows.map(row => [
            row.querySelector(".govuk-summary-list__key").innerText,
            row.querySelector(".govuk-summary-list__value").innerText,
        ])"""
    )
    return {squash(key): squash(value) for key, value in pairs}


def table_rows(page: Page, caption: str) -> list[list[str]]:
    """The body rows of the table with this caption, as lists of cell texts."""
    table = page.get_by_role("table", name=caption)
    expect(table).to_be_visible()
    rows = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(row => Array.from(row.querySelectorAll('td'), cell => cell.innerText))"
    )
    return [[squash(cell) for cell in row] for row in rows]
