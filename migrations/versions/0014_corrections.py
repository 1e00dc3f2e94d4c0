"""corrections: each change to a chronology or timeline entry kept with its old and new values;
action plan items withdrawn with a reason (kept in the plan's history)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 06:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chronology_entry_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        # No foreign key: a removed entry's change rows outlive it (they are its history).
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("old", sa.JSON(), nullable=False),
        sa.Column("new", sa.JSON(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_chronology_entry_changes_review_id_reviews")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_chronology_entry_changes_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chronology_entry_changes")),
    )
    op.create_index(
        op.f("ix_chronology_entry_changes_review_id"), "chronology_entry_changes", ["review_id"], unique=False
    )
    with op.batch_alter_table("action_plan_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_action_plan_items_withdrawn_by_id_users"), "users", ["withdrawn_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("action_plan_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_action_plan_items_withdrawn_by_id_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_by_id")
        batch_op.drop_column("withdrawn_at")
    op.drop_index(op.f("ix_chronology_entry_changes_review_id"), table_name="chronology_entry_changes")
    op.drop_table("chronology_entry_changes")
