"""each person's language: the interface's, and that of every message written for them

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 10:55:00

Everyone starts in English (the default before this service was bilingual); a person changes it with
the "Cymraeg" / "English" link, which saves the choice on their account.
"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


@contextmanager
def _users_rebuilt():
    """Batch changes to a table others refer to. SQLite rebuilds it (copy, drop, rename), which
    migrations/env.py lets it do by running SQLite migrations with the foreign key check off (the
    copy keeps every row's id; every reference is checked once at the end of the run)."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        yield batch_op


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), server_default="en", nullable=False))


def downgrade():
    with _users_rebuilt() as batch_op:
        batch_op.drop_column("language")
