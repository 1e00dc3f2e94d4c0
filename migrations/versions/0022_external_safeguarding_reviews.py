"""our part in an external safeguarding review (SUSR in Wales, SCR/CSPR in England): the participation
record, its information requests (each with a deadline task), the learning event's attendees, the
History of its steps; disclosures and action plan items link to it

Existing reviews whose incident was recorded with a SUSR (or an SCR/CSPR) known get their record,
as new ones do when the review opens; their disclosures link to it.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 13:10:00

"""

from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "acknowledge_incident", "consult_area_head", "rapid_review", "decide", "inform_practitioner_and_pm",
    "offer_eap_referral", "arrange_support_meetings", "agree_support_needs", "allocate_reviewer",
    "gather_information", "draft_report", "check_report_accuracy", "resolve_concern", "decide_dispute",
    "share_with_external_review", "discuss_at_slt", "agree_action_plan", "complete_action",
    "review_action_plan_progress", "confirm_outside_procedure", "follow_up_eap_referral",
    "confirm_support_needs", "confirm_concern_resolved", "revise_report", "follow_grievance",
)  # fmt: skip
NEW_KINDS = OLD_KINDS + ("answer_information_request",)


def _enum(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


@contextmanager
def _rebuilt(table: str):
    """Batch changes to a table others refer to. SQLite rebuilds it (copy, drop, rename), which
    migrations/env.py lets it do by running SQLite migrations with the foreign key check off (the
    copy keeps every row's id; every reference is checked once at the end of the run)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        yield batch_op


def upgrade():
    op.create_table(
        "external_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("susr", "scr_cspr", name="external_review_kind"), nullable=False),
        sa.Column("known_from_outset", sa.Boolean(), nullable=False),
        sa.Column("board", sa.String(length=200), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("referred_by", _enum("us", "other_agency", name="referred_by"), nullable=True),
        sa.Column("referring_agency", sa.String(length=200), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision", _enum("held", "not_held", "other", name="board_decision"), nullable=True),
        sa.Column("decision_notes", sa.Text(), nullable=True),
        sa.Column("chronology_submitted_on", sa.Date(), nullable=True),
        sa.Column("learning_event_on", sa.Date(), nullable=True),
        sa.Column("report_received_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_external_reviews_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_external_reviews_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_reviews")),
        sa.UniqueConstraint("review_id", name=op.f("uq_external_reviews_review_id")),
    )
    op.create_table(
        "external_review_attendees",
        sa.Column("external_review_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["external_review_id"],
            ["external_reviews.id"],
            name=op.f("fk_external_review_attendees_external_review_id_external_reviews"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_external_review_attendees_user_id_users")
        ),
        sa.PrimaryKeyConstraint("external_review_id", "user_id", name=op.f("pk_external_review_attendees")),
    )
    with op.batch_alter_table("external_review_attendees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_review_attendees_user_id"), ["user_id"], unique=False)
    op.create_table(
        "information_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_review_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_information_requests_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["external_review_id"],
            ["external_reviews.id"],
            name=op.f("fk_information_requests_external_review_id_external_reviews"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_information_requests_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_requests")),
    )
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_information_requests_external_review_id"), ["external_review_id"], unique=False
        )
    op.create_table(
        "external_review_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_review_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_external_review_changes_changed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["external_review_id"],
            ["external_reviews.id"],
            name=op.f("fk_external_review_changes_external_review_id_external_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_review_changes")),
    )
    with op.batch_alter_table("external_review_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_review_changes_external_review_id"), ["external_review_id"], unique=False
        )

    with _rebuilt("tasks") as batch_op:
        batch_op.add_column(sa.Column("information_request_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_information_request_id_information_requests"),
            "information_requests",
            ["information_request_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_tasks_information_request_id"), ["information_request_id"], unique=False
        )
        batch_op.drop_constraint(op.f("ck_tasks_task_kind"), type_="check")
        batch_op.create_check_constraint("task_kind", sa.column("kind").in_(NEW_KINDS))
    with _rebuilt("disclosures") as batch_op:
        batch_op.add_column(sa.Column("external_review_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_disclosures_external_review_id_external_reviews"),
            "external_reviews",
            ["external_review_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_disclosures_external_review_id"), ["external_review_id"], unique=False
        )
    with _rebuilt("action_plan_items") as batch_op:
        batch_op.add_column(sa.Column("external_review_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_action_plan_items_external_review_id_external_reviews"),
            "external_reviews",
            ["external_review_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_action_plan_items_external_review_id"), ["external_review_id"], unique=False
        )

    # Reviews whose incident was recorded with a SUSR (or an SCR/CSPR) known: their record, known
    # from the outset, and their disclosures linked to it.
    op.execute(
        """
        INSERT INTO external_reviews (review_id, kind, known_from_outset, created_at, updated_at)
        SELECT reviews.id,
               CASE WHEN incidents.susr_known THEN 'susr' ELSE 'scr_cspr' END,
               true, reviews.created_at, reviews.created_at
        FROM reviews JOIN incidents ON incidents.id = reviews.incident_id
        WHERE reviews.follow_susr_process OR incidents.susr_known OR incidents.scr_known
        """
    )
    op.execute(
        """
        UPDATE disclosures SET external_review_id = (
            SELECT external_reviews.id FROM external_reviews
            WHERE external_reviews.review_id = disclosures.review_id
        )
        """
    )


def downgrade():
    op.execute(
        "DELETE FROM task_escalations WHERE task_id IN (SELECT id FROM tasks WHERE kind = 'answer_information_request')"
    )
    op.execute(
        "UPDATE tasks SET waits_for_id = NULL WHERE waits_for_id IN (SELECT id FROM tasks WHERE kind = 'answer_information_request')"
    )
    op.execute("DELETE FROM tasks WHERE kind = 'answer_information_request'")
    with _rebuilt("action_plan_items") as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_items_external_review_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_action_plan_items_external_review_id_external_reviews"), type_="foreignkey"
        )
        batch_op.drop_column("external_review_id")
    with _rebuilt("disclosures") as batch_op:
        batch_op.drop_index(batch_op.f("ix_disclosures_external_review_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_disclosures_external_review_id_external_reviews"), type_="foreignkey"
        )
        batch_op.drop_column("external_review_id")
    with _rebuilt("tasks") as batch_op:
        batch_op.drop_constraint(op.f("ck_tasks_task_kind"), type_="check")
        batch_op.create_check_constraint("task_kind", sa.column("kind").in_(OLD_KINDS))
        batch_op.drop_index(batch_op.f("ix_tasks_information_request_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_tasks_information_request_id_information_requests"), type_="foreignkey"
        )
        batch_op.drop_column("information_request_id")
    with op.batch_alter_table("external_review_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_review_changes_external_review_id"))
    op.drop_table("external_review_changes")
    with op.batch_alter_table("information_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_requests_external_review_id"))
    op.drop_table("information_requests")
    with op.batch_alter_table("external_review_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_review_attendees_user_id"))
    op.drop_table("external_review_attendees")
    op.drop_table("external_reviews")
