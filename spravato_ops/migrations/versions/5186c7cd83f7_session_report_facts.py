"""session report facts: what the report reads of an ended session, kept with it

A table of one row per ended session (discharged, withheld, cancelled, no-show) with the
minutes and counts the report groups (services/report_facts.py writes them when a session
ends and when an entry of an ended session is corrected), filled here for the sessions that
have ended. Vitals and observations get indexes of the readings the report counts against a
site's thresholds, and of the entries a correction amends.

Revision ID: 5186c7cd83f7
Revises: c3a9e51d7b28
Create Date: 2026-12-02 12:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '5186c7cd83f7'
down_revision = 'c3a9e51d7b28'
branch_labels = None
depends_on = None

CORRECTED = sa.text("amends_id IS NOT NULL")
READING_INDEXES = (('ix_vitals_systolic', 'vitals', 'systolic'),
                   ('ix_vitals_diastolic', 'vitals', 'diastolic'),
                   ('ix_vitals_spo2', 'vitals', 'spo2'),
                   ('ix_observations_spo2', 'observations', 'spo2'))

# Whole seconds from one instant to another (sql_functions.seconds_between), by database.
SECONDS = {"postgresql": "CAST(ROUND(EXTRACT(EPOCH FROM ({1} - {0}))) AS INTEGER)",
           "sqlite": "CAST(ROUND((julianday({1}) - julianday({0})) * 86400) AS INTEGER)"}
# The facts of every ended session as services/report_facts.py works them out at this
# revision (corrected entries by their corrections; MOAA/S 3 or lower is sedation, 5 the
# baseline; a rise is 40/25 over the latest pre-dose reading).
BACKFILL = """
WITH ended AS (
  SELECT id FROM sessions WHERE state IN ('cancelled', 'discharged', 'no_show', 'withheld')
), clock AS (
  SELECT session_id, min(device) AS first_device, max(discharge) AS discharged FROM (
    SELECT session_id, administered_at AS device, NULL AS discharge
    FROM device_administrations
    WHERE session_id IN (SELECT id FROM ended) AND id NOT IN (
      SELECT amends_id FROM device_administrations WHERE amends_id IS NOT NULL)
    UNION ALL
    SELECT session_id, NULL, discharged_at FROM discharges
    WHERE session_id IN (SELECT id FROM ended) AND id NOT IN (
      SELECT amends_id FROM discharges WHERE amends_id IS NOT NULL)
  ) AS times GROUP BY session_id
), observed AS (
  SELECT session_id, observed_at, moaas,
         max(CASE WHEN moaas <= 3 THEN observed_at END)
           OVER (PARTITION BY session_id) AS sedated,
         max(CASE WHEN dissociation != 'none' THEN observed_at END)
           OVER (PARTITION BY session_id) AS dissociated
  FROM observations
  WHERE session_id IN (SELECT id FROM ended) AND id NOT IN (
    SELECT amends_id FROM observations WHERE amends_id IS NOT NULL)
), observation_facts AS (
  SELECT session_id, max(sedated) AS sedated,
         min(CASE WHEN observed_at > sedated AND moaas >= 5 THEN observed_at END)
           AS sedation_resolved,
         max(dissociated) AS dissociated,
         min(CASE WHEN observed_at > dissociated THEN observed_at END)
           AS dissociation_resolved
  FROM observed GROUP BY session_id
), readings AS (
  SELECT session_id, timepoint, systolic, diastolic,
         first_value(timepoint) OVER latest AS baseline_timepoint,
         first_value(systolic) OVER latest AS baseline_systolic,
         first_value(diastolic) OVER latest AS baseline_diastolic
  FROM vitals
  WHERE session_id IN (SELECT id FROM ended) AND id NOT IN (
    SELECT amends_id FROM vitals WHERE amends_id IS NOT NULL)
  WINDOW latest AS (PARTITION BY session_id ORDER BY
                    CASE WHEN timepoint = 'pre_dose' THEN 0 ELSE 1 END, taken_at DESC, id DESC)
), vitals_facts AS (
  SELECT session_id,
         sum(CASE WHEN timepoint != 'pre_dose' THEN 1 ELSE 0 END) AS post_dose,
         sum(CASE WHEN timepoint != 'pre_dose' AND baseline_timepoint = 'pre_dose'
                   AND (systolic - baseline_systolic >= 40
                        OR diastolic - baseline_diastolic >= 25) THEN 1 ELSE 0 END) AS rise
  FROM readings GROUP BY session_id
)
INSERT INTO session_facts (session_id, discharge_minutes, sedated, sedation_minutes,
                           dissociated, dissociation_minutes, post_dose_readings,
                           bp_rise_readings)
SELECT ended.id, {discharge} / 60, o.sedated IS NOT NULL, {sedation} / 60,
       o.dissociated IS NOT NULL, {dissociation} / 60,
       coalesce(v.post_dose, 0), coalesce(v.rise, 0)
FROM ended
LEFT JOIN clock ON clock.session_id = ended.id
LEFT JOIN observation_facts AS o ON o.session_id = ended.id
LEFT JOIN vitals_facts AS v ON v.session_id = ended.id
"""


def backfill_sql(dialect_name):
    """BACKFILL in the words of the database (tests compare it with what the services keep)."""
    seconds = SECONDS[dialect_name]
    return BACKFILL.format(**{
        name: seconds.format("clock.first_device", until) for name, until in (
            ("discharge", "clock.discharged"), ("sedation", "o.sedation_resolved"),
            ("dissociation", "o.dissociation_resolved"))})


def upgrade():
    op.create_table(
        'session_facts',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('discharge_minutes', sa.Integer(), nullable=True),
        sa.Column('sedated', sa.Boolean(), nullable=False),
        sa.Column('sedation_minutes', sa.Integer(), nullable=True),
        sa.Column('dissociated', sa.Boolean(), nullable=False),
        sa.Column('dissociation_minutes', sa.Integer(), nullable=True),
        sa.Column('post_dose_readings', sa.Integer(), nullable=False),
        sa.Column('bp_rise_readings', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['sessions.id']),
        sa.PrimaryKeyConstraint('session_id'),
    )
    for name, table, column in READING_INDEXES:
        op.create_index(name, table, [column], unique=False)
    for table in ('vitals', 'observations'):
        op.create_index(f'ix_{table}_amends_id', table, ['amends_id'], unique=False,
                        postgresql_where=CORRECTED, sqlite_where=CORRECTED)
    op.execute(backfill_sql(op.get_bind().dialect.name))


def downgrade():
    for table in ('observations', 'vitals'):
        op.drop_index(f'ix_{table}_amends_id', table_name=table,
                      postgresql_where=CORRECTED, sqlite_where=CORRECTED)
    for name, table, _ in reversed(READING_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table('session_facts')
