"""Passwords and bearer tokens: argon2 hashes, and tokens stored only as their digests."""
import hashlib
import secrets
from datetime import timedelta
from functools import cache

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


# New passwords: long, not among the passwords most often seen in breaches (zxcvbn's list of
# the 30,000 commonest, shipped with it as data), and not guessable from the user's own name
# or email (zxcvbn's estimate, its scale 0-4).
MIN_PASSWORD_LENGTH = 12
MIN_PASSWORD_SCORE = 3


@cache
def _breached():
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password, *, email="", name=""):
    """What makes `password` unfit for a new account (empty when it is fit)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"Use at least {MIN_PASSWORD_LENGTH} characters."]
    if password.lower() in _breached():
        return ["This password is on the list of passwords most often found in breaches."]
    from zxcvbn import zxcvbn

    inputs = [part for part in (email, email.split("@")[0], *name.split()) if part]
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_PASSWORD_SCORE:
        return ["This password is too easy to guess (for example from your name or email, or "
                "a common pattern): use a longer phrase of unrelated words."]
    return []
