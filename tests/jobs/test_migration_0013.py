"""Migration 0013 with data in it, down and up, on whichever database the tests run on: people keep
their accounts and start with an email for each event; a notification combined into another's email
counts as sent before 0013 (it was covered by that email) and the outbox keeps every row."""

from __future__ import annotations

from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from jobs import relay
from tests.factories import make_user
from webapp.extensions import db
from webapp.models import Notification, NotificationStatus, User
from webapp.notifications.services import notify

BEFORE_0013 = (
    ScriptDirectory(str(Path(__file__).parents[2] / "migrations")).get_revision("0013").down_revision
)


def columns(table: str) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns(table)}


def test_0013_down_and_up_with_data(app, smtp_server):
    person = make_user(email="kept@example.org")
    person.email_preference = "daily"
    db.session.commit()
    for n in range(2):
        notify(person, "account_roles_changed", link_path="/account", detail="x", dedupe_key=f"m:{n}")
    db.session.commit()
    relay.run()  # at-once kinds: two emails, nothing combined
    busy = make_user(email="busy@example.org")
    for n in range(3):
        notify(busy, "task_assigned", link_path=f"/tasks/{n}", detail="x", dedupe_key=f"b:{n}")
    db.session.commit()
    relay.run()
    statuses = sorted(n.status.value for n in db.session.query(Notification))
    assert statuses == ["combined", "combined", "sent", "sent", "sent"]
    person_id = person.id
    db.session.remove()
    try:
        flask_migrate.downgrade(revision=BEFORE_0013)
        assert "email_preference" not in columns("users")
        assert "combined_into_id" not in columns("notifications")
        rows = db.session.execute(text("SELECT status FROM notifications")).scalars().all()
        assert sorted(rows) == ["sent"] * 5
        db.session.remove()
    finally:
        flask_migrate.upgrade()
    assert db.session.get(User, person_id).email_preference == "each"  # everyone starts with each
    assert db.session.query(Notification).count() == 5
    # The new status is allowed again after the way back up.
    row = db.session.query(Notification).first()
    row.status = NotificationStatus.COMBINED
    db.session.commit()
