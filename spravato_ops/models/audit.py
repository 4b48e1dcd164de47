"""The append-only audit trail and the idempotency records of retried writes."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, DDL, Column, Index, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from .types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    actor_id: Optional[int] = Field(default=None, foreign_key="users.id")
    actor_email: Optional[str] = Field(default=None, max_length=254)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=60)
    entity_id: Optional[str] = Field(default=None, max_length=40)
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    after: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    request_id: Optional[str] = Field(default=None, max_length=64)


class IdempotencyRecord(SQLModel, table=True):
    """A claimed Idempotency-Key: the request it was first used with and, once given, its answer.

    A claim commits with the write it guards; `status_code` is None until the answer is stored.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    key: str = Field(max_length=200)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    body_hash: str = Field(max_length=64)
    status_code: Optional[int] = None
    response_body: Optional[str] = None
    created_at: datetime = Field(sa_type=UTCDateTime)


# The audit trail is append-only: the database itself refuses updates and deletes.
AUDIT_GUARD_SQLITE = [
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
]
AUDIT_GUARD_POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_events is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
]
for _statement in AUDIT_GUARD_SQLITE:
    event.listen(AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in AUDIT_GUARD_POSTGRESQL:
    event.listen(
        AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql")
    )
