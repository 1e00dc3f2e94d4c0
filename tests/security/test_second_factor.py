"""TOTP second factor: enrolment, sign-in with a code or a recovery code, reset (finding 3)."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import func, select

from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, current_code, make_user
from tests.security.helpers import events, notifications_of
from tests.web.test_cli import run
from webapp.extensions import db
from webapp.models import AccountChangeRequest, RecoveryCode, Role


def _password(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": DEFAULT_PASSWORD})


def _enrol(app, user):
    """Sign in for the first time as someone who must set up a second factor; returns (client, codes)."""
    client = app.test_client()
    assert _password(client, user).headers["Location"] == "/sign-in/set-up-code"
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    secret = re.search(r'<code class="app-secret" id="secret">([A-Z2-7 ]+)</code>', page).group(1)
    secret = secret.replace(" ", "")
    codes_page = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", codes_page.get_data(as_text=True))
    return client, secret, codes, codes_page


def test_the_ce_must_enrol_before_getting_in(app):
    ce = make_user(roles=Role.CHIEF_EXECUTIVE, enrolled=False)
    client = app.test_client()
    assert _password(client, ce).headers["Location"] == "/sign-in/set-up-code"
    # Half-way is not signed in.
    assert client.get("/cases").status_code == 302
    page = client.get("/sign-in/set-up-code").get_data(as_text=True)
    assert '<svg role="img" aria-label="QR code to set up your authenticator app"' in page
    assert "<title>QR code to set up your authenticator app</title>" in page
    secret = re.search(r'id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    wrong = client.post("/sign-in/set-up-code", data={"code": "000000"})
    assert "Enter a correct code" in wrong.get_data(as_text=True)
    db.session.expire_all()
    assert ce.totp_secret is None

    done = client.post("/sign-in/set-up-code", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert client.get("/sign-in/continue").headers["Location"] == "/home"
    assert client.get("/cases").status_code == 200
    db.session.expire_all()
    assert ce.totp_secret == secret
    stored = (
        db.session.execute(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == ce.id))
        .scalars()
        .all()
    )
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}
    assert len(notifications_of(ce, "account_second_factor_changed")) == 1
    assert [e.record_id for e in events("user.second_factor_enrolled")] == [ce.id]


def test_practitioners_may_sign_in_with_a_password_alone(app):
    person = make_user(roles=Role.PRACTITIONER)
    assert _password(app.test_client(), person).headers["Location"] == "/home"


def test_sign_in_with_a_code_and_a_wrong_code(app):
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    client = app.test_client()
    assert _password(client, dce).headers["Location"] == "/sign-in/code"
    assert client.get("/cases").status_code == 302
    wrong = client.post("/sign-in/code", data={"code": "123456"})
    assert wrong.status_code == 200 and "Enter a correct code" in wrong.get_data(as_text=True)
    assert events("user.second_factor_failed")[0].source_address == "127.0.0.1"
    code = current_code(dce)
    assert client.post("/sign-in/code", data={"code": code}).headers["Location"] == "/home"
    assert client.get("/cases").status_code == 200
    # The same code a second time (someone watching over a shoulder) is refused, and the form says
    # to wait for the app's next code rather than to type it again.
    again = app.test_client()
    _password(again, dce)
    refused = again.post("/sign-in/code", data={"code": code})
    assert refused.status_code == 200 and again.get("/cases").status_code == 302
    page = refused.get_data(as_text=True)
    assert "That code has already been used. Wait for your app to show a new code, then enter it" in page
    assert "Enter a correct code" not in page
    assert len(events("user.second_factor_failed")) == 2


def test_a_recovery_code_works_once(app):
    admin = make_user(roles=Role.ADMINISTRATOR, enrolled=False)
    _client, _secret, codes, _page = _enrol(app, admin)
    first = app.test_client()
    _password(first, admin)
    assert first.post("/sign-in/code", data={"code": codes[3].upper()}).headers["Location"] == "/home"
    reused = app.test_client()
    _password(reused, admin)
    page = reused.post("/sign-in/code", data={"code": codes[3]})
    assert "Enter a correct code" in page.get_data(as_text=True)
    assert reused.get("/admin/users").status_code == 302
    assert [e.record_id for e in events("user.recovery_code_used")] == [admin.id]
    used = db.session.execute(select(func.count()).where(RecoveryCode.used_at.is_not(None))).scalar_one()
    assert used == 1


def test_wrong_codes_count_towards_the_throttle(app):
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    client = app.test_client()
    _password(client, ce)
    statuses = [client.post("/sign-in/code", data={"code": "000000"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_anyone_may_turn_on_a_second_factor(app, signed_in):
    person = signed_in(roles=Role.PRACTITIONER)
    page = person.get("/account/second-factor")
    secret = page.html.find("code", id="secret").get_text().replace(" ", "")
    person.post("/account/second-factor", {"code": pyotp.TOTP(secret).now()})
    db.session.expire_all()
    assert person.user.totp_secret == secret
    assert _password(app.test_client(), person.user).headers["Location"] == "/sign-in/code"


def test_an_administrator_resets_another_administrators_second_factor(app, signed_in):
    other = make_user(roles=Role.ADMINISTRATOR)
    other_client = signed_in(other)
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(f"/admin/users/{other.id}/reset-second-factor", {}, status=302)
    db.session.expire_all()
    assert other.totp_secret is None
    assert other_client.client.get("/admin/users").status_code == 302, "their sessions end"
    assert len(notifications_of(other, "account_second_factor_changed")) == 1
    assert [e.record_id for e in events("user.second_factor_reset")] == [other.id]
    assert _password(app.test_client(), other).headers["Location"] == "/sign-in/set-up-code"


def test_resetting_the_ces_second_factor_needs_the_dce(app, signed_in):
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    dce = make_user(roles=Role.DEPUTY_CHIEF_EXECUTIVE)
    admin = signed_in(roles=Role.ADMINISTRATOR)
    admin.post(f"/admin/users/{ce.id}/reset-second-factor", {}, status=302)
    db.session.expire_all()
    assert ce.totp_secret is not None
    [request] = db.session.execute(select(AccountChangeRequest)).scalars()
    assert len(notifications_of(dce, "account_change_to_approve")) == 1
    signed_in(dce).post(f"/account-changes/{request.id}/approve", {}, status=302)
    db.session.expire_all()
    assert ce.totp_secret is None


def test_demo_accounts_have_a_documented_second_factor(app):
    assert run(app, "demo", "seed").exit_code == 0
    printed = run(app, "demo", "totp", "ce@example.org")
    assert printed.exit_code == 0 and re.fullmatch(r"\d{6}\n", printed.output)
    client = app.test_client()
    client.post("/sign-in", data={"email": "ce@example.org", "password": "demo-password-2026"})
    assert client.post("/sign-in/code", data={"code": printed.output.strip()}).headers["Location"] == "/home"
    assert run(app, "demo", "totp", "pm.north@example.org").exit_code == 2
    app.config["ENVIRONMENT"] = "production"
    try:
        refused = run(app, "demo", "totp", "ce@example.org")
        assert refused.exit_code == 2 and "works only in development" in refused.output
    finally:
        app.config["ENVIRONMENT"] = "test"


def test_sign_in_helper_completes_the_second_factor(app):
    ce = make_user(roles=Role.CHIEF_EXECUTIVE)
    assert sign_in(app.test_client(), ce.email).headers["Location"] == "/home"
