"""Server-side sessions: one ``user_sessions`` row per signed-in browser.

The cookie carries only the row's random token. Requests from the person move ``last_seen_at``
(one conditional UPDATE that also checks the idle and absolute limits, at most once a minute);
nothing else does, so a response that merely rewrites the cookie (a flashed message) extends
nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import login_user
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from webapp.extensions import db
from webapp.models import Notification, User, UserSession, utcnow

# last_seen_at is written at most this often (load()).
TOUCH_EVERY = timedelta(seconds=60)


def idle_limit() -> timedelta:
    return timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])


def absolute_limit() -> timedelta:
    return timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])


def start(user: User) -> UserSession:
    """Sign the person in to a new server-side session (the caller has checked every factor)."""
    now = utcnow()
    record = UserSession(
        token=secrets.token_urlsafe(32),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        authenticated_at=now,
    )
    db.session.add(record)
    db.session.commit()
    user.current_session = record
    session.permanent = True
    login_user(user)
    return record


# Built once (every request runs it): its parameters are the token and the two limits' cut-offs.
# The person's unread notifications come with it (every signed-in page shows the count), counted on
# ix_notifications_unread.
_UNREAD = (
    select(func.count())
    .where(Notification.unread_of(UserSession.user_id))
    .correlate(UserSession)
    .scalar_subquery()
)
_OPEN_SESSION = (
    select(UserSession, _UNREAD)
    .options(joinedload(UserSession.user).joinedload(User.role_rows))
    .where(
        UserSession.token == bindparam("token"),
        UserSession.ended_at.is_(None),
        UserSession.last_seen_at >= bindparam("idle_since"),
        UserSession.created_at >= bindparam("started_since"),
    )
)


def load(token: str) -> User | None:
    """The person for a session token, if the session is open, within its limits and they are active.

    One statement reads the session, the person, their roles and how many of their notifications
    are unread. ``last_seen_at`` is written only
    when it is more than ``TOUCH_EVERY`` old: a page then costs no write and no commit of its own,
    and the idle limit ends at most that much earlier than the person's last request."""
    now = utcnow()
    row = (
        db.session.execute(
            _OPEN_SESSION,
            {"token": token, "idle_since": now - idle_limit(), "started_since": now - absolute_limit()},
        )
        .unique()
        .one_or_none()
    )
    if row is None:
        return None
    record, unread = row
    if not record.user.active:
        return None
    if record.last_seen_at < now - TOUCH_EVERY:
        if not _touch(token, now):
            return None
        set_committed_value(record, "last_seen_at", now)
    user = record.user
    user.current_session = record
    user.unread_at_load = unread
    return user


def _touch(token: str, now: datetime) -> bool:
    """Move ``last_seen_at`` on, if the session is still open and within its limits (a separate short
    transaction, so the request's own unit of work is not committed by it)."""
    with db.engine.begin() as connection:
        touched = connection.execute(
            update(UserSession)
            .where(
                UserSession.token == token,
                UserSession.ended_at.is_(None),
                UserSession.last_seen_at >= now - idle_limit(),
                UserSession.created_at >= now - absolute_limit(),
            )
            .values(last_seen_at=now)
        ).rowcount
    return touched == 1


def end(record: UserSession) -> None:
    record.ended_at = utcnow()


def confirmed_recently(record: UserSession) -> bool:
    window = timedelta(minutes=current_app.config["REAUTHENTICATE_MINUTES"])
    return utcnow() - record.authenticated_at <= window


def confirm(record: UserSession) -> None:
    record.authenticated_at = utcnow()
