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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.policy import compat32
from typing import NamedTuple

from flask import current_app
from flask_mail import Connection
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from webapp.extensions import db, rows_matched
from webapp.models import Notification, NotificationStatus, User, utcnow
from webapp.notifications.combining import carriers, combine
from webapp.notifications.email import WireWriter

log = logging.getLogger(__name__)

BATCH = 100  # claimed, sent and recorded together (one commit)
# smtplib sends bytes as they are: serialise with the CRLF line ends SMTP requires.
_WIRE = compat32.clone(linesep="\r\n")


def _due(now: datetime, lease: timedelta):
    return or_(
        and_(Notification.status == NotificationStatus.PENDING, Notification.next_attempt_at <= now),
        and_(Notification.status == NotificationStatus.SENDING, Notification.claimed_at < now - lease),
    )


def claim(now: datetime, worker: str, *, limit: int = BATCH) -> list[int]:
    """Mark up to ``limit`` due rows as being sent by ``worker``; return their ids.

    One statement: the first due rows are picked in a materialised CTE (run once; a LIMIT subquery
    inside IN may be run again per row and update more than ``limit``), on PostgreSQL FOR UPDATE
    SKIP LOCKED, so parallel relays take different rows and never wait on each other; SQLite runs
    the statement under its one write lock, and a second relay finds them no longer due."""
    lease = timedelta(seconds=current_app.config["RELAY_LEASE_SECONDS"])
    first_due = select(Notification.id).where(_due(now, lease)).order_by(Notification.id).limit(limit)
    if db.engine.dialect.name == "postgresql":
        first_due = first_due.with_for_update(skip_locked=True)
    picked = first_due.cte("first_due").prefix_with("MATERIALIZED")
    claimed = sorted(
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(select(picked.c.id)), _due(now, lease))
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
    """One SMTP connection, reopened after any failure. Used by one thread at a time."""

    def __init__(self) -> None:
        self.connection: _Connection | None = None
        # Set when the server could not be reached or dropped us (not when it refused a message):
        # the rest of the batch waits for the next run rather than each waiting for a timeout.
        self.unreachable = False

    def send(self, sender_address: str, recipient: str, data: bytes) -> None:
        """Send one message's bytes (needs an app context: the mail settings)."""
        try:
            if self.connection is None:
                self.connection = _Connection(current_app.extensions["mail"]).__enter__()
            if self.connection.host is None:
                return  # MAIL_SUPPRESS_SEND: Flask-Mail opened no connection, so nothing goes out
            self.connection.host.sendmail(sender_address, [recipient], data)
        except Exception as error:
            # smtplib's errors are OSErrors; a refusal with an SMTP code is about one message.
            if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPResponseException):
                self.unreachable = True
            self.close(polite=False)
            raise

    def attempt(self, sender_address: str, recipient: str, data: bytes) -> Exception | None:
        """``send``, the error returned rather than raised (for the sending threads)."""
        try:
            self.send(sender_address, recipient, data)
        except Exception as error:
            return error
        return None

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


def send_one(
    notification: Notification | int,
    worker: str,
    now: datetime,
    sender: _Sender,
    writer: WireWriter | None = None,
) -> str:
    """Send one claimed notification and set its new status; the caller commits. Returns the new
    status, or "skipped" if the claim is not ours."""
    row = db.session.get(Notification, notification) if isinstance(notification, int) else notification
    if row is None or not _ours(row, worker):
        return "skipped"
    writer = writer or WireWriter(_WIRE)
    try:
        error = sender.attempt(writer.sender_address, row.user.email, writer.message_bytes(row))
    except Exception as build_error:  # a message that cannot be built fails on its own
        error = build_error
    _record_outcome(row, error, now)
    return row.status.value


def _ours(row: Notification, worker: str) -> bool:
    return row.status == NotificationStatus.SENDING and row.claimed_by == worker


def _record_outcome(row: Notification, error: Exception | None, now: datetime) -> None:
    if error is not None:
        _record_failure(row, error, now)
    else:
        row.status = NotificationStatus.SENT
        row.sent_at = utcnow()
        row.attempts += 1


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


@dataclass
class _Run:
    """What one relay run shares: its worker id, the kinds rendered once, its SMTP connections
    (``RELAY_CONNECTIONS``) and a thread per connection that sends on it, in order."""

    worker: str
    now: datetime
    writer: WireWriter
    senders: list[_Sender]
    lanes: list[ThreadPoolExecutor]
    counts: dict[str, int]
    reached: bool = False  # a message of this run has been sent (the server could be reached)

    @property
    def unreachable(self) -> bool:
        return any(sender.unreachable for sender in self.senders)


