"""The one place the service reads the time."""
from datetime import datetime, timezone


def utcnow():
    """Return the current instant as an aware UTC datetime, read afresh on every call."""
    return datetime.now(timezone.utc)
