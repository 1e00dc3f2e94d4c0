"""The outbox relay: claims due notifications, sends them over SMTP, retries, gives up cleanly.

Exactly-once is not possible over SMTP (a crash after the server accepted a message and before the
row is marked sent resends it), so every email carries a stable Message-ID for receivers to drop
duplicates. Everything else is at-most-once per claim:

- a row is claimed (pending -> sending) in its own short transaction; on PostgreSQL with
  FOR UPDATE SKIP LOCKED, so parallel relays take different rows and never wait on each other;
- a claim that is not finished within the lease (the relay died mid-send) is claimed again;
- a temporary failure (connection refused, 4xx) is retried with exponential backoff; a permanent
  one (5xx) or too many attempts ends in ``failed``, which administrators see and can retry.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from datetime import datetime, timedelta
from email.policy import compat32
from email.utils import parseaddr

from flask import current_app
from flask_mail import Connection
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from webapp.extensions import db, rows_matched
from webapp.models import Notification, NotificationStatus, User, utcnow
from webapp.notifications.combining import combine
from webapp.notifications.email import build_message

log = logging.getLogger(__name__)

BATCH = 200
RECORD_EVERY = 50  # outcomes recorded per commit
# smtplib sends bytes as they are: serialise with the CRLF line ends SMTP requires.
_WIRE = compat32.clone(linesep="\r\n")


def _due(now: datetime, lease: timedelta):
    return or_(
        and_(Notification.status == NotificationStatus.PENDING, Notification.next_attempt_at <= now),
        and_(Notification.status == NotificationStatus.SENDING, Notification.claimed_at < now - lease),
    )


def claim(now: datetime, worker: str, *, limit: int = BATCH) -> list[int]:
    """Mark up to ``limit`` due rows as being sent by ``worker``; return their ids."""
    lease = timedelta(seconds=current_app.config["RELAY_LEASE_SECONDS"])
    query = select(Notification.id).where(_due(now, lease)).order_by(Notification.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.execute(query).scalars())
    if not ids:
        db.session.commit()
        return []
    # One conditional UPDATE for the batch: on SQLite (no row locks) a second relay that read the
    # same ids finds them no longer due and claims none of them.
    claimed = sorted(
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), _due(now, lease))
            .values(status=NotificationStatus.SENDING, claimed_at=now, claimed_by=worker)
            .returning(Notification.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    db.session.commit()
    return claimed


def _is_temporary(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Refused, reset or timed-out connections, and servers that hang up, are worth retrying.
    return isinstance(error, (smtplib.SMTPServerDisconnected, OSError))


def _describe(error: Exception) -> str:
    """The error class and SMTP code only: server replies can echo addresses back."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:200]


