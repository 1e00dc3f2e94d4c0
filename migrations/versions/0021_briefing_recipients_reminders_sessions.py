"""learning briefings sent: the audience chosen (roles, areas), a row per recipient (read, acknowledged,
the reminder ladder's next date), the ladder's steps taken (once each), and the sessions in which
Practice Managers delivered a briefing, with who attended

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 12:58:24.469812

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learning_briefing_areas',
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['operational_areas.id'], name=op.f('fk_learning_briefing_areas_area_id_operational_areas')),
    sa.ForeignKeyConstraint(['briefing_id'], ['learning_briefings.id'], name=op.f('fk_learning_briefing_areas_briefing_id_learning_briefings')),
    sa.PrimaryKeyConstraint('briefing_id', 'area_id', name=op.f('pk_learning_briefing_areas'))
    )
    op.create_table('learning_briefing_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_reminder_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['briefing_id'], ['learning_briefings.id'], name=op.f('fk_learning_briefing_recipients_briefing_id_learning_briefings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learning_briefing_recipients_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_briefing_recipients')),
    sa.UniqueConstraint('briefing_id', 'user_id', name='uq_learning_briefing_recipients_briefing_id_user_id')
    )
    with op.batch_alter_table('learning_briefing_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefing_recipients_briefing_id'), ['briefing_id'], unique=False)
        batch_op.create_index('ix_learning_briefing_recipients_next_reminder_on', ['next_reminder_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_briefing_recipients_user_id'), ['user_id'], unique=False)

    op.create_table('learning_briefing_roles',
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('chief_executive', 'deputy_chief_executive', 'area_head_of_operations', 'head_of_operations', 'practice_manager', 'practitioner', 'practice_development_team', 'senior_leadership_team', 'administrator', name='role', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.ForeignKeyConstraint(['briefing_id'], ['learning_briefings.id'], name=op.f('fk_learning_briefing_roles_briefing_id_learning_briefings')),
    sa.PrimaryKeyConstraint('briefing_id', 'role', name=op.f('pk_learning_briefing_roles'))
    )
    op.create_table('learning_briefing_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('briefing_id', sa.Integer(), nullable=False),
    sa.Column('delivered_by_id', sa.Integer(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['operational_areas.id'], name=op.f('fk_learning_briefing_sessions_area_id_operational_areas')),
    sa.ForeignKeyConstraint(['briefing_id'], ['learning_briefings.id'], name=op.f('fk_learning_briefing_sessions_briefing_id_learning_briefings')),
    sa.ForeignKeyConstraint(['delivered_by_id'], ['users.id'], name=op.f('fk_learning_briefing_sessions_delivered_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_briefing_sessions'))
    )
    with op.batch_alter_table('learning_briefing_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefing_sessions_briefing_id'), ['briefing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learning_briefing_sessions_delivered_by_id'), ['delivered_by_id'], unique=False)

    op.create_table('learning_briefing_attendees',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['learning_briefing_sessions.id'], name=op.f('fk_learning_briefing_attendees_session_id_learning_briefing_sessions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learning_briefing_attendees_user_id_users')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_learning_briefing_attendees'))
    )
    with op.batch_alter_table('learning_briefing_attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefing_attendees_user_id'), ['user_id'], unique=False)

    op.create_table('learning_briefing_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['learning_briefing_recipients.id'], name=op.f('fk_learning_briefing_reminders_recipient_id_learning_briefing_recipients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_briefing_reminders')),
    sa.UniqueConstraint('recipient_id', 'step', name='uq_learning_briefing_reminders_recipient_id_step')
    )
    with op.batch_alter_table('learning_briefing_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learning_briefing_reminders_recipient_id'), ['recipient_id'], unique=False)



def downgrade():
    with op.batch_alter_table('learning_briefing_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefing_reminders_recipient_id'))

    op.drop_table('learning_briefing_reminders')
    with op.batch_alter_table('learning_briefing_attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefing_attendees_user_id'))

    op.drop_table('learning_briefing_attendees')
    with op.batch_alter_table('learning_briefing_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefing_sessions_delivered_by_id'))
        batch_op.drop_index(batch_op.f('ix_learning_briefing_sessions_briefing_id'))

    op.drop_table('learning_briefing_sessions')
    op.drop_table('learning_briefing_roles')
    with op.batch_alter_table('learning_briefing_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learning_briefing_recipients_user_id'))
        batch_op.drop_index('ix_learning_briefing_recipients_next_reminder_on')
        batch_op.drop_index(batch_op.f('ix_learning_briefing_recipients_briefing_id'))

    op.drop_table('learning_briefing_recipients')
    op.drop_table('learning_briefing_areas')
