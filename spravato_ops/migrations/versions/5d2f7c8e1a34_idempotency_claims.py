"""idempotency claims: a key is claimed before its answer is known

Revision ID: 5d2f7c8e1a34
Revises: 041846750594
Create Date: 2026-12-01 09:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = '5d2f7c8e1a34'
down_revision = '041846750594'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('idempotency_records') as batch_op:
        batch_op.alter_column('status_code', existing_type=sa.Integer(), nullable=True)


def downgrade():
    # A claim without an answer cannot be kept where every record has one.
    op.execute("DELETE FROM idempotency_records WHERE status_code IS NULL")
    with op.batch_alter_table('idempotency_records') as batch_op:
        batch_op.alter_column('status_code', existing_type=sa.Integer(), nullable=False)
