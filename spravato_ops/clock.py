"""The one place the service reads the time."""
from datetime import datetime, timedelta, timezone

# Moved only by browser tests, through the test-only clock control (spravato_ops/testing.py),
# so that a server in its own process can be run forward; always zero in production.
_offset = timedelta(0)


def utcnow():
    """Return the current instant as an aware UTC datetime, read afresh on every call."""
    return datetime.now(timezone.utc) + _offset


def set_offset(seconds):
    """Run this process's clock `seconds` ahead of the real one (negative: behind)."""
    global _offset
    _offset = timedelta(seconds=seconds)
