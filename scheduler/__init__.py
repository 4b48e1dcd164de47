"""The reminder and timer scheduler process (APScheduler)."""
