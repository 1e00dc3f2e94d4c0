"""Sign-in throttling per account and per source address, in the database (finding 3)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.security.helpers import events
from webapp.extensions import db
from webapp.models import Role

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PROJECT = Path(__file__).resolve().parents[2]
GUNICORN_PORT = 5301
TOO_MANY = "There have been too many attempts to sign in. Wait 15 minutes, then try again."


def test_five_wrong_passwords_then_even_the_right_one_waits(app):
    user = make_user(roles=Role.PRACTITIONER)
    client = app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            assert sign_in(client, user.email, "not the password at all").status_code == 200
        refused = sign_in(client, user.email)
        assert refused.status_code == 429
        assert TOO_MANY in refused.get_data(as_text=True)
        # Another address gets no further with this account.
        elsewhere = app.test_client()
        elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
        assert sign_in(elsewhere, user.email).status_code == 429
        clock.move_to(START + timedelta(minutes=15, seconds=1))
        assert sign_in(client, user.email).status_code == 302

    failed = events("user.sign_in_failed")
    assert len(failed) == 5 and {e.source_address for e in failed} == {"127.0.0.1"}
    refused_events = events("user.sign_in_refused")
    assert [e.source_address for e in refused_events] == ["127.0.0.1", "192.0.2.7"]


def test_a_successful_sign_in_starts_the_account_afresh(app):
    user = make_user(roles=Role.PRACTITIONER)
    client = app.test_client()
    for _ in range(4):
        sign_in(client, user.email, "not the password at all")
    assert sign_in(client, user.email).status_code == 302
    other = app.test_client()
    for _ in range(4):
        assert sign_in(other, user.email, "not the password at all").status_code == 200
    assert sign_in(other, user.email).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(app):
    app.config["SIGN_IN_ADDRESS_ATTEMPTS"] = 8
    try:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
        statuses = [
            sign_in(client, f"nobody{n}@example.org", "not the password at all").status_code
            for n in range(10)
        ]
        assert statuses == [200] * 8 + [429] * 2
        # Other addresses are not affected.
        assert sign_in(app.test_client(), make_user().email).status_code == 302
    finally:
        app.config["SIGN_IN_ADDRESS_ATTEMPTS"] = 30


def test_the_throttle_table_holds_no_email_or_address(app):
    sign_in(app.test_client(), "someone@example.org", "not the password at all")
    keys = db.session.execute(db.text("SELECT key FROM sign_in_throttles")).scalars().all()
    assert len(keys) == 2 and all(len(key) == 64 and "@" not in key and "." not in key for key in keys)


def _post_sign_in(email: str, password: str) -> int:
    data = urllib.parse.urlencode({"email": email, "password": password}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{GUNICORN_PORT}/sign-in", data=data)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn(app, tmp_path):
    """Two real gunicorn workers on the test database, logging each request's worker pid."""
    access_log = tmp_path / "access.log"
    env = {**os.environ, "FLASK_CONFIG": "test"}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{GUNICORN_PORT}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(m)s %(U)s %(s)s",
            "wsgi:app",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_both_workers(process, access_log)
        yield access_log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for_both_workers(process: subprocess.Popen, access_log: Path) -> None:
    """Each worker imports the app after it forks: on a busy machine the second can still be starting
    when the first answers, so ask in pairs until both have answered a page."""
    deadline = time.monotonic() + 90
    with ThreadPoolExecutor(max_workers=4) as pool:
        while True:
            try:
                list(pool.map(_get_sign_in_page, range(4)))
            except OSError:
                time.sleep(0.2)
            if access_log.exists():
                pids = {line.split()[0] for line in access_log.read_text().splitlines() if " GET " in line}
                if len(pids) == 2:
                    return
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn's two workers did not both start")


def _get_sign_in_page(_: int) -> None:
    with urllib.request.urlopen(f"http://127.0.0.1:{GUNICORN_PORT}/sign-in", timeout=5):
        pass


def _logged_sign_ins(access_log: Path, *, expected: int) -> list[list[str]]:
    """The access log's sign-in lines; a worker writes its line just after answering, so wait for them."""
    deadline = time.monotonic() + 10
    while True:
        posts = [line.split() for line in access_log.read_text().splitlines() if " POST /sign-in " in line]
        if len(posts) >= expected or time.monotonic() > deadline:
            return posts
        time.sleep(0.1)


def test_the_limit_holds_across_two_gunicorn_workers(app, gunicorn):
    email = make_user(roles=Role.PRACTITIONER).email
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: _post_sign_in(email, "not the password at all"), range(16)))
    assert sorted(statuses) == [200] * 5 + [429] * 11
    assert _post_sign_in(email, DEFAULT_PASSWORD) == 429
    posts = _logged_sign_ins(gunicorn, expected=17)
    assert len(posts) == 17
    assert len({pid for pid, *_rest in posts}) == 2, "both workers served sign-ins"
    db.session.expire_all()
    assert len(events("user.sign_in_failed")) == 5
    assert len(events("user.sign_in_refused")) == 12
