"""The audit trail is tamper-evident: a keyed hash chain that `flask audit verify` walks, and
triggers that refuse UPDATE and DELETE."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import audit_triggers_off, sign_in
from tests.factories import make_case, make_user
from webapp import audit, records
from webapp.extensions import db
from webapp.models import AuditEvent, Notification, Role


def write_events(count: int) -> list[int]:
    for number in range(count):
        audit.record("area.created", record_id=number + 1, actor_label="cli")
        db.session.commit()
    return list(db.session.execute(select(AuditEvent.id).order_by(AuditEvent.id)).scalars())


def verify(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def tamper(sql: str, **params) -> None:
    """As someone with the database owner's rights would: switch the triggers off, then change."""
    db.session.remove()
    with db.engine.begin() as connection, audit_triggers_off(connection):
        connection.execute(text(sql), params)


def test_an_intact_trail_verifies_and_counts_its_events(app):
    ids = write_events(5)
    code, output = verify(app)
    assert code == 0, output
    assert f"5 events checked, the last is event {ids[-1]}" in output


def test_each_event_is_chained_to_the_one_before(app):
    write_events(3)
    rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert rows[0].previous_hash == "0" * 64
    assert [row.previous_hash for row in rows[1:]] == [row.chain_hash for row in rows[:-1]]
    assert len({row.chain_hash for row in rows}) == 3


def test_a_changed_event_is_named(app):
    ids = write_events(5)
    tamper("UPDATE audit_events SET record_id = 999 WHERE id = :id", id=ids[2])
    code, output = verify(app)
    assert code == 1
    assert f"BROKEN at event {ids[2]}" in output
    assert "changed" in output
    assert "2 events before it are intact" in output


def test_a_deleted_event_is_found_at_the_next_one(app):
    ids = write_events(5)
    tamper("DELETE FROM audit_events WHERE id = :id", id=ids[2])
    code, output = verify(app)
    assert code == 1
    assert f"BROKEN at event {ids[3]}" in output
    assert f"does not follow event {ids[1]}" in output


def insert_forged(event_id: int, *, after: AuditEvent) -> None:
    """A row chained to ``after`` by its previous hash, as a forger without the key would write it.
    INSERT needs no trigger switched off: the app itself appends."""
    tamper(
        "INSERT INTO audit_events (id, occurred_at, event_type, actor_label, record_type, record_id,"
        " changed_fields, previous_hash, chain_hash)"
        " VALUES (:id, :at, 'user.signed_in', 'system', 'user', 1, '[]', :previous, :forged)",
        id=event_id,
        at=after.occurred_at.replace(tzinfo=None),
        previous=after.chain_hash,
        forged="f" * 64,
    )


def test_an_event_inserted_out_of_chain_is_named(app):
    ids = write_events(3)
    insert_forged(ids[-1] + 1, after=db.session.get(AuditEvent, ids[-1]))
    code, output = verify(app)
    assert code == 1
    assert f"BROKEN at event {ids[-1] + 1}" in output
    assert "forged" in output


def test_an_event_inserted_in_the_middle_breaks_the_chain(app):
    ids = write_events(4)
    tamper("DELETE FROM audit_events WHERE id = :id", id=ids[1])
    insert_forged(ids[1], after=db.session.get(AuditEvent, ids[0]))
    code, output = verify(app)
    assert code == 1
    assert f"BROKEN at event {ids[1]}" in output


def test_the_key_matters(app):
    write_events(2)
    saved = app.config["AUDIT_HMAC_KEY"]
    app.config["AUDIT_HMAC_KEY"] = "another key entirely"
    try:
        code, _output = verify(app)
    finally:
        app.config["AUDIT_HMAC_KEY"] = saved
    assert code == 1, "a chain checked with the wrong key must fail"


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_events SET event_type = 'case.viewed'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_to_change_or_delete_events(app, sql):
    write_events(2)
    db.session.remove()
    refused = pytest.raises(DBAPIError, match="audit events cannot be changed or deleted")
    with refused, db.engine.begin() as connection:
        connection.execute(text(sql))
    assert len(write_events(0)) == 2


