"""Small helpers for the sign-in security tests."""

from __future__ import annotations

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import AuditEvent, Notification


def events(event_type: str) -> list[AuditEvent]:
    return list(
        db.session.execute(
            select(AuditEvent).where(AuditEvent.event_type == event_type).order_by(AuditEvent.id)
        ).scalars()
    )


def notifications_of(user, kind: str) -> list[Notification]:
    return list(
        db.session.execute(
            select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        ).scalars()
    )


def cookie_of(client) -> str:
    """The session cookie's value, as an attacker who copied it would hold it."""
    return client.get_cookie("session").value


def client_with_cookie(app, value: str):
    client = app.test_client()
    client.set_cookie("session", value)
    return client
