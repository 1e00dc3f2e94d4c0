"""report gate: why a gathering source stays open; conclusions split into procedural and practice issues

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 03:30:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

drafts = sa.table(
    "report_drafts",
    sa.column("id", sa.Integer),
    sa.column("sections", sa.JSON),
    sa.column("shared_at", sa.DateTime),
)


def _sections(value) -> dict:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def upgrade():
    with op.batch_alter_table("gathering_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open_reason", sa.Text(), nullable=True))
    # Drafts not yet shared are still being written: their single list of conclusions is kept, as
    # "earlier_conclusions", for the reviewer to sort into procedural and practice issues (the edit
    # page shows it). Shared versions are frozen as they were shared and keep "conclusions".
    bind = op.get_bind()
    for draft_id, value in bind.execute(
        sa.select(drafts.c.id, drafts.c.sections).where(drafts.c.shared_at.is_(None))
    ).all():
        sections = _sections(value)
        if "conclusions" not in sections:
            continue
        sections["earlier_conclusions"] = sections.pop("conclusions")
        bind.execute(drafts.update().where(drafts.c.id == draft_id).values(sections=sections))


def downgrade():
    # Before 0009 every version had one list of conclusions: the earlier one where kept, else the
    # procedural issues followed by the practice issues.
    bind = op.get_bind()
    for draft_id, value in bind.execute(sa.select(drafts.c.id, drafts.c.sections)).all():
        sections = _sections(value)
        if "conclusions" in sections:
            continue
        split = list(sections.get("procedural_issues") or []) + list(sections.get("practice_issues") or [])
        sections["conclusions"] = sections.pop("earlier_conclusions", None) or split
        bind.execute(drafts.update().where(drafts.c.id == draft_id).values(sections=sections))
    with op.batch_alter_table("gathering_items", schema=None) as batch_op:
        batch_op.drop_column("open_reason")
