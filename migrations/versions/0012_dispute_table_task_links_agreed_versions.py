"""dispute state table, task links as columns, agreed report versions

Task links: the dispute, draft and party a task is about move out of the JSON ``tasks.outcome`` into
foreign-key columns (the outcome keeps only what the person recorded). The raiser's follow-up becomes
its own kind (``confirm_concern_resolved``). Disputes gain the version they are about, the revision
shared in answer, the DCE's outcome, and a tracked grievance. Report versions gain ``agreed_at``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 06:20:00

"""

import json
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LINKS = ("dispute_id", "draft_id", "party")
LINKED_KINDS = ("check_report_accuracy", "resolve_concern", "decide_dispute")
OLD_KINDS = (
    "acknowledge_incident", "consult_area_head", "rapid_review", "decide", "inform_practitioner_and_pm",
    "offer_eap_referral", "arrange_support_meetings", "agree_support_needs", "allocate_reviewer",
    "gather_information", "draft_report", "check_report_accuracy", "resolve_concern", "decide_dispute",
    "share_with_external_review", "discuss_at_slt", "agree_action_plan", "complete_action",
    "review_action_plan_progress",
    # added by 0011
    "confirm_outside_procedure", "follow_up_eap_referral", "confirm_support_needs",
)  # fmt: skip
NEW_KINDS = OLD_KINDS + ("confirm_concern_resolved", "revise_report", "follow_grievance")
OLD_STAGES = ("author", "deputy_chief_executive", "decided", "resolved")
NEW_STAGES = OLD_STAGES + ("raiser", "revision", "grievance", "grievance_closed")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld")
OUTCOME_WORDS = {"upheld": "Upheld", "partly_upheld": "Partly upheld", "not_upheld": "Not upheld"}
AGREED_STATES = ("agreed", "action_planning", "monitoring", "closed")

