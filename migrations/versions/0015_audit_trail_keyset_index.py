"""audit trail keyset index: (occurred_at, id), the trail's order, replaces the index on occurred_at

The audit trail pages on from the last event shown (keyset pagination): ``(occurred_at, id) <
(the last event's)`` newest first. An index on both columns serves that seek exactly; the index on
``occurred_at`` alone left events sharing one time to be filtered and sorted. Plain CREATE and DROP
INDEX (not a batch rebuild), so SQLite keeps the table and its triggers refusing UPDATE and DELETE.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 06:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_events_occurred_at_id', 'audit_events', ['occurred_at', 'id'])
    op.drop_index('ix_audit_events_occurred_at', table_name='audit_events')


def downgrade():
    op.create_index('ix_audit_events_occurred_at', 'audit_events', ['occurred_at'])
    op.drop_index('ix_audit_events_occurred_at_id', table_name='audit_events')
