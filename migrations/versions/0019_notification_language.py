"""each in-app notification keeps the language its words were written in

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 02:10:00

A notification is written in its recipient's language when it is made; if they change language
later, a page in the other language marks the old words with ``lang``. Every notification before
this was written in English (the service had no Welsh), so existing rows are "en". Downgrading drops
the column only.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=2), server_default="en", nullable=False))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("language")
