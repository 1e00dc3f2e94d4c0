"""The client's address is part of the audit chain, and the migrations chain a trail that existed
before either of them: 0007 chains the old rows, then 0010 adds the address column."""

from __future__ import annotations

from datetime import UTC, datetime

import flask_migrate
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.factories import make_case
from tests.security.test_audit_chain import tamper, verify
from webapp import audit
from webapp.extensions import db
from webapp.models import AuditEvent, Case


def record_from(app, address: str) -> int:
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
        event = audit.record("area.created", record_id=1, actor_label="cli")
        db.session.commit()
    return event.id


def test_the_address_is_sealed_into_the_chain(app):
    first = record_from(app, "192.0.2.10")
    record_from(app, "192.0.2.11")
    assert db.session.get(AuditEvent, first).source_address == "192.0.2.10"
    assert verify(app)[0] == 0
    tamper("UPDATE audit_events SET source_address = '198.51.100.1' WHERE id = :id", id=first)
    code, output = verify(app)
    assert code == 1 and f"BROKEN at event {first}" in output


def test_giving_an_address_to_an_event_that_had_none_breaks_the_chain(app):
    audit.record("area.created", record_id=1, actor_label="cli")
    db.session.commit()
    [event_id] = db.session.execute(select(AuditEvent.id)).scalars()
    assert verify(app)[0] == 0
    tamper("UPDATE audit_events SET source_address = '192.0.2.10' WHERE id = :id", id=event_id)
    assert verify(app)[0] == 1


def test_a_trail_from_before_the_chain_is_chained_and_then_takes_addresses(app):
    # People and a case that refers to them: SQLite rebuilds users both ways, under their references.
    case_id = make_case().id
    db.session.remove()
    flask_migrate.downgrade(revision="0004")
    try:
        with db.engine.begin() as connection:
            for number in range(3):
                connection.execute(
                    text(
                        "INSERT INTO audit_events (occurred_at, event_type, actor_label, record_type,"
                        " record_id, changed_fields) VALUES (:at, 'area.created', 'cli',"
                        " 'operational_area', :number, '[]')"
                    ),
                    {
                        "at": datetime(2026, 11, 30, 9, number, tzinfo=UTC).replace(tzinfo=None),
                        "number": number,
                    },
                )
    finally:
        flask_migrate.upgrade()
    assert db.session.get(Case, case_id).practitioner.email
    old = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert len(old) == 3 and all(event.source_address is None for event in old)
    record_from(app, "192.0.2.10")
    code, output = verify(app)
    assert code == 0, output
    assert "4 events checked" in output
    # The triggers outlived the column's addition (and, on SQLite, its removal and re-addition).
    db.session.remove()
    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events"))
