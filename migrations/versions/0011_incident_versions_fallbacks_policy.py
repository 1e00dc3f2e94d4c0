"""incident versions with values, task waits-for and fallbacks, meeting notes, policy settings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OLD_KINDS = (
    "acknowledge_incident", "consult_area_head", "rapid_review", "decide", "inform_practitioner_and_pm",
    "offer_eap_referral", "arrange_support_meetings", "agree_support_needs", "allocate_reviewer",
    "gather_information", "draft_report", "check_report_accuracy", "resolve_concern", "decide_dispute",
    "share_with_external_review", "discuss_at_slt", "agree_action_plan", "complete_action",
    "review_action_plan_progress",
)
NEW_KINDS = OLD_KINDS + ("confirm_outside_procedure", "follow_up_eap_referral", "confirm_support_needs")


def _task_kinds(values):
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_tasks_task_kind'), type_='check')
        batch_op.create_check_constraint('task_kind', sa.column('kind').in_(values))


def upgrade():
    op.create_table('incident_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('correction_reason', sa.Text(), nullable=True),
    sa.Column('decision_before', sa.JSON(), nullable=True),
    sa.Column('decision_after', sa.JSON(), nullable=True),
    sa.Column('outcome_changed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_incident_versions_changed_by_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_incident_versions_incident_id_incidents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident_versions'))
    )
    with op.batch_alter_table('incident_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_versions_incident_id'), ['incident_id'], unique=False)

    op.create_table('policy_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_policy_settings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_policy_settings'))
    )
    with op.batch_alter_table('support_meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes', sa.Text(), nullable=True))
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waits_for_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('fallback_from', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_tasks_waits_for_id_tasks'), 'tasks', ['waits_for_id'], ['id'])
    _task_kinds(NEW_KINDS)


def downgrade():
    # Tasks of the new kinds cannot be kept under the old constraint: they go, with their escalations.
    new = ", ".join(f"'{kind}'" for kind in NEW_KINDS if kind not in OLD_KINDS)
    op.execute(f"UPDATE tasks SET waits_for_id = NULL")
    op.execute(f"DELETE FROM task_escalations WHERE task_id IN (SELECT id FROM tasks WHERE kind IN ({new}))")
    op.execute(f"DELETE FROM tasks WHERE kind IN ({new})")
    _task_kinds(OLD_KINDS)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tasks_waits_for_id_tasks'), type_='foreignkey')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('fallback_from')
        batch_op.drop_column('waits_for_id')
    with op.batch_alter_table('support_meetings', schema=None) as batch_op:
        batch_op.drop_column('notes')
    op.drop_table('policy_settings')
    with op.batch_alter_table('incident_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incident_versions_incident_id'))
    op.drop_table('incident_versions')