def run(
    now: datetime | None = None, *, worker: str | None = None, time_slice: float | None = None
) -> dict[str, int]:
    """Claim and send batch after batch, on a few SMTP connections at once, until nothing is due,
    the mail server is unreachable, or the time slice (``RELAY_TIME_SLICE_SECONDS``) has passed: a
    burst of messages drains in one run, not one batch per scheduled run."""
    now = now or utcnow()
    if time_slice is None:
        time_slice = current_app.config["RELAY_TIME_SLICE_SECONDS"]
    ends = time.monotonic() + time_slice
    connections = max(1, current_app.config["RELAY_CONNECTIONS"])
    state = _Run(
        worker=worker or uuid.uuid4().hex,
        now=now,
        writer=WireWriter(_WIRE),
        senders=[_Sender() for _ in range(connections)],
        lanes=[ThreadPoolExecutor(1, thread_name_prefix="relay") for _ in range(connections)],
        counts={"claimed": 0, "sent": 0, "pending": 0, "failed": 0, "released": 0},
    )
    # One email per person per cycle (webapp/notifications/combining.py decides what is sent):
    # once per run, since ``now`` is fixed for the run and nothing else becomes due during it.
    combine(now)
    # The rows a batch loaded are not read again after its commit (outcomes are recorded by id), so
    # a commit need not expire them (expiring them took about a tenth of the relay thread's time).
    session = db.session()
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        _claim_and_send(state, ends)
    finally:
        session.expire_on_commit = expire_on_commit
        session.expire_all()  # whatever reads these rows after the run reads them afresh
        for lane in state.lanes:
            lane.shutdown()
        for sender in state.senders:
            sender.close()
    return state.counts


class _Message(NamedTuple):
    """A message ready to send. Its id is kept apart from the row: the sending threads never touch
    the row, which belongs to the relay thread's session."""

    id: int
    row: Notification
    recipient: str
    data: bytes


@dataclass
class _Flight:
    """A batch's messages handed to the sending threads, and what became of each."""

    outgoing: list[_Message]
    results: dict[int, Exception | None]
    futures: list[Future[None]]


def _claim_and_send(state: _Run, ends: float) -> None:
    """Claim a batch, build its messages and hand them to the sending threads; while they send,
    record the last batch's outcomes and claim, load and build the next. If the server is
    unreachable, give back what was not tried.

    Each batch's outcomes are recorded with one commit, not one per message: a commit is a disk
    flush, and one per message held the relay near 80 emails/s (bench/sweep.py). A relay that dies
    mid-batch resends that batch after the lease, with the same Message-IDs for receivers to drop."""
    flying: _Flight | None = None
    untried: list[int] = []
    while True:
        claimed = claim(state.now, state.worker, limit=BATCH)
        state.counts["claimed"] += len(claimed)
        flight = _dispatch(_build(_load(claimed), state), state) if claimed else None
        if flying is not None:
            untried += _land(flying, state)
        flying = flight
        # On an unreachable server: at most one connection timeout per connection per run, so a
        # claim never outlives its lease while the relay still holds it.
        if flying is None or state.unreachable or time.monotonic() >= ends:
            break
    if flying is not None:
        untried += _land(flying, state)
    state.counts["released"] += _release(untried, state.worker, state.now)


def _build(rows: list[Notification], state: _Run) -> list[_Message]:
    """The batch's messages as bytes (the session is this thread's); one that cannot be built
    fails on its own."""
    outgoing: list[_Message] = []
    carrying = carriers([row.id for row in rows])
    for row in rows:
        if not _ours(row, state.worker):
            continue
        try:
            data = state.writer.message_bytes(row, carries_others=row.id in carrying)
            outgoing.append(_Message(row.id, row, row.user.email, data))
        except Exception as error:
            _count(state, row, error)
    return outgoing


def _dispatch(outgoing: list[_Message], state: _Run) -> _Flight:
    """Share a batch's messages out between the connections, each sending its share on its own
    thread after what it was given before. Until the server has been reached once in this run,
    the first message goes out on this thread, so a server that cannot be reached costs one
    attempt."""
    flight = _Flight(outgoing=outgoing, results={}, futures=[])
    if not outgoing:
        return flight
    address = state.writer.sender_address
    rest = outgoing
    if not state.reached:
        first = outgoing[0]
        flight.results[first.id] = state.senders[0].attempt(address, first.recipient, first.data)
        state.reached = not state.unreachable
        rest = outgoing[1:]
    if not rest or state.unreachable:
        return flight
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    count = len(state.senders)

    def lane(index: int) -> None:
        sender = state.senders[index]
        with app.app_context():
            for message in rest[index::count]:
                if state.unreachable:
                    return
                flight.results[message.id] = sender.attempt(address, message.recipient, message.data)

    flight.futures = [state.lanes[index].submit(lane, index) for index in range(count)]
    return flight


def _land(flight: _Flight, state: _Run) -> list[int]:
    """Wait for a batch to be sent, record every outcome in one commit; return the ids not tried."""
    for future in flight.futures:
        future.result()
    sent: list[int] = []
    untried: list[int] = []
    for message in flight.outgoing:
        if message.id not in flight.results:
            untried.append(message.id)
        elif (error := flight.results[message.id]) is None:
            sent.append(message.id)
        else:
            _count(state, message.row, error)
    if sent:
        # One statement for all that were sent, not an UPDATE per row.
        state.counts["sent"] += rows_matched(
            update(Notification)
            .where(
                Notification.id.in_(sent),
                Notification.status == NotificationStatus.SENDING,
                Notification.claimed_by == state.worker,
            )
            .values(status=NotificationStatus.SENT, sent_at=utcnow(), attempts=Notification.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return untried


def _count(state: _Run, row: Notification, error: Exception | None) -> None:
    _record_outcome(row, error, state.now)
    status = row.status.value
    if status in state.counts:
        state.counts[status] += 1
