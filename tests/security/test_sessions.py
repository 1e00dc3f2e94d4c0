"""Sessions end on the server: sign-out, idle and absolute limits (finding 1 and 2)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from tests.factories import make_case, make_user
from tests.security.helpers import client_with_cookie, cookie_of, events
from webapp.extensions import db
from webapp.models import Role, UserSession

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_cookie_replayed_after_sign_out_is_refused(app, signed_in):
    manager = make_user(roles=Role.PRACTICE_MANAGER)
    case = make_case(practice_manager=manager)
    client = signed_in(manager)
    other_browser = signed_in(manager)
    stolen = cookie_of(client.client)
    assert client_with_cookie(app, stolen).get(f"/cases/{case.id}").status_code == 200

    client.client.post("/sign-out")

    replay = client_with_cookie(app, stolen)
    response = replay.get(f"/cases/{case.id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    saved = replay.post(f"/cases/{case.id}/children/new", data={"name": "Replayed Child"})
    assert saved.status_code == 302 and saved.headers["Location"].startswith("/sign-in")
    db.session.expire_all()
    assert [child.name for child in case.children] == []
    # The person's other browser is a separate session and goes on.
    assert other_browser.client.get(f"/cases/{case.id}").status_code == 200
    [ended] = db.session.execute(db.select(UserSession).where(UserSession.ended_at.is_not(None))).scalars()
    assert ended.user_id == manager.id
    assert len(events("user.signed_out")) == 1


def test_idle_limit_is_30_minutes_of_no_request(app, signed_in):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(roles=Role.PRACTITIONER)
        clock.move_to(START + timedelta(minutes=29, seconds=59))
        assert client.client.get("/cases").status_code == 200
        # Each request from the person starts the 30 minutes again.
        clock.move_to(START + timedelta(minutes=59, seconds=58))
        assert client.client.get("/cases").status_code == 200
        clock.move_to(START + timedelta(minutes=89, seconds=59))
        response = client.client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_absolute_limit_is_10_hours_however_busy(app, signed_in):
    with time_machine.travel(START, tick=False) as clock:
        client = signed_in(roles=Role.PRACTITIONER)
        for minutes in range(20, 600, 20):
            clock.move_to(START + timedelta(minutes=minutes))
            # A flashed message rewrites the cookie; nothing about it moves the server's limits.
            assert client.client.post("/session/keep-alive").status_code == 204
            assert client.client.get("/cases").status_code == 200
        clock.move_to(START + timedelta(hours=10, seconds=1))
        response = client.client.get("/cases")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_limits_come_from_configuration(app, signed_in):
    app.config["SESSION_IDLE_MINUTES"] = 5
    try:
        with time_machine.travel(START, tick=False) as clock:
            client = signed_in(roles=Role.PRACTITIONER)
            clock.move_to(START + timedelta(minutes=5, seconds=1))
            assert client.client.get("/cases").status_code == 302
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30


def test_pages_carry_the_timeout_warning_with_its_script(app, signed_in):
    client = signed_in(roles=Role.PRACTITIONER)
    page = client.get("/cases")
    dialog = page.html.find("dialog", id="timeout-warning")
    assert dialog["data-idle-seconds"] == "1800" and dialog["data-warning-seconds"] == "120"
    assert dialog["aria-labelledby"] == "timeout-warning-heading"
    assert dialog.find("button", string="Stay signed in") is not None
    script = page.html.find("script", src="/static/timeout-warning.js")
    # A static file (the CSP allows no inline script): nothing inline mentions it.
    assert script is not None
    assert not any("timeout" in (tag.string or "") for tag in page.html.find_all("script"))
    with app.test_client().get("/static/timeout-warning.js") as served:
        assert served.status_code == 200
    # Anonymous pages have no warning: there is no session to lose.
    anonymous = app.test_client().get("/sign-in").get_data(as_text=True)
    assert "timeout-warning" not in anonymous


def test_keep_alive_needs_a_live_session(app, signed_in):
    client = signed_in(roles=Role.PRACTITIONER)
    assert client.client.post("/session/keep-alive").status_code == 204
    client.client.post("/sign-out")
    assert client.client.post("/session/keep-alive").status_code == 302
