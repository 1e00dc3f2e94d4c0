"""The development mail catcher, the administrators' page that lists what it caught, and make run."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

import pytest

from tests.conftest import SignedInClient, sign_in
from tests.factories import make_user
from webapp import devserver, mailcatcher
from webapp.models import Role

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def message(*, to: str, subject: str, text: str, sent: datetime | None = None) -> EmailMessage:
    email = EmailMessage()
    email["From"] = "Case review manager <no-reply@case-review.invalid>"
    email["To"] = to
    email["Subject"] = subject
    email["Date"] = format_datetime(sent or datetime.now(UTC))
    email["Message-ID"] = make_msgid(domain="case-review.invalid")
    email.set_content(text)
    email.add_alternative(f"<p>{text}</p>", subtype="html")
    return email


@pytest.fixture
def catcher(tmp_path):
    port = free_port()
    controller = mailcatcher.start(tmp_path / "mail", port=port)
    yield port, tmp_path / "mail"
    controller.stop()


def test_the_catcher_keeps_each_message_and_lists_them_newest_first(catcher):
    port, directory = catcher
    first = message(to="a@example.org", subject="You have a task due", text="Sign in to see it.")
    second = message(to="b@example.org", subject="A task is overdue", text="Line one\nline two.")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(first)
        smtp.send_message(second, to_addrs=["b@example.org", "hidden@example.org"])

    caught = mailcatcher.list_messages(directory)
    assert [m.subject for m in caught] == ["A task is overdue", "You have a task due"]
    newest = caught[0]
    assert newest.to == "b@example.org"
    assert newest.message_id == second["Message-ID"]
    assert newest.text.strip() == "Line one\nline two."  # the text part, not the HTML one
    assert newest.date is not None and newest.date.tzinfo is not None
    assert mailcatcher.count_messages(directory) == 2
    raw = (directory / newest.filename).read_text()
    assert "X-RcptTo: b@example.org, hidden@example.org" in raw, "the envelope's recipients are kept"
    assert [p.name for p in directory.iterdir() if not p.name.endswith(".eml")] == [], "no temp files"
    assert sorted(p.name for p in directory.iterdir()) == sorted(m.filename for m in caught)


def test_listing_an_empty_or_missing_folder(tmp_path):
    assert mailcatcher.list_messages(tmp_path / "none") == []
    assert mailcatcher.count_messages(tmp_path / "none") == 0


def test_python_m_webapp_mailcatcher_runs_until_stopped(tmp_path):
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "webapp.mailcatcher", "--port", str(port), "--directory", str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                smtp = smtplib.SMTP("127.0.0.1", port, timeout=5)
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "the catcher did not start listening"
                time.sleep(0.1)
        with smtp:
            smtp.send_message(message(to="c@example.org", subject="Caught", text="Hello"))
        assert [m.subject for m in mailcatcher.list_messages(tmp_path)] == ["Caught"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def test_the_catcher_is_in_use_unless_mail_server_is_set(app, monkeypatch):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    assert mailcatcher.catcher_in_use(app)
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    assert not mailcatcher.catcher_in_use(app)
    monkeypatch.setitem(app.config, "MAIL_CATCHER", True)
    assert mailcatcher.catcher_in_use(app), "the config flag decides when set"


@pytest.fixture
def mail_app(app):
    """The app with the admin mail page. Until create_app registers the blueprint, a second app
    (blueprints cannot be added to one that has served requests) on the same test database."""
    if "admin_mail" in app.blueprints:
        yield app
        return
    from webapp import create_app
    from webapp.admin.mail_routes import bp
    from webapp.extensions import db

    second = create_app("test")
    second.register_blueprint(bp)
    yield second
    with second.app_context():
        db.engine.dispose()


def signed_in_to(app, user) -> SignedInClient:
    client = app.test_client()
    assert sign_in(client, user.email).status_code == 302
    return SignedInClient(client, user)


def test_administrators_see_caught_mail_newest_first(mail_app, monkeypatch, tmp_path):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    monkeypatch.setitem(mail_app.config, "MAIL_CATCHER_DIRECTORY", str(tmp_path))
    older = message(
        to="a@example.org", subject="Older", text="First body", sent=datetime(2027, 1, 4, 9, tzinfo=UTC)
    )
    newer = message(to="b@example.org", subject="Newer", text="Second body\n\nSign in: http://x.test/")
    mailcatcher.store_message(tmp_path, bytes(older))
    mailcatcher.store_message(tmp_path, bytes(newer))

    page = signed_in_to(mail_app, make_user(roles=Role.ADMINISTRATOR)).get("/admin/mail")

    assert page.h1 == "Caught emails"
    assert page.title.startswith("Caught emails")
    table = page.html.find("table")
    assert table.find("caption").get_text(strip=True)
    rows = table.select("tbody tr")
    assert [row.select("td")[2].get_text(strip=True) for row in rows] == ["Newer", "Older"]
    assert rows[1].select("td")[1].get_text(strip=True) == "a@example.org"
    assert "4 January 2027" in rows[1].select("td")[0].get_text()
    details = rows[0].select_one("details")
    assert details.select_one("summary").get_text(" ", strip=True) == "Show the text of “Newer”"
    assert "Second body" in details.get_text() and newer["Message-ID"] in details.get_text()
    assert len(details.select("p.govuk-body")) == 2, "paragraphs stay paragraphs"


def test_with_a_real_mail_server_the_page_says_where_mail_goes(mail_app, monkeypatch):
    monkeypatch.setitem(mail_app.config, "MAIL_CATCHER", False)
    page = signed_in_to(mail_app, make_user(roles=Role.ADMINISTRATOR)).get("/admin/mail")
    assert page.html.find("table") is None
    assert "configured mail server" in page.text()


def test_an_empty_catcher_says_so(mail_app, monkeypatch, tmp_path):
    monkeypatch.setitem(mail_app.config, "MAIL_CATCHER", True)
    monkeypatch.setitem(mail_app.config, "MAIL_CATCHER_DIRECTORY", str(tmp_path / "empty"))
    page = signed_in_to(mail_app, make_user(roles=Role.ADMINISTRATOR)).get("/admin/mail")
    assert "No emails caught yet" in page.text()


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.CHIEF_EXECUTIVE])
def test_other_roles_may_not_see_caught_mail(mail_app, role):
    signed_in_to(mail_app, make_user(roles=role)).get("/admin/mail", status=403)


def test_caught_mail_needs_sign_in(mail_app):
    response = mail_app.test_client().get("/admin/mail")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_make_run_starts_the_catcher_first_only_without_mail_server():
    names = [name for name, _argv in devserver.processes({})]
    assert names == ["mail", "web", "scheduler"]
    assert dict(devserver.processes({}))["mail"][-2:] == ["--port", "8025"]
    assert dict(devserver.processes({"MAIL_PORT": "2525"}))["mail"][-2:] == ["--port", "2525"]
    names = [name for name, _argv in devserver.processes({"MAIL_SERVER": "smtp.example.org"})]
    assert names == ["web", "scheduler"]
    scheduler_argv = dict(devserver.processes({}))["scheduler"]
    assert scheduler_argv[1:] == ["-m", "flask", "scheduler", "run"]
    assert os.path.basename(scheduler_argv[0]).startswith("python")


def test_make_run_takes_the_web_port_and_links_emails_to_it():
    assert dict(devserver.processes({}))["web"][-2:] == ["--port", "5000"]
    assert dict(devserver.processes({"PORT": "5104"}))["web"][-2:] == ["--port", "5104"]
    env = devserver.child_environment({"PORT": "5104"})
    assert env["BASE_URL"] == "http://127.0.0.1:5104"
    assert devserver.child_environment({"PORT": "5104", "BASE_URL": "https://x.test"})["BASE_URL"] == (
        "https://x.test"
    )


def test_the_catcher_is_the_mail_server_whenever_mail_goes_to_this_machine(app, monkeypatch):
    for server in ("127.0.0.1", "localhost"):
        names = [name for name, _argv in devserver.processes({"MAIL_SERVER": server, "MAIL_PORT": "2526"})]
        assert names == ["mail", "web", "scheduler"]
        assert devserver.child_environment({"MAIL_SERVER": server})["MAIL_CATCHER"] == "1"
        monkeypatch.setenv("MAIL_SERVER", server)
        monkeypatch.delenv("MAIL_CATCHER", raising=False)
        assert mailcatcher.catcher_in_use(app), "Caught emails works when the catcher is the server"
    assert [name for name, _ in devserver.processes({"MAIL_CATCHER": "0"})] == ["web", "scheduler"]
    assert devserver.child_environment({"MAIL_SERVER": "smtp.example.org"})["MAIL_CATCHER"] == "0"
    monkeypatch.setenv("MAIL_CATCHER", "0")
    assert not mailcatcher.catcher_in_use(app)
