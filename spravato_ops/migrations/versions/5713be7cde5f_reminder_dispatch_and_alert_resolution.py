"""reminder dispatch and alert resolution

Reminders get what the dispatcher needs to send each one once (recipient, appointment,
next attempt, lease, attempt start, provider id); staff alerts get the role they are for and
the time a sweep resolved them.

Revision ID: 5713be7cde5f
Revises: 5d2f7c8e1a34
Create Date: 2026-12-01 23:12:04.802897
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

Text = sqlmodel.sql.sqltypes.AutoString

revision = '5713be7cde5f'
down_revision = '5d2f7c8e1a34'
branch_labels = None
depends_on = None

OPEN_BEFORE = sa.text('acknowledged_at IS NULL')
OPEN_NOW = sa.text('acknowledged_at IS NULL AND resolved_at IS NULL')


def upgrade():
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('site_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recipient', Text(length=254), nullable=True))
        batch_op.add_column(sa.Column('appointment_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('provider_message_id', Text(length=200), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', Text(length=100), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('send_started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_reminders_course_id', 'courses', ['course_id'], ['id'])
        batch_op.create_foreign_key('fk_reminders_site_id', 'sites', ['site_id'], ['id'])
    # Rows written before this revision are due as planned.
    op.execute("UPDATE reminders SET next_attempt_at = send_at, created_at = send_at")
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.alter_column('next_attempt_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.drop_index('ix_reminders_due')
        batch_op.create_index('ix_reminders_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_reminders_course', ['course_id'], unique=False)

    with op.batch_alter_table('staff_alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', Text(length=20), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index('ix_staff_alerts_open_site', sqlite_where=OPEN_BEFORE,
                            postgresql_where=OPEN_BEFORE)
        batch_op.create_index('ix_staff_alerts_open_site', ['site_id', 'raised_at'], unique=False,
                              sqlite_where=OPEN_NOW, postgresql_where=OPEN_NOW)
        batch_op.create_index('ix_staff_alerts_open_kind', ['kind'], unique=False,
                              sqlite_where=OPEN_NOW, postgresql_where=OPEN_NOW)


def downgrade():
    with op.batch_alter_table('staff_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_alerts_open_kind', sqlite_where=OPEN_NOW,
                            postgresql_where=OPEN_NOW)
        batch_op.drop_index('ix_staff_alerts_open_site', sqlite_where=OPEN_NOW,
                            postgresql_where=OPEN_NOW)
        batch_op.create_index('ix_staff_alerts_open_site', ['site_id', 'raised_at'], unique=False,
                              sqlite_where=OPEN_BEFORE, postgresql_where=OPEN_BEFORE)
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('role')

    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reminders_site_id', type_='foreignkey')
        batch_op.drop_constraint('fk_reminders_course_id', type_='foreignkey')
        batch_op.drop_index('ix_reminders_course')
        batch_op.drop_index('ix_reminders_due')
        batch_op.create_index('ix_reminders_due', ['status', 'send_at'], unique=False)
        batch_op.drop_column('created_at')
        batch_op.drop_column('send_started_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('provider_message_id')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('appointment_at')
        batch_op.drop_column('recipient')
        batch_op.drop_column('site_id')
        batch_op.drop_column('course_id')
