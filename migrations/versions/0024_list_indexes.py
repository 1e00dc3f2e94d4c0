"""indexes for lists at scale: a person's notifications newest first (the notifications page's keyset
pages), the reviews a Head of Operations leads (every case list's scope for them read all reviews),
and the action a "complete action" task is for

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-02 18:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_created', ['user_id', 'created_at', 'id'], unique=False)
        # Its first column: the new index serves every lookup by person the old one did.
        batch_op.drop_index('ix_notifications_user_id')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_reviewer_id'), ['reviewer_id'], unique=False)
    with op.batch_alter_table('action_plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_plan_items_task_id'), ['task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('action_plan_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_plan_items_task_id'))
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_reviewer_id'))
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_id', ['user_id'], unique=False)
        batch_op.drop_index('ix_notifications_user_created')