tasks = sa.table(
    "tasks",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("outcome", sa.JSON),
    sa.column("dispute_id", sa.Integer),
    sa.column("draft_id", sa.Integer),
    sa.column("party", sa.String),
)
disputes = sa.table(
    "disputes",
    sa.column("id", sa.Integer),
    sa.column("response_id", sa.Integer),
    sa.column("stage", sa.String),
    sa.column("draft_id", sa.Integer),
    sa.column("author_responded_at", sa.DateTime),
    sa.column("grievance_recorded_at", sa.DateTime),
    sa.column("grievance_note", sa.Text),
    sa.column("grievance_outcome", sa.Text),
    sa.column("dce_outcome", sa.String),
    sa.column("dce_decision", sa.Text),
)
responses = sa.table("accuracy_responses", sa.column("id", sa.Integer), sa.column("draft_id", sa.Integer))
drafts = sa.table(
    "report_drafts",
    sa.column("id", sa.Integer),
    sa.column("review_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("shared_at", sa.DateTime),
    sa.column("agreed_at", sa.DateTime),
)
reviews = sa.table("reviews", sa.column("id", sa.Integer), sa.column("state", sa.String))
transitions = sa.table(
    "review_transitions",
    sa.column("review_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("occurred_at", sa.DateTime),
)


@contextmanager
def _rebuilt(table: str):
    """Batch changes to a table others refer to. SQLite rebuilds it (copy, drop, rename), which
    migrations/env.py lets it do by running SQLite migrations with the foreign key check off (the
    copy keeps every row's id; every reference is checked once at the end of the run)."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        yield batch_op


def _replace_check(batch_op, table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
    batch_op.create_check_constraint(name, sa.column(column).in_(values))


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def upgrade():
    with _rebuilt("report_drafts") as batch_op:
        batch_op.add_column(sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revision_note", sa.Text(), nullable=True))
    with _rebuilt("disputes") as batch_op:
        batch_op.add_column(sa.Column("draft_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("revision_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "dce_outcome",
                sa.Enum(*OUTCOMES, name="dispute_outcome", native_enum=False, create_constraint=True, length=40),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("grievance_closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("grievance_outcome", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closure_confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("closure_confirmed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closure_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_disputes_closure_confirmed_by_id_users"), "users", ["closure_confirmed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_disputes_draft_id_report_drafts"), "report_drafts", ["draft_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_disputes_revision_id_report_drafts"), "report_drafts", ["revision_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_disputes_draft_id"), ["draft_id"], unique=False)
        _replace_check(batch_op, "disputes", "dispute_stage", "stage", NEW_STAGES)
    with _rebuilt("tasks") as batch_op:
        batch_op.add_column(sa.Column("dispute_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("draft_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("party", sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_tasks_dispute_id_disputes"), "disputes", ["dispute_id"], ["id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_tasks_draft_id_report_drafts"), "report_drafts", ["draft_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_tasks_dispute_id"), ["dispute_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_draft_id"), ["draft_id"], unique=False)
        _replace_check(batch_op, "tasks", "task_kind", "kind", NEW_KINDS)

    bind = op.get_bind()
    # Disputes: the version each is about (the one the concern was raised on), and the stage the old
    # code kept in other columns: an author's response waiting for the raiser, a recorded grievance.
    bind.execute(
        disputes.update().values(
            draft_id=sa.select(responses.c.draft_id)
            .where(responses.c.id == disputes.c.response_id)
            .scalar_subquery()
        )
    )
    bind.execute(
        disputes.update()
        .where(disputes.c.stage == "author", disputes.c.author_responded_at.is_not(None))
        .values(stage="raiser")
    )
    bind.execute(
        disputes.update().where(disputes.c.grievance_recorded_at.is_not(None)).values(stage="grievance")
    )
    with _rebuilt("disputes") as batch_op:
        batch_op.alter_column("draft_id", existing_type=sa.Integer(), nullable=False)

    # Task links: out of the JSON, into the columns; the raiser's follow-up gets its own kind.
    rows = bind.execute(sa.select(tasks.c.id, tasks.c.kind, tasks.c.outcome).where(tasks.c.kind.in_(LINKED_KINDS)))
    for task_id, kind, value in rows.all():
        outcome = _json(value)
        links = {key: outcome.pop(key, None) for key in LINKS}
        if kind == "check_report_accuracy" and links["dispute_id"] is not None:
            kind = "confirm_concern_resolved"
        bind.execute(tasks.update().where(tasks.c.id == task_id).values(kind=kind, outcome=outcome, **links))

    # The agreed report: on a review past agreement, its last shared version, agreed when the review was.
    agreed_reviews = bind.execute(sa.select(reviews.c.id).where(reviews.c.state.in_(AGREED_STATES))).scalars()
    for review_id in agreed_reviews.all():
        draft = bind.execute(
            sa.select(drafts.c.id, drafts.c.shared_at)
            .where(drafts.c.review_id == review_id, drafts.c.shared_at.is_not(None))
            .order_by(drafts.c.version.desc())
            .limit(1)
        ).first()
        if draft is None:
            continue
        agreed_at = bind.execute(
            sa.select(sa.func.max(transitions.c.occurred_at)).where(
                transitions.c.review_id == review_id, transitions.c.action.in_(("all_agreed", "dce_decided"))
            )
        ).scalar()
        bind.execute(drafts.update().where(drafts.c.id == draft.id).values(agreed_at=agreed_at or draft.shared_at))


def downgrade():
    bind = op.get_bind()
    # Kinds the old code did not have: the nearest task it had on the same dispute.
    bind.execute(tasks.update().where(tasks.c.kind == "confirm_concern_resolved").values(kind="check_report_accuracy"))
    bind.execute(tasks.update().where(tasks.c.kind == "revise_report").values(kind="resolve_concern"))
    bind.execute(tasks.update().where(tasks.c.kind == "follow_grievance").values(kind="decide_dispute"))
    rows = bind.execute(
        sa.select(tasks.c.id, tasks.c.outcome, tasks.c.dispute_id, tasks.c.draft_id, tasks.c.party).where(
            sa.or_(tasks.c.dispute_id.is_not(None), tasks.c.draft_id.is_not(None), tasks.c.party.is_not(None))
        )
    )
    for task_id, value, dispute_id, draft_id, party in rows.all():
        outcome = _json(value)
        links = {"dispute_id": dispute_id, "draft_id": draft_id, "party": party}
        outcome.update({key: link for key, link in links.items() if link is not None})
        bind.execute(tasks.update().where(tasks.c.id == task_id).values(outcome=outcome))
    # Stages the old code did not have, and the words of the DCE's outcome and the grievance's.
    for old, new in (("raiser", "author"), ("revision", "decided"), ("grievance", "decided"), ("grievance_closed", "decided")):
        bind.execute(disputes.update().where(disputes.c.stage == old).values(stage=new))
    rows = bind.execute(
        sa.select(disputes.c.id, disputes.c.dce_outcome, disputes.c.dce_decision, disputes.c.grievance_note, disputes.c.grievance_outcome)
    )
    for dispute_id, outcome, decision, note, grievance_outcome in rows.all():
        values = {}
        if outcome:
            values["dce_decision"] = f"{OUTCOME_WORDS[outcome]}. {decision or ''}".strip()
        if grievance_outcome:
            values["grievance_note"] = f"{note or ''}\n\nOutcome: {grievance_outcome}".strip()
        if values:
            bind.execute(disputes.update().where(disputes.c.id == dispute_id).values(**values))

    with _rebuilt("tasks") as batch_op:
        _replace_check(batch_op, "tasks", "task_kind", "kind", OLD_KINDS)
        batch_op.drop_index(batch_op.f("ix_tasks_draft_id"))
        batch_op.drop_index(batch_op.f("ix_tasks_dispute_id"))
        batch_op.drop_constraint(batch_op.f("fk_tasks_draft_id_report_drafts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_tasks_dispute_id_disputes"), type_="foreignkey")
        batch_op.drop_column("party")
        batch_op.drop_column("draft_id")
        batch_op.drop_column("dispute_id")
    with _rebuilt("disputes") as batch_op:
        _replace_check(batch_op, "disputes", "dispute_stage", "stage", OLD_STAGES)
        batch_op.drop_index(batch_op.f("ix_disputes_draft_id"))
        batch_op.drop_constraint(batch_op.f("fk_disputes_revision_id_report_drafts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_disputes_draft_id_report_drafts"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_disputes_closure_confirmed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("ck_disputes_dispute_outcome"), type_="check")
        batch_op.drop_column("closure_reason")
        batch_op.drop_column("closure_confirmed_by_id")
        batch_op.drop_column("closure_confirmed_at")
        batch_op.drop_column("grievance_outcome")
        batch_op.drop_column("grievance_closed_at")
        batch_op.drop_column("dce_outcome")
        batch_op.drop_column("revision_id")
        batch_op.drop_column("draft_id")
    with _rebuilt("report_drafts") as batch_op:
        batch_op.drop_column("revision_note")
        batch_op.drop_column("agreed_at")
