"""notify people of their work: email preference, combined emails

Each person chooses an email for each event or one daily summary; notifications sent to one person
in one relay cycle travel in one email (the others are marked "combined" into it).

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01 06:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_STATUSES = ("pending", "sending", "sent", "failed")
NEW_STATUSES = (*OLD_STATUSES, "combined")


def _status(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(
        *values, name="notification_status", native_enum=False, create_constraint=True, length=40
    )


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("email_preference", sa.String(length=20), nullable=False, server_default="each")
        )
    with op.batch_alter_table("notifications", schema=None, recreate="always") as batch_op:
        batch_op.alter_column("status", existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES))
        batch_op.add_column(sa.Column("combined_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_notifications_combined_into_id_notifications", "notifications", ["combined_into_id"], ["id"]
        )
        batch_op.create_index("ix_notifications_combined_into_id", ["combined_into_id"], unique=False)


def downgrade():
    # A combined notification was covered by the email of the one it was combined into: sent.
    op.execute("UPDATE notifications SET status = 'sent' WHERE status = 'combined'")
    with op.batch_alter_table("notifications", schema=None, recreate="always") as batch_op:
        batch_op.drop_index("ix_notifications_combined_into_id")
        batch_op.drop_constraint("fk_notifications_combined_into_id_notifications", type_="foreignkey")
        batch_op.drop_column("combined_into_id")
        batch_op.alter_column("status", existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_preference")
