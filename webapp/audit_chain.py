"""The tamper-evident audit trail: each event carries an HMAC chained to the event before it.

``chain_hash = HMAC-SHA256(AUDIT_HMAC_KEY, canonical(event fields + previous event's hash))``. The key
is not the session secret, so someone who can read the database and the session key still cannot
forge a link. Changing, removing or inserting a row breaks the chain at that row, which
``verify`` (``flask audit verify`` and the daily ``audit_check`` job) reports.

Events are sealed at commit, not when ``audit.record`` is called: the chain's order is the order of
sealing, and sealing takes the chain lock (a PostgreSQL advisory lock held to the end of the
transaction), so the lock is held only from the moment the audit rows are inserted to the commit.
On SQLite, the database's own write lock serialises writers: sealing takes it before reading.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import Connection, event, select, text
from sqlalchemy.orm import Session

GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock key for the chain's tail: any 64-bit number no other lock uses
# (the scheduler's leader lock uses its own).
CHAIN_LOCK_KEY = 0x61756469745F63
PENDING = "audit_pending"
HASHED_FIELDS = (
    "id",
    "occurred_at",
    "event_type",
    "actor_id",
    "actor_label",
    "record_type",
    "record_id",
    "case_id",
    "changed_fields",
)
# Columns added after the chain began (0010: the client's address), hashed whenever they hold a
# value and left out of the payload when empty. Events chained before a column existed (0007 chains
# the rows already there, before 0010 adds the column) keep their hashes, and setting, changing or
# clearing the value of any event still changes its payload, so it breaks the chain.
LATER_FIELDS = ("source_address",)
CHAINED_FIELDS = HASHED_FIELDS + LATER_FIELDS


def canonical(fields: Mapping[str, Any], previous_hash: str) -> bytes:
    """One byte string per event: sorted-key JSON of the hashed fields and the previous hash."""
    payload = {name: fields[name] for name in HASHED_FIELDS}
    payload.update({name: fields[name] for name in LATER_FIELDS if fields.get(name) is not None})
    occurred_at: datetime = payload["occurred_at"]
    payload["occurred_at"] = occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload["changed_fields"] = list(payload["changed_fields"] or [])
    payload["previous_hash"] = previous_hash
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(key: bytes, fields: Mapping[str, Any], previous_hash: str) -> str:
    return hmac.new(key, canonical(fields, previous_hash), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    return current_app.config["AUDIT_HMAC_KEY"].encode()


def add_pending(session: Session, audit_event) -> None:
    """Queue an event to be sealed and inserted when ``session`` commits."""
    if not session.in_transaction():
        # Begin the transaction the event belongs to, so that rolling back ends it (and drops the
        # queue): a rollback with no transaction begun does nothing, and the next commit would
        # seal an event whose change was undone.
        session.begin()
    session.info.setdefault(PENDING, []).append(audit_event)


def _fields(audit_event) -> dict[str, Any]:
    return {name: getattr(audit_event, name) for name in CHAINED_FIELDS}


def lock_tail(connection: Connection) -> tuple[int, str]:
    """Take the chain lock until the transaction ends, then read the chain's tail (its last id and
    hash; 0 and the genesis hash when the trail is empty). Whoever appends to the chain calls this."""
    if connection.dialect.name == "postgresql":
        # Serialises appends across processes until this transaction ends; read the tail under it.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif (dbapi := connection.connection.dbapi_connection) is not None and not dbapi.in_transaction:
        # SQLite: pysqlite opens a transaction only at the first INSERT, so a unit of work that has
        # only read (a page view) would read the tail outside it and race another writer. Take the
        # write lock first; other writers wait for it (busy_timeout).
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    tail = connection.execute(
        text("SELECT id, chain_hash FROM audit_events ORDER BY id DESC LIMIT 1")
    ).first()
    return (tail.id, tail.chain_hash) if tail else (0, GENESIS_HASH)


# The tail (as lock_tail reads it) and new ids, in one statement.
_TAIL_AND_IDS = text(
    "SELECT tail.id, tail.chain_hash,"
    " ARRAY(SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))"
    " FROM generate_series(1, :count)) AS ids"
    " FROM (SELECT 1) AS one LEFT JOIN"
    " (SELECT id, chain_hash FROM audit_events ORDER BY id DESC LIMIT 1) AS tail ON true"
)


def _lock_tail_and_ids(connection: Connection, count: int) -> tuple[int, str, list[int]]:
    """PostgreSQL: the chain lock, then in one statement (after the lock, so that it sees the
    last holder's commit) the tail and ``count`` new ids from the table's sequence, rather than one
    statement for the tail and one per id while the lock is held."""
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    row = connection.execute(_TAIL_AND_IDS, {"count": count}).one()
    if row.id is None:
        return 0, GENESIS_HASH, list(row.ids)
    return row.id, row.chain_hash, list(row.ids)


def _seal_pending(session: Session) -> None:
    """before_commit: give each queued event its id and chained hash, under the chain lock."""
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        previous_id, previous_hash, ids = _lock_tail_and_ids(connection, len(pending))
    else:
        previous_id, previous_hash = lock_tail(connection)
        ids = list(range(previous_id + 1, previous_id + 1 + len(pending)))
    key = audit_key()
    for audit_event, new_id in zip(pending, ids, strict=True):
        audit_event.id = new_id
        audit_event.previous_hash = previous_hash
        audit_event.chain_hash = chain_hash(key, _fields(audit_event), previous_hash)
        previous_id, previous_hash = audit_event.id, audit_event.chain_hash
        session.add(audit_event)


def _drop_pending(session: Session, transaction) -> None:
    """after_transaction_end: a rolled-back unit of work leaves no queued events behind."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def install() -> None:
    """Seal queued audit events in every session's commit (idempotent)."""
    if not event.contains(Session, "before_commit", _seal_pending):
        event.listen(Session, "before_commit", _seal_pending)
        event.listen(Session, "after_transaction_end", _drop_pending)


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_id: int | None = None
    problem: str | None = None
    last_id: int | None = None  # the newest event checked: nothing after it vouches for it

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def _walk(rows: Iterable, key: bytes) -> VerifyResult:
    previous_id: int | None = None
    previous_hash = GENESIS_HASH
    checked = 0
    for row in rows:
        if row.previous_hash != previous_hash:
            after = f"event {previous_id}" if previous_id is not None else "the start of the trail"
            return VerifyResult(
                checked,
                row.id,
                f"event {row.id} does not follow {after}: an event between them was removed or inserted",
            )
        expected = chain_hash(key, row._mapping, previous_hash)
        if not hmac.compare_digest(expected, row.chain_hash or ""):
            return VerifyResult(
                checked, row.id, f"event {row.id} does not match its hash: it was changed or forged"
            )
        previous_id, previous_hash = row.id, row.chain_hash
        checked += 1
    return VerifyResult(checked, last_id=previous_id)


def verify(session: Session, key: bytes) -> VerifyResult:
    """Walk the chain from the first event in id order; stop at the first event that does not fit."""
    from webapp.models import AuditEvent

    columns = [getattr(AuditEvent, name) for name in CHAINED_FIELDS]
    query = select(*columns, AuditEvent.previous_hash, AuditEvent.chain_hash).order_by(AuditEvent.id)
    # Streamed (a server-side cursor on PostgreSQL), so a long trail is not held in memory.
    result = session.execute(query.execution_options(yield_per=2000))
    try:
        return _walk(result, key)
    finally:
        result.close()
