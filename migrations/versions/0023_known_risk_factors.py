"""the risk factors known when an incident is recorded, noted on its review (relevant past learning)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 13:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_known_risk_factors',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_known_risk_factors_review_id_reviews')),
    sa.ForeignKeyConstraint(['tag_id'], ['learning_tags.id'], name=op.f('fk_review_known_risk_factors_tag_id_learning_tags')),
    sa.PrimaryKeyConstraint('review_id', 'tag_id', name=op.f('pk_review_known_risk_factors'))
    )
    with op.batch_alter_table('review_known_risk_factors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_known_risk_factors_tag_id'), ['tag_id'], unique=False)


def downgrade():
    with op.batch_alter_table('review_known_risk_factors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_known_risk_factors_tag_id'))

    op.drop_table('review_known_risk_factors')
