"""The scheduler's jobs, as data: a stable id, what runs, how often, and what it is for.

A new job is a module under scheduler/ with `run(ctx) -> Report` and one row here; its
interval is a field of Settings (context.py) so that it is configurable.
"""
from dataclasses import dataclass
from typing import Callable

from . import (
    booking_nudges, course_alerts, dispatch_reminders, rems_form_alerts, treatment_day_alerts,
)


@dataclass(frozen=True)
class Job:
    id: str
    run: Callable
    interval: str  # the Settings field holding its interval in seconds
    description: str

    def seconds(self, settings):
        return getattr(settings, self.interval)


JOBS = (
    Job(dispatch_reminders.JOB_ID, dispatch_reminders.run, "dispatch_seconds",
        "send due patient reminders (email, SMS), each exactly once"),
    Job(treatment_day_alerts.JOB_ID, treatment_day_alerts.run, "alert_seconds",
        "treatment-day staff alerts: BP, observations, discharge, waiting patients"),
    Job(course_alerts.JOB_ID, course_alerts.run, "course_seconds",
        "course alerts: cadence gaps, no-shows, end of induction and of MDSI weeks"),
    Job(rems_form_alerts.JOB_ID, rems_form_alerts.run, "course_seconds",
        "REMS Patient Monitoring Forms due and overdue"),
    Job(booking_nudges.JOB_ID, booking_nudges.run, "course_seconds",
        "ask patients once per due window to call the clinic when nothing is booked"),
)
