"""ride home arrival: when the front desk saw the patient's ride come

Revision ID: 8c41d2a9f0b7
Revises: 5713be7cde5f
Create Date: 2026-12-02 03:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '8c41d2a9f0b7'
down_revision = '5713be7cde5f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sessions') as batch_op:
        batch_op.add_column(sa.Column('ride_arrived_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('sessions') as batch_op:
        batch_op.drop_column('ride_arrived_at')
