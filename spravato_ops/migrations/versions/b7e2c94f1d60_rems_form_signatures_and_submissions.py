"""REMS form signatures and submissions

A form's signatures get a table of their own (the fields as signed, the submission, and the
voiding of a signature when the record is corrected after signing); the form keeps its
current signer and submission (method, confirmation number, who, when) and an updated_at,
and no longer a data column. Sites get the switch for forms of withheld sessions.

Revision ID: b7e2c94f1d60
Revises: 8c41d2a9f0b7
Create Date: 2026-12-02 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

Text = sqlmodel.sql.sqltypes.AutoString

revision = 'b7e2c94f1d60'
down_revision = '8c41d2a9f0b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rems_forms_for_withheld', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('rems_forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_method', Text(length=10), nullable=True))
        batch_op.add_column(sa.Column('submitted_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_rems_forms_submitted_by', 'users', ['submitted_by'],
                                    ['id'])
        batch_op.drop_column('data')
    op.execute("UPDATE rems_forms SET updated_at = created_at")
    with op.batch_alter_table('rems_forms', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)

    op.create_table(
        'rems_form_signatures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('form_id', sa.Integer(), nullable=False),
        sa.Column('signed_by', sa.Integer(), nullable=False),
        sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('submission_method', Text(length=10), nullable=True),
        sa.Column('submission_reference', Text(length=100), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('submitted_by', sa.Integer(), nullable=True),
        sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('voided_by', sa.Integer(), nullable=True),
        sa.Column('void_reason', Text(length=1000), nullable=True),
        sa.ForeignKeyConstraint(['form_id'], ['rems_forms.id']),
        sa.ForeignKeyConstraint(['signed_by'], ['users.id']),
        sa.ForeignKeyConstraint(['submitted_by'], ['users.id']),
        sa.ForeignKeyConstraint(['voided_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_rems_form_signatures_form_id'), 'rems_form_signatures',
                    ['form_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_rems_form_signatures_form_id'), table_name='rems_form_signatures')
    op.drop_table('rems_form_signatures')
    with op.batch_alter_table('rems_forms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.drop_constraint('fk_rems_forms_submitted_by', type_='foreignkey')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('submitted_by')
        batch_op.drop_column('submission_method')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('rems_forms_for_withheld')
