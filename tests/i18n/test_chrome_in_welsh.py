"""The frame of every page and the shared pieces in Welsh: signing in (with the second factor), the
account pages, the error pages, the home page, the accessibility statement, the GOV.UK components'
built-in texts, the shared form messages and the due phrasings with Welsh's six plural forms; and
the same pages in English as they were."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string
from flask_babel import force_locale
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import InternalServerError

import rules
from tests.conftest import Page, db_user, sign_in
from tests.factories import DEFAULT_PASSWORD, current_code, make_user
from tests.language import english_left
from webapp.extensions import db
from webapp.formatting import due_in, today_in_london
from webapp.forms import GovDateField, NotLaterThanWorkingDays, text_area
from webapp.i18n import lazy_gettext, ngettext
from webapp.models import Role, User

WELSH_SUFFIX = " – Rheolwr adolygiadau achos"


def welsh_client(app):
    """A browser that chose Cymraeg before signing in (the switch keeps the choice in a cookie)."""
    client = app.test_client()
    client.get("/language/cy")
    return client


def welsh_user(**kwargs) -> User:
    user = make_user(**kwargs)
    user.language = "cy"
    db.session.commit()
    return user


def in_both(client, url: str) -> tuple[Page, str]:
    """The page in Welsh, and its English rendering through the switch (for english_left's check of
    short texts); the client is left in Welsh."""
    welsh = Page(client.get(url))
    client.get("/language/en")
    english = client.get(url).get_data(as_text=True)
    client.get("/language/cy")
    return welsh, english


def assert_welsh(page: Page, english: str | None = None) -> None:
    assert page.html.find("html")["lang"] == "cy"
    assert page.title.endswith(WELSH_SUFFIX), page.title
    assert english_left(page.response.get_data(as_text=True), english) == []
    switch = page.html.select_one(".app-language-switch a")
    assert switch.get_text(strip=True) == "English" and switch["lang"] == "en"


# Signing in ------------------------------------------------------------------------------------


def test_the_sign_in_page_and_its_frame_in_welsh(app):
    client = welsh_client(app)
    page, english = in_both(client, "/sign-in")
    assert_welsh(page, english)
    assert page.h1 == "Mewngofnodi"
    assert page.title == "Mewngofnodi" + WELSH_SUFFIX
    assert page.html.select_one(".govuk-skip-link").get_text(strip=True) == "Neidio i'r prif gynnwys"
    footer = page.html.select_one(".govuk-footer")
    assert "© Hawlfraint y Goron" in footer.get_text(" ", strip=True)
    assert "Drwydded Llywodraeth Agored" in footer.get_text(" ", strip=True)
    assert footer.select_one("h2.govuk-visually-hidden").get_text(strip=True) == "Dolenni cymorth"
    assert footer.find("a", string=lambda s: s and "Datganiad hygyrchedd" in s)
    # The password input's toggle: its script reads its words from the page.
    group = page.html.select_one(".govuk-password-input")
    assert group["data-i18n.show-password"] == "Dangos"
    assert group["data-i18n.hide-password"] == "Cuddio"
    assert group["data-i18n.password-shown-announcement"] == "Mae eich cyfrinair yn weladwy"
    assert page.html.select_one(".govuk-password-input__toggle").get_text(strip=True) == "Dangos"
    assert page.html.select_one(".govuk-password-input__toggle")["aria-label"] == "Dangos y cyfrinair"
    assert page.html.select_one("label[for=email]").get_text(strip=True) == "Cyfeiriad e-bost"
    # The service's name, in the header and the section around it.
    assert page.html.select_one(".govuk-service-navigation__service-name").get_text(strip=True) == (
        "Rheolwr adolygiadau achos"
    )
    assert page.html.select_one("section.govuk-service-navigation")["aria-label"] == (
        "Gwybodaeth am y gwasanaeth"
    )


def test_sign_in_errors_in_welsh(app):
    client = welsh_client(app)
    page = Page(client.post("/sign-in", data={}))
    assert_welsh(page)
    assert page.title.startswith("Gwall: Mewngofnodi")
    assert page.html.select_one(".govuk-error-summary__title").get_text(strip=True) == "Mae problem wedi codi"
    assert page.error_summary() == ["Rhowch eich cyfeiriad e-bost", "Rhowch eich cyfrinair"]
    assert (
        page.html.select_one(".govuk-error-message .govuk-visually-hidden").get_text(strip=True) == "Gwall:"
    )

    user = make_user()
    page = Page(client.post("/sign-in", data={"email": user.email, "password": "not the password"}))
    assert_welsh(page)
    assert page.error_summary() == ["Rhowch gyfeiriad e-bost a chyfrinair cywir"]


def test_too_many_sign_in_attempts_in_welsh(app):
    client = welsh_client(app)
    user = make_user()
    for _ in range(app.config["SIGN_IN_ACCOUNT_ATTEMPTS"] + 1):
        page = Page(client.post("/sign-in", data={"email": user.email, "password": "not the password"}))
    assert_welsh(page)
    minutes = app.config["SIGN_IN_WINDOW_MINUTES"]
    assert page.error_summary() == [
        f"Bu gormod o ymdrechion i fewngofnodi. Arhoswch {minutes} munud, yna rhowch gynnig arall arni."
    ]


def test_a_page_that_needs_signing_in_says_so_in_welsh(app):
    client = welsh_client(app)
    response = client.get("/home", follow_redirects=True)
    page = Page(response)
    assert_welsh(page)
    banner = page.html.select_one(".govuk-notification-banner")
    assert banner.select_one(".govuk-notification-banner__title").get_text(strip=True) == "Pwysig"
    assert "Mewngofnodwch i barhau." in banner.get_text(" ", strip=True)


def test_the_second_factor_pages_in_welsh(app):
    admin = welsh_user(roles=Role.ADMINISTRATOR)
    client = welsh_client(app)
    response = client.post("/sign-in", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"].startswith("/sign-in/code")
    page, english = in_both(client, "/sign-in/code")
    assert_welsh(page, english)
    assert page.h1 == "Rhowch eich cod"
    assert "codau adfer" in page.text()

    wrong = Page(client.post("/sign-in/code", data={"code": "000000"}))
    assert_welsh(wrong)
    assert wrong.error_summary() == ["Rhowch god cywir"]
    assert client.post("/sign-in/code", data={"code": current_code(admin)}).status_code == 302


def test_setting_up_the_second_factor_and_the_recovery_codes_in_welsh(app):
    admin = welsh_user(roles=Role.ADMINISTRATOR, enrolled=False)
    client = welsh_client(app)
    response = client.post("/sign-in", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"].startswith("/sign-in/set-up-code")
    page, english = in_both(client, "/sign-in/set-up-code")
    assert_welsh(page, english)
    assert page.h1 == "Gosod eich ap dilysu"
    assert page.html.select_one("svg")["aria-label"] == "Cod QR i osod eich ap dilysu"
    assert "Gosodwch ap dilysu ar eich ffôn" in page.text()

    empty = Page(client.post("/sign-in/set-up-code", data={}))
    assert_welsh(empty)
    assert empty.error_summary() == ["Rhowch y cod"]

    import pyotp

    secret = page.html.select_one("#secret").get_text(strip=True).replace(" ", "")
    codes = Page(client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()}))
    assert_welsh(codes)
    assert codes.h1 == "Eich codau adfer"
    assert "Ni fyddwch yn gweld y codau hyn eto." in codes.text()
    assert (
        codes.html.select_one(".govuk-warning-text .govuk-visually-hidden").get_text(strip=True) == "Rhybudd"
    )


def test_a_forced_password_change_in_welsh(app):
    user = welsh_user(must_change_password=True)
    client = welsh_client(app)
    response = sign_in(client, user.email)
    assert response.headers["Location"].startswith("/sign-in/new-password")
    page, english = in_both(client, "/sign-in/new-password")
    assert_welsh(page, english)
    assert page.h1 == "Dewis cyfrinair newydd"
    short = Page(client.post("/sign-in/new-password", data={"password": "short", "confirm": "other"}))
    assert_welsh(short)
    assert short.error_summary() == [
        "Rhaid i'r cyfrinair fod yn 12 nod neu fwy",
        "Nid yw'r cyfrineiriau'n cyfateb",
    ]


# The account ----------------------------------------------------------------------------------


def test_the_account_pages_in_welsh(app, signed_in):
    user = welsh_user()
    client = signed_in(user)
    for url, heading in (
        ("/account", "Eich cyfrif"),
        ("/account/emails", "Sut rydych yn cael e-byst"),
        ("/account/password", "Newid eich cyfrinair"),
        ("/account/second-factor", "Gosod eich ap dilysu"),
        ("/account/confirm-password", "Cadarnhau eich cyfrinair"),
    ):
        page, english = in_both(client.client, url)
        assert_welsh(page, english)
        assert page.h1 == heading, url

    account = Page(client.client.get("/account"))
    assert "Wedi mewngofnodi fel " + user.name in account.text()
    assert account.html.select_one(".app-account-bar button").get_text(strip=True) == "Allgofnodi"
    assert [a.get_text(strip=True) for a in account.html.select(".govuk-service-navigation__item a")] == [
        "Hafan",
        "Adolygiadau",
        "Achosion",
        "Digwyddiadau",
        "Fy nhasgau",
        "Hysbysiadau",
    ]
    assert account.html.select_one(".govuk-service-navigation__toggle").get_text(strip=True) == "Dewislen"

    empty = Page(client.client.post("/account/password", data={}))
    assert_welsh(empty)
    assert sorted(empty.error_summary()) == [
        "Rhowch eich cyfrinair presennol",
        "Rhowch gyfrinair newydd",
        "Teipiwch y cyfrinair newydd eto",
    ]
    for url, data, message in (
        (
            "/account/emails",
            {"email_preference": "weekly"},
            "Dewiswch sut hoffech chi glywed am dasgau newydd a diweddariadau",
        ),
        ("/account/confirm-password", {}, "Rhowch eich cyfrinair"),
        ("/account/second-factor", {}, "Rhowch y cod"),
    ):
        errors = Page(client.client.post(url, data=data))
        assert errors.status == 200, (url, errors.status)
        assert_welsh(errors)
        assert errors.title.startswith("Gwall: ")
        assert errors.error_summary() == [message], url
    saved = Page(
        client.client.post("/account/emails", data={"email_preference": "each"}, follow_redirects=True)
    )
    assert_welsh(saved)
    assert "Ni newidiodd dim: dyna oedd eich dewis eisoes." in saved.text()
    signed_out = Page(client.client.post("/sign-out", follow_redirects=True))
    assert_welsh(signed_out)
    banner = signed_out.html.select_one(".govuk-notification-banner")
    assert banner.select_one(".govuk-notification-banner__title").get_text(strip=True) == "Llwyddiant"
    assert "Rydych wedi cael eich allgofnodi." in banner.get_text(" ", strip=True)


def test_a_security_notice_is_written_in_the_recipients_language(app, signed_in):
    from webapp.models import Notification

    welsh, english = welsh_user(), make_user()
    for person in (welsh, english):
        client = signed_in(person)
        response = client.client.post(
            "/account/password",
            data={
                "current": DEFAULT_PASSWORD,
                "password": "plum violin harbour ladder",
                "confirm": "plum violin harbour ladder",
            },
        )
        assert response.status_code == 302
    details = dict(db.session.execute(select(Notification.user_id, Notification.detail)).all())
    assert details[welsh.id] == (
        "Mae eich cyfrinair wedi newid. Os nad oeddech yn disgwyl hyn, rhowch wybod i'ch gweinyddwr."
    )
    assert (
        details[english.id]
        == "Your password has changed. If you did not expect this, tell your administrator."
    )


def test_the_timeout_warning_has_its_words_in_welsh(app, signed_in):
    client = signed_in(welsh_user())
    page = Page(client.client.get("/account"))
    dialog = page.html.select_one("#timeout-warning")
    assert dialog.select_one("h2").get_text(strip=True) == "Rydych ar fin cael eich allgofnodi"
    assert "ymhen 2 munud" in dialog.select_one("#timeout-warning-text").get_text(" ", strip=True)
    # Every CLDR plural form Welsh has, for the script to choose from (webapp/static/timeout-warning.js).
    for rule in ("zero", "one", "two", "few", "many", "other"):
        assert dialog[f"data-minutes-{rule}"] == "%{count} munud"
        assert dialog[f"data-seconds-{rule}"] == "%{count} eiliad"
    assert dialog["data-announcement"] == "Byddwn yn eich allgofnodi ymhen %{time}."
    assert dialog["data-draft-restored"].startswith("Rydym wedi rhoi'n ôl")
    body = page.html.find("body")
    assert body["data-table-scrolls"] == "%{name} (yn sgrolio i'r ochr)" and body["data-table-name"] == "Tabl"


def test_the_scripts_have_no_english_of_their_own():
    from config import BASE_DIR

    for name in ("init.js", "timeout-warning.js"):
        script = (BASE_DIR / "webapp" / "static" / name).read_text()
        code = "\n".join(line for line in script.splitlines() if not line.strip().startswith("//"))
        for english in (
            '"minute"',
            '"second"',
            '"Table"',
            "scrolls sideways",
            "We will sign",
            "put back",
        ):
            assert english not in code, (name, english)


# Home, the statement, the error pages --------------------------------------------------------


def test_the_home_page_in_welsh(app, signed_in):
    user = welsh_user(roles=Role.PRACTITIONER)
    client = signed_in(user)
    page, english = in_both(client.client, "/home")
    assert_welsh(page, english)
    assert page.h1 == "Eich gwaith"
    assert "Nid oes gennych dasgau agored." in page.text()


def test_a_person_with_no_role_is_told_in_welsh(app, signed_in):
    user = welsh_user(roles=[])
    client = signed_in(user)
    page, english = in_both(client.client, "/no-access")
    assert_welsh(page, english)
    assert page.h1 == "Nid oes gennych dudalennau i'w defnyddio eto"


def test_the_accessibility_statement_in_welsh(app):
    client = welsh_client(app)
    page, english = in_both(client, "/accessibility")
    assert_welsh(page, english)
    assert page.h1 == "Datganiad hygyrchedd ar gyfer Rheolwr adolygiadau achos"
    assert "chwyddo hyd at 400%" in page.text()
    assert "Gweithdrefn orfodi" in page.text()


def test_the_error_pages_in_welsh(app, signed_in):
    user = welsh_user(roles=Role.PRACTITIONER)
    client = signed_in(user)
    not_found = Page(client.client.get("/no-such-page"))
    assert not_found.status == 404
    assert_welsh(not_found)
    assert not_found.h1 == "Heb ddod o hyd i'r dudalen"
    assert "Mynd i'r dudalen gychwyn" in not_found.text()

    forbidden = Page(client.client.get("/admin/users"))
    assert forbidden.status == 403
    assert_welsh(forbidden)
    assert forbidden.h1 == "Nid oes gennych ganiatâd i weld y dudalen hon"

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        csrf = Page(client.client.post("/account/emails", data={"email_preference": "daily"}))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert csrf.status == 400
    assert_welsh(csrf)
    assert csrf.h1 == "Nid oedd modd anfon eich ffurflen"

    too_large = Page(
        welsh_client(app).post(
            "/sign-in", data={"email": "a@example.org", "password": "x" * (2 * 1024 * 1024)}
        )
    )
    assert too_large.status == 413
    assert_welsh(too_large)
    assert too_large.title == "Mae'r hyn a anfonwyd gennych yn rhy fawr" + WELSH_SUFFIX
    assert "Ni chadwyd dim." in too_large.text()

    # A 500 comes from the app's own handler (the test app lets exceptions through to the test).
    with app.test_request_context("/", headers={"Accept-Language": "cy"}):
        handler = app._find_error_handler(InternalServerError(), [])
        body, status = handler(InternalServerError())
    assert status == 500
    assert BeautifulSoup(body, "html.parser").h1.get_text(strip=True) == (
        "Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth"
    )
    assert english_left(body) == []


# The GOV.UK components ------------------------------------------------------------------------

COMPONENTS = """
{%- from "govuk_frontend_jinja/components/back-link/macro.html" import govukBackLink -%}
{%- from "govuk_frontend_jinja/components/error-summary/macro.html" import govukErrorSummary -%}
{%- from "govuk_frontend_jinja/components/error-message/macro.html" import govukErrorMessage -%}
{%- from "govuk_frontend_jinja/components/warning-text/macro.html" import govukWarningText -%}
{%- from "govuk_frontend_jinja/components/notification-banner/macro.html" import govukNotificationBanner -%}
{%- from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination -%}
{%- from "govuk_frontend_jinja/components/character-count/macro.html" import govukCharacterCount -%}
{%- from "govuk_frontend_jinja/components/breadcrumbs/macro.html" import govukBreadcrumbs -%}
{%- from "govuk_frontend_jinja/components/tabs/macro.html" import govukTabs -%}
{{ govukBackLink({"href": "/"}) }}
{{ govukErrorSummary({"titleText": "There is a problem", "errorList": [{"text": "x"}]}) }}
{{ govukErrorMessage({"text": "Enter it"}) }}
{{ govukWarningText({"text": "Careful"}) }}
{{ govukNotificationBanner({"text": "Done", "type": "success"}) }}
{{ govukNotificationBanner({"text": "Note"}) }}
{{ govukPagination({"previous": {"href": "/1"}, "next": {"href": "/3"},
    "items": [{"number": 1, "href": "/1"}, {"number": 2, "href": "/2", "current": true}]}) }}
{{ govukCharacterCount({"name": "note", "id": "note", "maxlength": 5000, "label": {"text": "Note"}}) }}
{{ govukBreadcrumbs({"items": [{"text": "Cases", "href": "/cases"}]}) }}
{{ govukTabs({"items": [{"label": "One", "id": "one", "panel": {"text": "1"}}]}) }}
"""


def _components(app, language: str) -> Page:
    with app.test_request_context("/"), force_locale(language):
        html = render_template_string(COMPONENTS)

    class Rendered:
        status_code = 200

        def get_data(self, as_text=True):
            return html

    return Page(Rendered())


def test_the_gov_uk_components_built_in_texts_in_welsh(app):
    page = _components(app, "cy")
    html = page.html
    assert html.select_one(".govuk-back-link").get_text(strip=True) == "Yn ôl"
    assert html.select_one(".govuk-error-summary__title").get_text(strip=True) == "Mae problem wedi codi"
    assert html.select_one(".govuk-error-message .govuk-visually-hidden").get_text(strip=True) == "Gwall:"
    assert html.select_one(".govuk-warning-text .govuk-visually-hidden").get_text(strip=True) == "Rhybudd"
    titles = [t.get_text(strip=True) for t in html.select(".govuk-notification-banner__title")]
    assert titles == ["Llwyddiant", "Pwysig"]
    pagination = html.select_one(".govuk-pagination")
    assert pagination["aria-label"] == "Tudalennau"
    assert pagination.select_one(".govuk-pagination__prev").get_text(" ", strip=True) == "Tudalen flaenorol"
    assert pagination.select_one(".govuk-pagination__next").get_text(" ", strip=True) == "Tudalen nesaf"
    assert [a["aria-label"] for a in pagination.select(".govuk-pagination__item a")] == [
        "Tudalen 1",
        "Tudalen 2",
    ]
    count = html.select_one(".govuk-character-count")
    assert html.select_one("#note-info").get_text(strip=True) == "Gallwch roi hyd at 5000 nod"
    for rule in ("zero", "one", "two", "few", "many", "other"):
        assert count[f"data-i18n.characters-under-limit.{rule}"] == "Mae gennych %{count} nod yn weddill"
        assert count[f"data-i18n.characters-over-limit.{rule}"] == "Mae gennych %{count} nod yn ormod"
    assert count["data-i18n.characters-at-limit"] == "Mae gennych 0 nod yn weddill"
    assert html.select_one(".govuk-breadcrumbs")["aria-label"] == "Briwsion bara"
    assert html.select_one(".govuk-tabs__title").get_text(strip=True) == "Cynnwys"


def test_the_gov_uk_components_in_english_are_as_before(app):
    html = _components(app, "en").html
    assert html.select_one(".govuk-back-link").get_text(strip=True) == "Back"
    assert html.select_one(".govuk-error-summary__title").get_text(strip=True) == "There is a problem"
    assert html.select_one(".govuk-error-message .govuk-visually-hidden").get_text(strip=True) == "Error:"
    assert html.select_one(".govuk-warning-text .govuk-visually-hidden").get_text(strip=True) == "Warning"
    assert [t.get_text(strip=True) for t in html.select(".govuk-notification-banner__title")] == [
        "Success",
        "Important",
    ]
    pagination = html.select_one(".govuk-pagination")
    assert pagination["aria-label"] == "Pagination"
    assert pagination.select_one(".govuk-pagination__prev").get_text(" ", strip=True) == "Previous page"
    assert html.select_one("#note-info").get_text(strip=True) == "You can enter up to 5000 characters"
    # Nothing added for the scripts: their own English stands, as before.
    count = html.select_one(".govuk-character-count")
    assert not [name for name in count.attrs if name.startswith("data-i18n")]
    assert html.select_one(".govuk-breadcrumbs")["aria-label"] == "Breadcrumb"


def test_the_sign_in_page_in_english_is_as_before(app):
    page = Page(app.test_client().get("/sign-in", headers={"Accept-Language": "en"}))
    assert page.html.find("html")["lang"] == "en"
    assert page.title == "Sign in – Case review manager"
    assert page.html.select_one(".govuk-skip-link").get_text(strip=True) == "Skip to main content"
    assert "© Crown copyright" in page.html.select_one(".govuk-footer").get_text(" ", strip=True)
    group = page.html.select_one(".govuk-password-input")
    assert not [name for name in group.attrs if name.startswith("data-i18n")]
    assert page.html.select_one(".govuk-password-input__toggle").get_text(strip=True) == "Show"
    errors = Page(app.test_client().post("/sign-in", data={}))
    assert errors.title.startswith("Error: Sign in")
    assert errors.html.select_one(".govuk-error-summary__title").get_text(strip=True) == "There is a problem"


def test_the_pager_in_welsh(app):
    from webapp.paging import CappedPagination

    pages = CappedPagination(items=list(range(50)), page=2, per_page=50, total=1000, capped=True)
    template = '{% from "macros.html" import pager %}{{ pager(pages, "admin.list_users") }}'
    for language, expected in (
        (
            "cy",
            ("Tudalennau", "Tudalen flaenorol", "Tudalen nesaf", "Tudalen 1", "Yn dangos 50 o fwy na 1,000."),
        ),
        ("en", ("Pages", "Previous page", "Next page", "Page 1", "Showing 50 of more than 1,000.")),
    ):
        with app.test_request_context("/admin/users?page=2"), force_locale(language):
            html = BeautifulSoup(render_template_string(template, pages=pages), "html.parser")
        landmark, previous, following, first, showing = expected
        pager = html.select_one(".govuk-pagination")
        assert pager["aria-label"] == landmark
        assert pager.select_one(".govuk-pagination__prev").get_text(" ", strip=True) == previous
        assert pager.select_one(".govuk-pagination__next").get_text(" ", strip=True) == following
        assert pager.select_one(".govuk-pagination__item a")["aria-label"] == first
        assert html.select_one("p.govuk-body-s").get_text(strip=True) == showing


# Shared form messages and the due phrasings --------------------------------------------------


class _Form(FlaskForm):
    class Meta:
        csrf = False

    # Labels the catalogue has (the test's own words would have no Welsh).
    note = text_area(lazy_gettext("Password"), limit=10)
    when = GovDateField(lazy_gettext("Code"), missing_message="Enter the date")
    due = GovDateField(
        lazy_gettext("Due date"),
        missing_message="Enter the due date",
        optional=True,
        validators=[NotLaterThanWorkingDays("action_due_maximum", "Due date must be no later than {latest}")],
    )


def _errors(app, language: str, data: dict) -> dict:
    with app.test_request_context("/", method="POST"), force_locale(language):
        form = _Form(formdata=MultiDict(data))
        form.validate()
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_shared_form_messages_are_written_when_checked_in_the_readers_language(app):
    data = {"note": "x" * 11, "when": ["1", "", "2026"]}
    english = _errors(app, "en", data)
    assert english["note"] == ["Password must be 10 characters or fewer"]
    assert english["when"] == ["Code must include a day, month and year"]
    welsh = _errors(app, "cy", data)
    assert welsh["when"] == ["Cod – rhaid cynnwys diwrnod, mis a blwyddyn"]
    assert welsh["note"] == ["Cyfrinair – rhaid defnyddio 10 nod neu lai"]
    assert _errors(app, "cy", {"when": ["31", "2", "2026"]})["when"] == ["Cod – rhaid rhoi dyddiad go iawn"]
    # The date boxes' own labels.
    with app.test_request_context("/"), force_locale("cy"):
        boxes = str(_Form(formdata=None).when())
    assert ">Diwrnod<" in boxes.replace("\n", "").replace(" ", "") or "Diwrnod" in boxes
    assert "Blwyddyn" in boxes and "Year" not in boxes


def test_the_latest_due_date_is_written_in_the_readers_language(app):
    far = today_in_london() + timedelta(days=400)
    parts = {
        "when": [str(far.day), str(far.month), str(far.year)],
        "due": [str(far.day), str(far.month), str(far.year)],
    }
    welsh = _errors(app, "cy", parts)["due"][0]
    english = _errors(app, "en", parts)["due"][0]
    months_cy = (
        "Ionawr",
        "Chwefror",
        "Mawrth",
        "Ebrill",
        "Mai",
        "Mehefin",
        "Gorffennaf",
        "Awst",
        "Medi",
        "Hydref",
        "Tachwedd",
        "Rhagfyr",
    )
    assert any(month in welsh for month in months_cy), welsh
    assert english.startswith("Due date must be no later than ")


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, 11])
def test_the_due_phrasings_have_welsh_plural_forms(app, n):
    with app.test_request_context("/"):
        with force_locale("cy"):
            assert ngettext("Due in %(num)d working day", "Due in %(num)d working days", n) == (
                f"I'w wneud ymhen {n} diwrnod gwaith"
            )
            assert (
                ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", n) == f"Yn hwyr o {n} diwrnod"
            )
            assert ngettext("%(count)s minute", "%(count)s minutes", n, count=n) == f"{n} munud"
        with force_locale("en"):
            days = "day" if n == 1 else "days"
            assert (
                ngettext("Overdue by %(num)d day", "Overdue by %(num)d days", n) == f"Overdue by {n} {days}"
            )


def test_due_in_words(app):
    today = date(2026, 12, 2)  # a Wednesday
    with app.test_request_context("/"):
        with force_locale("en"):
            assert due_in(today, today) == "Due today"
            assert due_in(today - timedelta(days=1), today) == "Overdue by 1 day"
            assert due_in(today - timedelta(days=6), today) == "Overdue by 6 days"
            assert due_in(rules.add_working_days(today, 1), today) == "Due in 1 working day"
            assert due_in(rules.add_working_days(today, 3), today) == "Due in 3 working days"
        with force_locale("cy"):
            assert due_in(today, today) == "I'w wneud heddiw"
            assert due_in(today - timedelta(days=2), today) == "Yn hwyr o 2 diwrnod"
            assert due_in(rules.add_working_days(today, 11), today) == "I'w wneud ymhen 11 diwrnod gwaith"


def test_a_switch_on_every_page_of_this_area_keeps_the_path(app, signed_in):
    user = welsh_user()
    client = signed_in(user)
    for url in ("/home", "/account", "/account/emails", "/accessibility"):
        page = Page(client.client.get(url))
        link = urlsplit(page.html.select_one(".app-language-switch a")["href"])
        assert link.path == "/language/en" and parse_qs(link.query)["next"] == [url]
    assert (
        db.session.execute(select(User.language).where(User.id == db_user(user.email).id)).scalar_one()
        == "cy"
    )
