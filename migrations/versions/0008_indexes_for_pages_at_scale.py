"""pages at scale: indexes (open tasks, unread notifications, case search, list order), dashboard snapshots

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 03:10:00

Partial indexes hold only the rows the pages ask for (open tasks, unread notifications), so a list
of a few hundred rows does not walk past a million closed ones. Case search by a fragment of a
case number or a child's name is served on PostgreSQL by trigram GIN indexes (``pg_trgm``);
SQLite keeps a plain LIKE scan, fine at the sizes it serves.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
UNREAD = sa.text("read_at IS NULL")


def upgrade():
    op.create_table(
        "dashboard_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_snapshots")),
    )
    op.create_index(
        "ix_dashboard_snapshots_period", "dashboard_snapshots", ["period_start", "period_end", "as_of"]
    )
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.create_index(
            "ix_tasks_open_assignee",
            ["assignee_id", "due_on", "id"],
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
        batch_op.create_index(
            "ix_tasks_open_pool",
            ["assignee_pool", "assignee_area_id", "due_on", "id"],
            postgresql_where=OPEN,
            sqlite_where=OPEN,
        )
        batch_op.create_index("ix_tasks_open_due", ["due_on", "id"], postgresql_where=OPEN, sqlite_where=OPEN)
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.create_index(
            "ix_notifications_unread", ["user_id"], postgresql_where=UNREAD, sqlite_where=UNREAD
        )
    with op.batch_alter_table("cases") as batch_op:
        batch_op.create_index("ix_cases_created_at_id", ["created_at", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Trigram GIN indexes on PostgreSQL; SQLite ignores the postgresql_ options (a plain index).
    op.create_index(
        "ix_cases_case_number_trgm",
        "cases",
        ["case_number"],
        postgresql_using="gin",
        postgresql_ops={"case_number": "gin_trgm_ops"},
    )
    op.create_index(
        "ix_children_name_trgm",
        "children",
        ["name"],
        postgresql_using="gin",
        postgresql_ops={"name": "gin_trgm_ops"},
    )


def downgrade():
    op.drop_index("ix_dashboard_snapshots_period", table_name="dashboard_snapshots")
    op.drop_table("dashboard_snapshots")
    op.drop_index("ix_children_name_trgm", table_name="children")
    op.drop_index("ix_cases_case_number_trgm", table_name="cases")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_created_at_id")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_index("ix_notifications_unread")
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.drop_index("ix_tasks_open_due")
        batch_op.drop_index("ix_tasks_open_pool")
        batch_op.drop_index("ix_tasks_open_assignee")
