"""initial schema

Revision ID: 041846750594
Revises: 
Create Date: 2026-11-28 03:02:42.010603
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

from spravato_ops.models.audit import AUDIT_GUARD_POSTGRESQL, AUDIT_GUARD_SQLITE
from sqlalchemy.dialects import postgresql

revision = '041846750594'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The chair-overlap exclusion constraint needs GiST on plain columns.
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mrn', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('first_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('last_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('date_of_birth', sa.Date(), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('reminder_channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_patients_last_name'), 'patients', ['last_name'], unique=False)
    op.create_index(op.f('ix_patients_mrn'), 'patients', ['mrn'], unique=True)
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('setting_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('rems_certification_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('rems_certified_until', sa.Date(), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('prescriber_on_site', sa.Boolean(), nullable=False),
    sa.Column('pulse_oximeter_available', sa.Boolean(), nullable=False),
    sa.Column('rems_enrollment_required', sa.Boolean(), nullable=False),
    sa.Column('rems_forms_required', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_users_email'), 'users', ['email'], unique=True)
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_api_tokens_token_hash'), 'api_tokens', ['token_hash'], unique=True)
    op.create_index(op.f('ix_api_tokens_user_id'), 'api_tokens', ['user_id'], unique=False)
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_audit_entity', 'audit_events', ['entity', 'entity_id'], unique=False)
    op.create_table('chairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_id', 'label')
    )
    op.create_index(op.f('ix_chairs_site_id'), 'chairs', ['site_id'], unique=False)
    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('indication', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('prescriber_id', sa.Integer(), nullable=False),
    sa.Column('oral_antidepressant', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('continuation_interval_weeks', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['prescriber_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_courses_patient_id'), 'courses', ['patient_id'], unique=False)
    op.create_table('idempotency_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('method', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('body_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key')
    )
    op.create_table('rems_enrollments',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('rems_patient_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('patient_id')
    )
    op.create_table('screenings',
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('aneurysmal_vascular_disease', sa.Boolean(), nullable=False),
    sa.Column('arteriovenous_malformation', sa.Boolean(), nullable=False),
    sa.Column('intracerebral_hemorrhage_history', sa.Boolean(), nullable=False),
    sa.Column('hypersensitivity', sa.Boolean(), nullable=False),
    sa.Column('pregnant_or_breastfeeding', sa.Boolean(), nullable=False),
    sa.Column('psychosis_history', sa.Boolean(), nullable=False),
    sa.Column('hypertensive_encephalopathy_history', sa.Boolean(), nullable=False),
    sa.Column('substance_use_history', sa.Boolean(), nullable=False),
    sa.Column('concomitant_medications', sa.JSON(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('patient_id')
    )
    op.create_table('site_policies',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.PrimaryKeyConstraint('site_id')
    )
    op.create_table('user_sites',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('user_id', 'site_id')
    )
    op.create_table('sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('scheduled_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scheduled_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('local_day', sa.Date(), nullable=False),
    sa.Column('planned_dose_mg', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('state_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_id'], ['chairs.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_sessions_chair_end', 'sessions', ['chair_id', 'scheduled_end'], unique=False)
    op.create_index('ix_sessions_course', 'sessions', ['course_id'], unique=False)
    op.create_index('ix_sessions_patient_start', 'sessions', ['patient_id', 'scheduled_start'], unique=False)
    op.create_index('ix_sessions_site_day', 'sessions', ['site_id', 'local_day'], unique=False)
    op.create_index('uq_sessions_patient_day_active', 'sessions', ['patient_id', 'local_day'], unique=True, sqlite_where=sa.text("state NOT IN ('cancelled', 'no_show')"), postgresql_where=sa.text("state NOT IN ('cancelled', 'no_show')"))
    op.create_table('adverse_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('amend_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('serious', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_adverse_events_session_id'), 'adverse_events', ['session_id'], unique=False)
    op.create_table('checklist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('amend_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('no_food_2h', sa.Boolean(), nullable=False),
    sa.Column('no_liquids_30m', sa.Boolean(), nullable=False),
    sa.Column('nasal_medication_ok', sa.Boolean(), nullable=False),
    sa.Column('transport_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('transport_phone', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('override_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_checklist_entries_session_id'), 'checklist_entries', ['session_id'], unique=False)
    op.create_table('device_administrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('amend_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('device_number', sa.Integer(), nullable=False),
    sa.Column('administered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lot_number', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('deviation_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('spacing_flagged', sa.Boolean(), nullable=False),
    sa.Column('override_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_device_administrations_session_id'), 'device_administrations', ['session_id'], unique=False)
    op.create_table('discharges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('amend_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('discharged_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('clinically_stable', sa.Boolean(), nullable=False),
    sa.Column('ready_to_leave_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('override_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('unmet_criteria', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_discharges_session_id'), 'discharges', ['session_id'], unique=False)
    op.create_table('observations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('amend_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('moaas', sa.Integer(), nullable=False),
    sa.Column('dissociation', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('cadss_total', sa.Integer(), nullable=True),
    sa.Column('respiratory_depression', sa.Boolean(), nullable=False),
    sa.Column('spo2', sa.Integer(), nullable=True),
    sa.Column('symptoms', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_observations_session_id'), 'observations', ['session_id'], unique=False)
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    op.create_index('ix_reminders_due', 'reminders', ['status', 'send_at'], unique=False)
    op.create_index(op.f('ix_reminders_session_id'), 'reminders', ['session_id'], unique=False)
    op.create_table('rems_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('signed_by', sa.Integer(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submission_reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.ForeignKeyConstraint(['signed_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id')
    )
    op.create_index(op.f('ix_rems_forms_site_id'), 'rems_forms', ['site_id'], unique=False)
    op.create_index('ix_rems_forms_status_deadline', 'rems_forms', ['status', 'deadline'], unique=False)
    op.create_table('staff_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    op.create_index('ix_staff_alerts_open_site', 'staff_alerts', ['site_id', 'raised_at'], unique=False, sqlite_where=sa.text('acknowledged_at IS NULL'), postgresql_where=sa.text('acknowledged_at IS NULL'))
    op.create_index(op.f('ix_staff_alerts_session_id'), 'staff_alerts', ['session_id'], unique=False)
    op.create_table('vitals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('amends_id', sa.Integer(), nullable=True),
    sa.Column('amend_reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('timepoint', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('systolic', sa.Integer(), nullable=False),
    sa.Column('diastolic', sa.Integer(), nullable=False),
    sa.Column('heart_rate', sa.Integer(), nullable=False),
    sa.Column('spo2', sa.Integer(), nullable=True),
    sa.Column('respiratory_rate', sa.Integer(), nullable=True),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_vitals_session_id'), 'vitals', ['session_id'], unique=False)
    if dialect == "postgresql":
        op.execute(
            "ALTER TABLE sessions ADD CONSTRAINT ex_sessions_chair_overlap EXCLUDE USING gist "
            "(chair_id WITH =, tstzrange(scheduled_start, scheduled_end) WITH &&) "
            "WHERE (state NOT IN ('cancelled', 'no_show'))"
        )
    for statement in AUDIT_GUARD_POSTGRESQL if dialect == "postgresql" else AUDIT_GUARD_SQLITE:
        op.execute(statement)


def downgrade():
    op.drop_index(op.f('ix_vitals_session_id'), table_name='vitals')
    op.drop_table('vitals')
    op.drop_index(op.f('ix_staff_alerts_session_id'), table_name='staff_alerts')
    op.drop_index('ix_staff_alerts_open_site', table_name='staff_alerts', sqlite_where=sa.text('acknowledged_at IS NULL'), postgresql_where=sa.text('acknowledged_at IS NULL'))
    op.drop_table('staff_alerts')
    op.drop_index('ix_rems_forms_status_deadline', table_name='rems_forms')
    op.drop_index(op.f('ix_rems_forms_site_id'), table_name='rems_forms')
    op.drop_table('rems_forms')
    op.drop_index(op.f('ix_reminders_session_id'), table_name='reminders')
    op.drop_index('ix_reminders_due', table_name='reminders')
    op.drop_table('reminders')
    op.drop_index(op.f('ix_observations_session_id'), table_name='observations')
    op.drop_table('observations')
    op.drop_index(op.f('ix_discharges_session_id'), table_name='discharges')
    op.drop_table('discharges')
    op.drop_index(op.f('ix_device_administrations_session_id'), table_name='device_administrations')
    op.drop_table('device_administrations')
    op.drop_index(op.f('ix_checklist_entries_session_id'), table_name='checklist_entries')
    op.drop_table('checklist_entries')
    op.drop_index(op.f('ix_adverse_events_session_id'), table_name='adverse_events')
    op.drop_table('adverse_events')
    op.drop_index('uq_sessions_patient_day_active', table_name='sessions', sqlite_where=sa.text("state NOT IN ('cancelled', 'no_show')"), postgresql_where=sa.text("state NOT IN ('cancelled', 'no_show')"))
    op.drop_index('ix_sessions_site_day', table_name='sessions')
    op.drop_index('ix_sessions_patient_start', table_name='sessions')
    op.drop_index('ix_sessions_course', table_name='sessions')
    op.drop_index('ix_sessions_chair_end', table_name='sessions')
    op.drop_table('sessions')
    op.drop_table('user_sites')
    op.drop_table('site_policies')
    op.drop_table('screenings')
    op.drop_table('rems_enrollments')
    op.drop_table('idempotency_records')
    op.drop_index(op.f('ix_courses_patient_id'), table_name='courses')
    op.drop_table('courses')
    op.drop_index(op.f('ix_chairs_site_id'), table_name='chairs')
    op.drop_table('chairs')
    op.drop_index('ix_audit_entity', table_name='audit_events')
    op.drop_table('audit_events')
    op.drop_index(op.f('ix_api_tokens_user_id'), table_name='api_tokens')
    op.drop_index(op.f('ix_api_tokens_token_hash'), table_name='api_tokens')
    op.drop_table('api_tokens')
    op.drop_index(op.f('ix_users_email'), table_name='users')
    op.drop_table('users')
    op.drop_table('sites')
    op.drop_index(op.f('ix_patients_mrn'), table_name='patients')
    op.drop_index(op.f('ix_patients_last_name'), table_name='patients')
    op.drop_table('patients')
