"""The outbox relay against a real SMTP server: delivery, retries, failures, exactly-once claims."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobs import relay
from tests.concurrency import run_concurrently
from tests.factories import make_user
from webapp.extensions import db
from webapp.models import Notification, NotificationStatus, utcnow
from webapp.notifications.services import notify


def queue(count: int = 1, **kwargs) -> list[Notification]:
    """``count`` notifications, each to its own person (Ann first): several to one person in one
    cycle would travel in one email (tests/jobs/test_combining.py), and these tests count emails."""
    given = kwargs.pop("user", None)
    ann = given or make_user(name="Ann Recipient", email="ann@example.org")
    people = [ann] + [given or make_user(email=f"recipient{n}@example.org") for n in range(1, count)]
    rows = [
        notify(
            people[n],
            "task_due",
            link_path=f"/tasks/{n}",
            detail=f"Secret detail {n}",
            dedupe_key=f"test:{n}:{people[n].id}",
        )
        for n in range(count)
    ]
    db.session.commit()
    return rows


def statuses() -> list[str]:
    return [
        n.status.value for n in db.session.execute(select(Notification).order_by(Notification.id)).scalars()
    ]


def test_delivers_a_generic_email_with_a_stable_message_id(smtp_server, app):
    [row] = queue()
    assert relay.run() == {"claimed": 1, "sent": 1, "pending": 0, "failed": 0, "released": 0}
    [message] = smtp_server.messages
    assert message["To"] == "ann@example.org"
    assert message["Subject"] == "You have a case review task that is due"
    assert message["Message-ID"] == f"<notification-{row.id}@case-review.invalid>"
    text = smtp_server.texts()[0]
    assert f"{app.config['BASE_URL']}/sign-in?next=/notifications/{row.id}" in text
    assert "Secret detail" not in text and "Ann Recipient" not in text
    assert message.is_multipart() and {p.get_content_type() for p in message.walk()} >= {
        "text/plain",
        "text/html",
    }
    db.session.refresh(row)
    assert row.status == NotificationStatus.SENT and row.sent_at is not None
    assert relay.run()["claimed"] == 0  # nothing twice


def test_server_down_then_back_delivers_each_message_exactly_once(smtp_server, app):
    queue(3)
    smtp_server.stop()
    start = utcnow()
    # The first message finds the server gone; the other two go back to the queue untried, so a
    # dead server costs one connection attempt per run, not one per message.
    assert relay.run(start) == {"claimed": 3, "sent": 0, "pending": 1, "failed": 0, "released": 2}
    rows = db.session.execute(select(Notification).order_by(Notification.id)).scalars().all()
    assert [r.attempts for r in rows] == [1, 0, 0]
    assert all(r.status == NotificationStatus.PENDING and r.claimed_by is None for r in rows)
    assert rows[0].last_error and "ann@example.org" not in rows[0].last_error
    smtp_server.start()
    assert relay.run(start + timedelta(seconds=1))["claimed"] == 0  # backing off
    backoff = app.config["RELAY_BACKOFF_SECONDS"]
    assert relay.run(start + timedelta(seconds=backoff + 1))["sent"] == 3
    assert relay.run(start + timedelta(hours=1))["claimed"] == 0
    assert len(smtp_server.messages) == 3 and len(set(smtp_server.message_ids())) == 3


def test_a_server_that_goes_away_mid_run_gets_the_rest_later_and_nothing_is_lost(
    smtp_server, app, monkeypatch
):
    """Batches are sent while the next is claimed and built: when the server goes away during one,
    the run stops claiming, gives back what it had not tried (no attempt counted), and a later run
    sends everything."""
    import asyncio
    import threading

    monkeypatch.setattr(relay, "BATCH", 10)
    queue(90)
    accept = smtp_server.handler.handle_DATA
    accepted = []

    async def go_away_after_twelve(server, session, envelope):
        reply = await accept(server, session, envelope)
        accepted.append(1)
        if len(accepted) == 12:
            # Stop once this reply is on its way, as a server shutting down would.
            asyncio.get_running_loop().call_soon(threading.Thread(target=smtp_server.stop).start)
        return reply

    smtp_server.handler.handle_DATA = go_away_after_twelve
    start = utcnow()
    counts = relay.run(start)
    assert counts["claimed"] < 90, "no more batches were claimed once the server was unreachable"
    assert counts["sent"] >= 12 and counts["released"] >= 1
    assert counts["sent"] + counts["pending"] + counts["failed"] + counts["released"] == counts["claimed"]
    rows = db.session.execute(select(Notification).order_by(Notification.id)).scalars().all()
    untried = [r for r in rows if r.status == NotificationStatus.PENDING and r.attempts == 0]
    assert len(untried) == counts["released"] + 90 - counts["claimed"]
    assert not [r for r in rows if r.status == NotificationStatus.SENDING], "no claim is left held"
    smtp_server.handler.handle_DATA = accept
    smtp_server.start()
    backoff = app.config["RELAY_BACKOFF_SECONDS"]
    relay.run(start + timedelta(seconds=backoff * 4))
    db.session.expire_all()
    assert set(statuses()) == {"sent"}
    assert set(smtp_server.message_ids()) == {f"<notification-{r.id}@case-review.invalid>" for r in rows}


def test_temporary_refusal_is_retried_with_growing_delays(smtp_server, app):
    [row] = queue()
    smtp_server.handler.reply = "451 4.3.0 Mailbox busy, try later"
    now = utcnow()
    backoff = app.config["RELAY_BACKOFF_SECONDS"]
    relay.run(now)
    db.session.refresh(row)
    assert (row.status, row.attempts) == (NotificationStatus.PENDING, 1)
    assert row.last_error == "SMTPDataError 451"
    first_delay = row.next_attempt_at - now
    relay.run(row.next_attempt_at)
    db.session.refresh(row)
    assert row.attempts == 2 and (row.next_attempt_at - now) - first_delay >= timedelta(
        seconds=2 * backoff - 1
    )
    smtp_server.handler.reply = None
    relay.run(row.next_attempt_at)
    db.session.refresh(row)
    assert row.status == NotificationStatus.SENT and len(smtp_server.messages) == 1


def test_permanent_refusal_fails_at_once_and_can_be_retried_by_an_administrator(smtp_server, signed_in):
    from webapp.models import Role

    [row] = queue()
    smtp_server.handler.reply = "550 5.1.1 No such user"
    relay.run()
    db.session.refresh(row)
    assert row.status == NotificationStatus.FAILED and row.attempts == 1
    admin = signed_in(roles=Role.ADMINISTRATOR)
    page = admin.get("/admin/notifications/failed")
    assert "ann@example.org" in page.text() and "SMTPDataError 550" in page.text()
    smtp_server.handler.reply = None
    admin.post(f"/admin/notifications/{row.id}/retry", {}, status=302)
    assert relay.run()["sent"] == 1
    admin.post(f"/admin/notifications/{row.id}/retry", {}, status=302)  # already sent: no effect
    assert relay.run()["claimed"] == 0 and len(smtp_server.messages) == 1


def test_too_many_temporary_failures_end_in_failed(smtp_server, app):
    [row] = queue()
    smtp_server.stop()
    when = utcnow()
    for _ in range(app.config["RELAY_MAX_ATTEMPTS"]):
        relay.run(when)
        db.session.refresh(row)
        when = row.next_attempt_at
    assert row.status == NotificationStatus.FAILED and row.attempts == app.config["RELAY_MAX_ATTEMPTS"]


def test_a_relay_that_died_after_claiming_is_taken_over_after_the_lease(smtp_server, app):
    queue(2)
    now = utcnow()
    claimed = relay.claim(now, "relay-that-crashed")
    assert len(claimed) == 2 and statuses() == ["sending", "sending"]
    assert relay.run(now + timedelta(seconds=10))["claimed"] == 0  # the claim still stands
    lease = app.config["RELAY_LEASE_SECONDS"]
    assert relay.run(now + timedelta(seconds=lease + 1))["sent"] == 2
    # The crashed relay, coming back, finds its claim gone and sends nothing.
    assert relay.send_one(claimed[0], "relay-that-crashed", now, relay._Sender()) == "skipped"
    assert len(smtp_server.messages) == 2


def test_two_relays_at_once_send_each_message_once(smtp_server, app):
    queue(120)
    results = run_concurrently(app, relay.run, times=2)
    assert sum(r["sent"] for r in results) == 120
    ids = smtp_server.message_ids()
    assert len(ids) == 120 and len(set(ids)) == 120
    db.session.expire_all()
    assert set(statuses()) == {"sent"}


def test_deactivated_people_are_not_notified(app):
    user = make_user(active=False)
    assert notify(user, "task_due", link_path="/tasks/1", detail="x", dedupe_key="k") is None


def test_unknown_kinds_and_foreign_links_are_refused(app):
    user = make_user()
    with pytest.raises(ValueError):
        notify(user, "gossip", link_path="/tasks/1", detail="x", dedupe_key="k1")
    with pytest.raises(ValueError):
        notify(user, "task_due", link_path="https://evil.example/", detail="x", dedupe_key="k2")


def test_one_run_keeps_claiming_batches_until_the_outbox_is_empty(smtp_server, app, monkeypatch):
    monkeypatch.setattr(relay, "BATCH", 10)
    queue(25)
    assert relay.run() == {"claimed": 25, "sent": 25, "pending": 0, "failed": 0, "released": 0}
    assert len(smtp_server.messages) == 25 and set(statuses()) == {"sent"}


def test_a_run_stops_claiming_when_its_time_slice_is_over(smtp_server, app, monkeypatch):
    monkeypatch.setattr(relay, "BATCH", 10)
    queue(25)
    assert relay.run(time_slice=0)["claimed"] == 10, "one batch, then the slice is over"
    assert relay.run(time_slice=0)["claimed"] == 10
    assert relay.run()["claimed"] == 5


def test_the_fast_wire_form_is_the_message_build_message_makes(app):
    """The relay's serialiser (each kind rendered once, headers folded once) gives what the email
    package gives for the same notification: headers, structure and every part's decoded text."""
    from email import message_from_bytes
    from email.policy import compat32

    from webapp.notifications.email import WireWriter, build_message

    rows = queue(2)
    wire = compat32.clone(linesep="\r\n")
    writer = WireWriter(wire)
    for row in rows:
        fast = message_from_bytes(writer.message_bytes(row))
        slow = message_from_bytes(build_message(row).as_bytes(policy=wire))
        for header in ("Subject", "From", "To", "Message-ID", "MIME-Version"):
            assert fast[header] == slow[header], header
        assert fast.get_content_type() == slow.get_content_type() == "multipart/alternative"

        def parts(message):
            return [
                (p.get_content_type(), p.get_content_charset(), p.get_payload(decode=True))
                for p in message.walk()
                if not p.is_multipart()
            ]

        assert parts(fast) == parts(slow)
        assert f"/sign-in?next=/notifications/{row.id}".encode() in parts(fast)[0][2]
