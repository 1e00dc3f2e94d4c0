"""an area's cases in id order: (area_id, id) in place of area_id alone, so that the incidents list's
count for a Head of Operations merges the area's case ids with the incidents' from two indexes
instead of filtering every case by its area

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_area_id_id', ['area_id', 'id'], unique=False)
        # Its first column: the new index serves every lookup by area the old one did.
        batch_op.drop_index('ix_cases_area_id')


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_area_id', ['area_id'], unique=False)
        batch_op.drop_index('ix_cases_area_id_id')