def test_the_orm_cannot_delete_an_event_either(app):
    [event_id] = write_events(1)
    db.session.delete(db.session.get(AuditEvent, event_id))
    with pytest.raises(DBAPIError, match="audit events cannot be changed or deleted"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event_id) is not None


def test_postgresql_refuses_truncate(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    write_events(1)
    db.session.remove()
    refused = pytest.raises(DBAPIError, match="audit events cannot be changed or deleted")
    with refused, db.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_events CASCADE"))


def test_a_rolled_back_change_leaves_no_event_and_no_gap_in_the_chain(app):
    write_events(1)
    audit.record("area.created", record_id=50, actor_label="cli")
    db.session.rollback()
    write_events(1)
    assert db.session.query(AuditEvent).filter_by(record_id=50).count() == 0
    assert verify(app)[0] == 0


def test_the_unit_of_work_seals_its_events_into_the_chain_when_it_commits(app):
    """records.unit_of_work is where services' changes commit: its events join the chain there,
    and a unit of work that fails leaves none of its events behind."""
    write_events(1)
    with records.unit_of_work():
        audit.record("area.created", record_id=60, actor_label="cli")
        db.session.flush()
        assert db.session.query(AuditEvent).filter_by(record_id=60).count() == 0  # not before commit
    with pytest.raises(RuntimeError), records.unit_of_work():
        audit.record("area.created", record_id=61, actor_label="cli")
        raise RuntimeError("refused")
    write_events(1)
    rows = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [row.record_id for row in rows] == [1, 60, 1]
    assert rows[1].previous_hash == rows[0].chain_hash
    assert rows[2].previous_hash == rows[1].chain_hash
    assert verify(app)[0] == 0


def test_the_chain_stays_valid_under_20_concurrent_requests(app):
    # Twenty sign-ins inside one 30-second step: a CE's authenticator code works only once, so the
    # reader is the area's head of operations, who signs in with the password alone.
    case = make_case()
    case_id = case.id
    reader = make_user(roles=Role.AREA_HEAD_OF_OPERATIONS, area=case.area)
    clients = []
    for _ in range(20):
        client = app.test_client()
        assert sign_in(client, reader.email).status_code == 302
        clients.append(client)
    before = db.session.query(AuditEvent).count()
    db.session.remove()
    start = threading.Barrier(20)
    statuses: list[int] = []

    def views(client) -> None:
        start.wait()
        for _ in range(5):
            statuses.append(client.get(f"/cases/{case_id}").status_code)

    threads = [threading.Thread(target=views, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert statuses == [200] * 100
    assert db.session.query(AuditEvent).count() == before + 100
    code, output = verify(app)
    assert code == 0, output


def test_the_daily_check_alerts_administrators_only_when_broken(app):
    from jobs import audit_check

    admin_id = make_user(roles=Role.ADMINISTRATOR).id
    make_user(roles=Role.CHIEF_EXECUTIVE)
    ids = write_events(3)
    assert audit_check.run() == {"checked": 3, "broken": 0, "alerted": 0}
    assert db.session.query(Notification).count() == 0

    tamper("UPDATE audit_events SET case_id = 7 WHERE id = :id", id=ids[1])
    assert audit_check.run()["alerted"] == 1
    [alert] = db.session.execute(select(Notification)).scalars().all()
    assert (alert.user_id, alert.kind, alert.link_path) == (admin_id, "audit_trail_broken", "/admin/audit")
    assert str(ids[1]) in alert.detail
    assert audit_check.run()["alerted"] == 0, "one alert a day"


def test_several_events_sealed_in_one_commit_take_ids_in_their_order(app):
    """One commit seals all its events under one lock (on PostgreSQL the tail and every new id in
    one statement): the ids follow the order the events were recorded, each chained to the one
    before, and the trail verifies."""
    write_events(2)
    for number in range(3):
        audit.record("area.created", record_id=100 + number, actor_label="cli")
    db.session.commit()
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
    assert [e.record_id for e in events[-3:]] == [100, 101, 102]
    for before, after in itertools.pairwise(events):
        assert after.previous_hash == before.chain_hash
    code, output = verify(app)
    assert code == 0, output
