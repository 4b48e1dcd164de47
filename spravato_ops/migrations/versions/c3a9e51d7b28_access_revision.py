"""access revision: a counter that triggers move on every change to tokens, users and their
sites, so that web workers may keep the tokens they looked up

Revision ID: c3a9e51d7b28
Revises: b7e2c94f1d60
Create Date: 2026-12-02 08:00:00.000000
"""
from alembic import op
import sqlalchemy as sa

revision = 'c3a9e51d7b28'
down_revision = 'b7e2c94f1d60'
branch_labels = None
depends_on = None

WATCHED = {"api_tokens": ("UPDATE", "DELETE"), "users": ("UPDATE", "DELETE"),
           "user_sites": ("INSERT", "UPDATE", "DELETE")}
BUMP = "UPDATE access_revision SET revision = revision + 1 WHERE id = 1"


def upgrade():
    op.create_table('access_revision',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('revision', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.execute("INSERT INTO access_revision (id, revision) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION bump_access_revision() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table, changes in WATCHED.items():
            op.execute(f"CREATE TRIGGER {table}_access_revision AFTER {' OR '.join(changes)} "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bump_access_revision()")
    else:
        for table, changes in WATCHED.items():
            for change in changes:
                op.execute(f"CREATE TRIGGER {table}_{change.lower()}_access_revision AFTER "
                           f"{change} ON {table} BEGIN {BUMP}; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_access_revision ON {table}")
        op.execute("DROP FUNCTION bump_access_revision()")
    else:
        for table, changes in WATCHED.items():
            for change in changes:
                op.execute(f"DROP TRIGGER {table}_{change.lower()}_access_revision")
    op.drop_table('access_revision')
