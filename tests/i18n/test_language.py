"""Choosing the language: the browser's Accept-Language first, then a cookie before sign-in, then the
choice saved on the person's account; the switch keeps the person on the same page."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import Page
from webapp.extensions import db
from webapp.formatting import format_date, format_datetime
from webapp.models import AuditEvent


def _lang(response) -> str:
    return Page(response).html.find("html")["lang"]


def test_accept_language_is_the_first_default_and_the_switch_keeps_the_page(app):
    client = app.test_client()
    assert _lang(client.get("/sign-in")) == "en"
    assert _lang(client.get("/sign-in", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})) == "cy"

    page = Page(client.get("/sign-in"))
    switch = page.html.select_one(".app-language-switch a")
    assert switch.get_text(strip=True) == "Cymraeg" and switch["lang"] == "cy" and switch["hreflang"] == "cy"
    response = client.get(switch["href"])
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    # The cookie now decides, over the browser's own preference.
    welsh = Page(client.get("/sign-in", headers={"Accept-Language": "en"}))
    assert welsh.html.find("html")["lang"] == "cy"
    back = welsh.html.select_one(".app-language-switch a")
    assert back.get_text(strip=True) == "English" and back["lang"] == "en"


def test_the_switch_keeps_the_query_and_refuses_other_sites(app):
    client = app.test_client()
    response = client.get("/language/cy?next=/sign-in%3Fnext%3D/cases")
    assert response.headers["Location"] == "/sign-in?next=/cases"
    assert client.get("/language/cy?next=https://example.com/").headers["Location"] == "/"
    assert client.get("/language/fr").status_code == 404


def test_a_signed_in_choice_is_saved_on_the_account_and_audited(signed_in):
    client = signed_in()
    assert client.user.language == "en"
    response = client.client.get("/language/cy?next=/account")
    assert response.headers["Location"] == "/account"
    db.session.refresh(client.user)
    assert client.user.language == "cy"
    assert _lang(client.client.get("/account")) == "cy"
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.event_type == "user.language_changed")
    ).scalar_one()
    assert event.record_id == client.user.id
    # The account's choice wins over the browser's: it follows the person to any machine.
    other = client.client.application.test_client()
    from tests.conftest import sign_in

    sign_in(other, client.user.email)
    assert _lang(other.get("/account", headers={"Accept-Language": "en"})) == "cy"


def test_dates_and_times_in_welsh(app):
    moment = datetime(2026, 12, 1, 15, 5, tzinfo=UTC)
    with app.test_request_context():
        assert format_date(date(2026, 12, 1)) == "1 December 2026"
        assert format_datetime(moment) == "1 December 2026 at 3:05pm"
        with force_locale("cy"):
            assert format_date(date(2026, 12, 1)) == "1 Rhagfyr 2026"
            assert format_date(date(2027, 6, 30)) == "30 Mehefin 2027"
            assert format_datetime(moment) == "1 Rhagfyr 2026 am 3:05yh"


def test_signing_out_keeps_the_sign_in_page_in_the_persons_language(signed_in):
    client = signed_in()
    client.user.language = "cy"
    db.session.commit()
    page = client.get("/account")
    form = page.html.select_one("form.app-account-bar__form")
    token = form.select_one("input[name=csrf_token]")["value"]
    response = client.client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    # Signed out, with an English-speaking browser: the sign-in page stays in Welsh.
    after = Page(client.client.get("/sign-in", headers={"Accept-Language": "en"}))
    assert after.html.find("html")["lang"] == "cy"
    assert "Rydych wedi cael eich allgofnodi." in after.text()
