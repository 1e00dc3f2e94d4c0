"""learning briefings: written by the Practice Development Team from one or more reviews, tagged with
the risk factors and practice themes they concern (recipients, reading and delivery sessions follow in 0021)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 12:54:35.495554

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_briefings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'sent', name='briefing_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_learning_briefings_sent_by_id_users')),
    sa.ForeignKeyConstraint(['written_by_id'], ['users.id'], name=op.f('fk_learning_briefings_written_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_briefings'))
    )
    with op.batch_alter_table('learning_briefings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefings_status'), ['status'], unique=False)

    op.create_table('learning_briefing_tags',
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['learning_briefings.id'], name=op.f('fk_learning_briefing_tags_briefing_id_learning_briefings')),
    sa.ForeignKeyConstraint(['tag_id'], ['learning_tags.id'], name=op.f('fk_learning_briefing_tags_tag_id_learning_tags')),
    sa.PrimaryKeyConstraint('briefing_id', 'tag_id', name=op.f('pk_learning_briefing_tags'))
    )
    with op.batch_alter_table('learning_briefing_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefing_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('learning_briefing_reviews',
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['learning_briefings.id'], name=op.f('fk_learning_briefing_reviews_briefing_id_learning_briefings')),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_learning_briefing_reviews_review_id_reviews')),
    sa.PrimaryKeyConstraint('briefing_id', 'review_id', name=op.f('pk_learning_briefing_reviews'))
    )
    with op.batch_alter_table('learning_briefing_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefing_reviews_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('learning_briefing_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefing_reviews_review_id'))

    op.drop_table('learning_briefing_reviews')
    with op.batch_alter_table('learning_briefing_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefing_tags_tag_id'))

    op.drop_table('learning_briefing_tags')
    with op.batch_alter_table('learning_briefings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefings_status'))

    op.drop_table('learning_briefings')
