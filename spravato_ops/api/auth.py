"""Bearer tokens."""
from flask import current_app, g
from flask_smorest import Blueprint

from schemas.common import ErrorSchema
from schemas.user import TokenIn, TokenOut

from ..db import get_session
from ..services import users as service

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Bearer tokens")


@bp.post("/tokens")
@bp.arguments(TokenIn())
@bp.response(201, TokenOut)
@bp.alt_response(429, schema=ErrorSchema, description=(
    "Too many failed logins for this email or client address (the login form counts too); "
    "even the right password waits until Retry-After has passed."),
    headers={"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}})
@bp.doc(security=[])
def create_token(credentials):
    """Exchange email and password for a bearer token."""
    token, record = service.login(
        get_session(), email=credentials["email"], password=credentials["password"],
        ttl_hours=current_app.config["TOKEN_TTL_HOURS"],
    )
    return {"token": token, "expires_at": record.expires_at}


@bp.delete("/tokens/current")
@bp.response(204)
def revoke_current_token():
    """Revoke the token this request carries (log out a tablet)."""
    service.revoke_token(get_session(), api_token=g.api_token, actor=g.current_user)