class _Connection(Connection):
    """Flask-Mail's connection with a socket timeout: a hung server must not hang the relay."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        timeout = current_app.config["MAIL_TIMEOUT_SECONDS"]
        smtp_class = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = smtp_class(self.mail.server, self.mail.port, timeout=timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


class _Sender:
    """One SMTP connection for a batch, reopened after any failure."""

    def __init__(self) -> None:
        self.connection: _Connection | None = None
        # Set when the server could not be reached or dropped us (not when it refused a message):
        # the rest of the batch waits for the next run rather than each waiting for a timeout.
        self.unreachable = False

    def send(self, notification: Notification) -> None:
        try:
            if self.connection is None:
                self.connection = _Connection(current_app.extensions["mail"]).__enter__()
            if self.connection.host is None:
                return  # MAIL_SUPPRESS_SEND: Flask-Mail opened no connection, so nothing goes out
            message = build_message(notification)
            self.connection.host.sendmail(
                parseaddr(message["From"])[1], [notification.user.email], message.as_bytes(policy=_WIRE)
            )
        except Exception as error:
            # smtplib's errors are OSErrors; a refusal with an SMTP code is about one message.
            if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPResponseException):
                self.unreachable = True
            self.close(polite=False)
            raise

    def close(self, *, polite: bool = True) -> None:
        if self.connection is not None and self.connection.host is not None:
            try:
                if polite:
                    self.connection.host.quit()
                else:
                    self.connection.host.close()
            except (smtplib.SMTPException, OSError):
                pass
        self.connection = None


def _record_failure(notification: Notification, error: Exception, now: datetime) -> None:
    notification.attempts += 1
    notification.last_error = _describe(error)
    notification.claimed_by = None
    max_attempts = current_app.config["RELAY_MAX_ATTEMPTS"]
    if _is_temporary(error) and notification.attempts < max_attempts:
        delay = current_app.config["RELAY_BACKOFF_SECONDS"] * 2 ** (notification.attempts - 1)
        notification.status = NotificationStatus.PENDING
        notification.next_attempt_at = now + timedelta(seconds=delay)
    else:
        notification.status = NotificationStatus.FAILED
    log.warning(
        "notification %s not sent (%s), attempt %s, now %s",
        notification.id,
        notification.last_error,
        notification.attempts,
        notification.status.value,
    )


def send_one(notification: Notification | int, worker: str, now: datetime, sender: _Sender) -> str:
    """Send one claimed notification and set its new status; the caller commits (run() does so
    every RECORD_EVERY messages). Returns the new status, or "skipped" if the claim is not ours."""
    row = db.session.get(Notification, notification) if isinstance(notification, int) else notification
    if row is None or row.status != NotificationStatus.SENDING or row.claimed_by != worker:
        return "skipped"
    try:
        sender.send(row)
    except Exception as error:
        _record_failure(row, error, now)
    else:
        row.status = NotificationStatus.SENT
        row.sent_at = utcnow()
        row.attempts += 1
    return row.status.value


def _load(ids: list[int]) -> list[Notification]:
    """The claimed rows with their recipients, in one query."""
    return list(
        db.session.execute(
            select(Notification)
            .where(Notification.id.in_(ids))
            .options(joinedload(Notification.user).lazyload(User.role_rows))
            .order_by(Notification.id)
        ).scalars()
    )


def _release(ids: list[int], worker: str, now: datetime) -> int:
    """Give back claimed rows not tried, without counting an attempt: the server is unreachable."""
    if not ids:
        return 0
    retry_at = now + timedelta(seconds=current_app.config["RELAY_BACKOFF_SECONDS"])
    released = rows_matched(
        update(Notification)
        .where(
            Notification.id.in_(ids),
            Notification.status == NotificationStatus.SENDING,
            Notification.claimed_by == worker,
        )
        .values(status=NotificationStatus.PENDING, claimed_by=None, claimed_at=None, next_attempt_at=retry_at)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return released


def run(
    now: datetime | None = None, *, worker: str | None = None, time_slice: float | None = None
) -> dict[str, int]:
    """Claim and send batch after batch, on one SMTP connection, until nothing is due, the mail
    server is unreachable, or the time slice (``RELAY_TIME_SLICE_SECONDS``) has passed: a burst of
    messages drains in one run, not one batch per scheduled run."""
    now = now or utcnow()
    worker = worker or uuid.uuid4().hex
    if time_slice is None:
        time_slice = current_app.config["RELAY_TIME_SLICE_SECONDS"]
    ends = time.monotonic() + time_slice
    counts = {"claimed": 0, "sent": 0, "pending": 0, "failed": 0, "released": 0}
    sender = _Sender()
    # One email per person per cycle (webapp/notifications/combining.py decides what is sent):
    # once per run, since ``now`` is fixed for the run and nothing else becomes due during it.
    combine(now)
    try:
        while True:
            claimed = claim(now, worker, limit=BATCH)
            if not claimed:
                break
            counts["claimed"] += len(claimed)
            _send_batch(claimed, worker, now, sender, counts)
            if sender.unreachable or time.monotonic() >= ends:
                break
    finally:
        sender.close()
    return counts


def _send_batch(
    claimed: list[int], worker: str, now: datetime, sender: _Sender, counts: dict[str, int]
) -> None:
    """Send one claimed batch; if the server is unreachable, give the untried rest back."""
    tried = 0
    for start in range(0, len(claimed), RECORD_EVERY):
        for notification in _load(claimed[start : start + RECORD_EVERY]):
            outcome = send_one(notification, worker, now, sender)
            tried += 1
            if outcome in counts:
                counts[outcome] += 1
            if sender.unreachable:
                break
        # One commit per group, not per message: a commit is a disk flush, and one per message
        # held the relay near 80 emails/s (bench/sweep.py). A relay that dies inside a group
        # resends that group after the lease, with the same Message-IDs for receivers to drop.
        db.session.commit()
        if sender.unreachable:
            # At most one connection timeout per run, so a claim never outlives its lease
            # while the relay still holds it.
            counts["released"] += _release(claimed[tried:], worker, now)
            break
