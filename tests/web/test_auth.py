"""Signing in and out, sessions, CSRF, cookies and the production secret."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, current_code, make_user
from webapp.admin import approvals
from webapp.admin import services as admin
from webapp.extensions import db
from webapp.models import AuditEvent, Role


def test_password_is_stored_as_argon2id(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in user.password_hash


def test_sign_in_is_case_insensitive_on_email_and_lands_on_the_home_page(app):
    user = make_user(email="Mixed.Case@Example.org")
    client = app.test_client()
    response = sign_in(client, "  MIXED.case@example.ORG ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"
    home = client.get("/home")
    assert home.status_code == 200 and '<h1 class="govuk-heading-l">Your work</h1>' in home.text
    assert db.session.query(AuditEvent).filter_by(event_type="user.signed_in", record_id=user.id).count() == 1


@pytest.mark.parametrize(
    "email,password",
    [("person@example.org", "wrong password!"), ("nobody@example.org", DEFAULT_PASSWORD)],
)
def test_wrong_credentials_get_one_message_and_no_session(app, email, password):
    make_user(email="person@example.org")
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 200
    assert b"Enter a correct email address and password" in response.data
    assert b"govuk-error-summary" in response.data
    assert client.get("/cases").status_code == 302
    assert db.session.query(AuditEvent).filter_by(event_type="user.sign_in_failed").count() == 1


def test_empty_sign_in_lists_both_fields(app):
    response = app.test_client().post("/sign-in", data={})
    assert b"Enter your email address" in response.data
    assert b"Enter your password" in response.data


def test_deactivated_user_cannot_sign_in(app):
    user = make_user(active=False)
    response = sign_in(app.test_client(), user.email)
    assert response.status_code == 200


def test_deactivation_ends_existing_sessions_at_once(app, signed_in):
    user = make_user(roles=Role.CHIEF_EXECUTIVE)
    client = signed_in(user)
    client.get("/cases")
    admin.set_active(user, False)
    response = client.client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_changing_roles_ends_sessions(app, signed_in):
    user = make_user(roles=Role.CHIEF_EXECUTIVE)
    client = signed_in(user)
    approvals.apply_roles(user, {Role.PRACTITIONER})
    db.session.commit()
    assert client.client.get("/cases").status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(app, signed_in):
    client = signed_in(roles=Role.PRACTITIONER)
    assert client.client.get("/sign-out").status_code == 405
    response = client.client.post("/sign-out")
    assert response.status_code == 302
    assert client.client.get("/cases").status_code == 302


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/cases?page=2", "/cases?page=2"),
        ("https://evil.example/", "/home"),
        ("//evil.example/", "/home"),
        ("/\\evil.example", "/home"),
        ("javascript:alert(1)", "/home"),
        ("cases", "/home"),
    ],
)
def test_next_redirects_only_within_this_site(app, target, expected):
    user = make_user()
    response = app.test_client().post(
        "/sign-in", query_string={"next": target}, data={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.headers["Location"] == expected


def test_csrf_token_is_required_when_on(app, csrf_on):
    user = make_user(roles=Role.CHIEF_EXECUTIVE)
    client = app.test_client()
    refused = client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert refused.status_code == 400
    assert b"Your form could not be sent" in refused.data

    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    accepted = client.post(
        "/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302 and accepted.headers["Location"] == "/sign-in/code"
    assert client.post("/sign-in/code", data={"code": current_code(user)}).status_code == 400
    code = client.post("/sign-in/code", data={"code": current_code(user), "csrf_token": token})
    assert code.status_code == 302 and code.headers["Location"] == "/home"
    # Signed in, a state-changing POST without the token is still refused.
    assert client.post("/sign-out").status_code == 400
    assert client.get("/cases").status_code == 200


def test_session_cookie_flags(app):
    user = make_user()
    response = sign_in(app.test_client(), user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_refuses_default_or_missing_secret(monkeypatch):
    from config import DEFAULT_SECRET_KEY
    from webapp import create_app

    for value in (None, "", DEFAULT_SECRET_KEY, "short"):
        if value is None:
            monkeypatch.delenv("SECRET_KEY", raising=False)
        else:
            monkeypatch.setenv("SECRET_KEY", value)
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app("production")


def test_production_config_secures_cookies():
    from config import Production

    assert Production.SESSION_COOKIE_SECURE is True
    assert Production.SESSION_COOKIE_HTTPONLY is True
    assert Production.SESSION_COOKIE_SAMESITE == "Lax"
