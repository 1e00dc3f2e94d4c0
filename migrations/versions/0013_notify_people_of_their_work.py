"""notify people of their work: email preference, combined emails

Each person chooses an email for each event or one daily summary; notifications sent to one person
in one relay cycle travel in one email (the others are marked "combined" into it).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 06:10:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "sending", "sent", "failed")
NEW_STATUSES = (*OLD_STATUSES, "combined")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="notification_status", native_enum=False, create_constraint=True, length=40
    )


@contextmanager
def _rebuilt(table: str, **kwargs):
    """Batch changes to a table others refer to. SQLite rebuilds it (copy, drop, rename), which
    migrations/env.py lets it do by running SQLite migrations with the foreign key check off (the
    copy keeps every row's id; every reference is checked once at the end of the run)."""
    with op.batch_alter_table(table, schema=None, **kwargs) as batch_op:
        yield batch_op


def _statuses(values: tuple[str, ...], before: tuple[str, ...]) -> None:
    """Change the statuses the CHECK constraint allows: SQLite rebuilds the table with the new
    type; PostgreSQL replaces the constraint in place."""
    if op.get_bind().dialect.name == "sqlite":
        with _rebuilt("notifications", recreate="always") as batch_op:
            batch_op.alter_column("status", existing_type=_status(before), type_=_status(values))
        return
    op.drop_constraint("notification_status", "notifications", type_="check")
    op.create_check_constraint(
        "notification_status", "notifications", sa.column("status").in_(values)
    )


def upgrade():
    with _rebuilt("users") as batch_op:
        batch_op.add_column(
            sa.Column("email_preference", sa.String(length=20), nullable=False, server_default="each")
        )
    _statuses(NEW_STATUSES, OLD_STATUSES)
    with _rebuilt("notifications") as batch_op:
        batch_op.add_column(sa.Column("combined_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_notifications_combined_into_id_notifications", "notifications", ["combined_into_id"], ["id"]
        )
        batch_op.create_index("ix_notifications_combined_into_id", ["combined_into_id"], unique=False)


def downgrade():
    # A combined notification was covered by the email of the one it was combined into: sent.
    op.execute("UPDATE notifications SET status = 'sent' WHERE status = 'combined'")
    with _rebuilt("notifications") as batch_op:
        batch_op.drop_index("ix_notifications_combined_into_id")
        batch_op.drop_constraint("fk_notifications_combined_into_id_notifications", type_="foreignkey")
        batch_op.drop_column("combined_into_id")
    _statuses(OLD_STATUSES, NEW_STATUSES)
    with _rebuilt("users") as batch_op:
        batch_op.drop_column("email_preference")
