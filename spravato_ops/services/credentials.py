"""Passwords and bearer tokens: argon2 hashes, and tokens stored only as their digests."""
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..clock import utcnow
from ..models import ApiToken

_hasher = PasswordHasher()


def hash_password(password):
    return _hasher.hash(password)


def verify_password(user, password):
    """Check a password in constant time; a missing user still costs one hash."""
    if user is None:
        _hasher.hash(password)
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session, user, ttl_hours):
    """Create a bearer token; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = ApiToken(
        user_id=user.id, token_hash=token_digest(token), created_at=now,
        expires_at=now + timedelta(hours=ttl_hours),
    )
    session.add(record)
    return token, record
