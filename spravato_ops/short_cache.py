"""Answers kept for a few seconds of the server's clock, per key, by one web worker.

For what many screens ask for again and again and may show a moment late (the front-desk
board): each worker computes it at most once per interval. The clock is read through
clock.utcnow every time, so a clock moved forward or back ends what was kept.
"""
import threading
from datetime import timedelta

from .clock import utcnow


class ShortCache:
    LIMIT = 1000

    def __init__(self, seconds):
        self.lifetime = timedelta(seconds=seconds)
        self._kept = {}
        self._lock = threading.Lock()

    def get(self, key, make):
        """The value kept for `key` if made less than `seconds` ago, else `make()` (kept)."""
        if not self.lifetime:
            return make()
        now = utcnow()
        kept = self._kept.get(key)
        if kept is not None and timedelta(0) <= now - kept[0] < self.lifetime:
            return kept[1]
        value = make()
        with self._lock:
            if len(self._kept) >= self.LIMIT:
                self._kept.clear()
            self._kept[key] = (now, value)
        return value
