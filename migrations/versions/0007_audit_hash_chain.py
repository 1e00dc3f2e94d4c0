"""audit trail: keyed hash chain, and triggers refusing UPDATE and DELETE

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-01 03:30:00

Existing events are chained in id order with the configured AUDIT_HMAC_KEY, using the app's own
canonical form (webapp/audit_chain.py), so `flask audit verify` checks them like new ones. They are
chained on the columns of this revision (HASHED_FIELDS); source_address, added by 0010 after this,
is hashed only where it holds a value, so these hashes stay valid.
"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

from webapp.audit_chain import GENESIS_HASH, HASHED_FIELDS, chain_hash
from webapp.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None

REFUSE_MESSAGE = "audit events cannot be changed or deleted"

POSTGRESQL_UP = (
    f"""
    CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSE_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_events_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change()
    """,
    """
    CREATE TRIGGER audit_events_refuse_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()
    """,
)
POSTGRESQL_DOWN = (
    "DROP TRIGGER audit_events_refuse_truncate ON audit_events",
    "DROP TRIGGER audit_events_refuse_update_delete ON audit_events",
    "DROP FUNCTION audit_events_refuse_change()",
)
SQLITE_UP = tuple(
    f"""
    CREATE TRIGGER audit_events_refuse_{action.lower()} BEFORE {action} ON audit_events
    BEGIN SELECT RAISE(ABORT, '{REFUSE_MESSAGE}'); END
    """
    for action in ("UPDATE", "DELETE")
)
SQLITE_DOWN = (
    "DROP TRIGGER audit_events_refuse_update",
    "DROP TRIGGER audit_events_refuse_delete",
)


def _chain_existing_rows() -> None:
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer),
        sa.column("occurred_at", UTCDateTime),
        sa.column("event_type", sa.String),
        sa.column("actor_id", sa.Integer),
        sa.column("actor_label", sa.String),
        sa.column("record_type", sa.String),
        sa.column("record_id", sa.Integer),
        sa.column("case_id", sa.Integer),
        sa.column("changed_fields", sa.JSON),
        sa.column("previous_hash", sa.String),
        sa.column("chain_hash", sa.String),
    )
    connection = op.get_bind()
    key = current_app.config["AUDIT_HMAC_KEY"].encode()
    rows = connection.execute(
        sa.select(*(events.c[name] for name in HASHED_FIELDS)).order_by(events.c.id)
    ).all()
    previous = GENESIS_HASH
    for row in rows:
        digest = chain_hash(key, row._mapping, previous)
        connection.execute(
            events.update()
            .where(events.c.id == row.id)
            .values(previous_hash=previous, chain_hash=digest)
        )
        previous = digest


def upgrade():
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("chain_hash", sa.String(length=64), nullable=True))
    _chain_existing_rows()
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("previous_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("chain_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_chain_hash"), ["chain_hash"])
    # After the batch operations: on SQLite they rebuild the table, which would drop triggers.
    statements = POSTGRESQL_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)


def downgrade():
    statements = POSTGRESQL_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_chain_hash"), type_="unique")
        batch_op.drop_column("chain_hash")
        batch_op.drop_column("previous_hash")
