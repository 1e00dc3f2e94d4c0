"""learning points as records: tagged with themes and risk factors, linked to the actions answering them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 06:20:00.000000

Each learning point of an agreed report (the latest version marked agreed, ``report_drafts.agreed_at``,
which 0012 sets; as webapp/conduct/report.agreed_draft reads it) becomes a row of learning_points, in the
report's order. Downgrading drops the records: the report versions still hold the text, so nothing
written by a person is lost.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('no_action_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['report_drafts.id'], name=op.f('fk_learning_points_draft_id_report_drafts')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_learning_points_review_id_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_points')),
    sa.UniqueConstraint('review_id', 'position', name='uq_learning_points_review_id_position')
    )
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_points_review_id'), ['review_id'], unique=False)

    op.create_table('learning_point_tags',
    sa.Column('learning_point_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learning_point_id'], ['learning_points.id'], name=op.f('fk_learning_point_tags_learning_point_id_learning_points')),
    sa.ForeignKeyConstraint(['tag_id'], ['learning_tags.id'], name=op.f('fk_learning_point_tags_tag_id_learning_tags')),
    sa.PrimaryKeyConstraint('learning_point_id', 'tag_id', name=op.f('pk_learning_point_tags'))
    )
    with op.batch_alter_table('learning_point_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_point_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('learning_point_actions',
    sa.Column('learning_point_id', sa.Integer(), nullable=False),
    sa.Column('action_item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_item_id'], ['action_plan_items.id'], name=op.f('fk_learning_point_actions_action_item_id_action_plan_items')),
    sa.ForeignKeyConstraint(['learning_point_id'], ['learning_points.id'], name=op.f('fk_learning_point_actions_learning_point_id_learning_points')),
    sa.PrimaryKeyConstraint('learning_point_id', 'action_item_id', name=op.f('pk_learning_point_actions'))
    )
    with op.batch_alter_table('learning_point_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_point_actions_action_item_id'), ['action_item_id'], unique=False)

    _record_existing_points()


def _record_existing_points():
    """The learning points of every agreed report, one row each, in the report's order."""
    bind = op.get_bind()
    drafts = bind.execute(sa.text(
        "SELECT d.id, d.review_id, d.sections FROM report_drafts d "
        "WHERE d.agreed_at IS NOT NULL AND d.version = ("
        "  SELECT max(v.version) FROM report_drafts v "
        "  WHERE v.review_id = d.review_id AND v.agreed_at IS NOT NULL)"
    )).all()
    points = sa.table(
        'learning_points',
        sa.column('review_id', sa.Integer), sa.column('draft_id', sa.Integer),
        sa.column('position', sa.Integer), sa.column('text', sa.Text),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    now = bind.execute(sa.select(sa.func.current_timestamp())).scalar()
    rows = []
    for draft_id, review_id, sections in drafts:
        if isinstance(sections, str):
            sections = json.loads(sections)
        listed = [str(item).strip() for item in (sections or {}).get('learning_points') or []]
        rows += [
            {'review_id': review_id, 'draft_id': draft_id, 'position': position, 'text': text,
             'created_at': now, 'updated_at': now}
            for position, text in enumerate((item for item in listed if item), start=1)
        ]
    if rows:
        op.bulk_insert(points, rows)


def downgrade():
    with op.batch_alter_table('learning_point_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_point_actions_action_item_id'))
    op.drop_table('learning_point_actions')
    with op.batch_alter_table('learning_point_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_point_tags_tag_id'))
    op.drop_table('learning_point_tags')
    with op.batch_alter_table('learning_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_points_review_id'))
    op.drop_table('learning_points')
