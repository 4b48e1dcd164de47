"""Job: treatment-day alerts: R2.2 post-dose BP due and overdue, R2.3 BP recheck due, R3.2
observation overdue, R3.4 eligible for discharge, arrived and waiting without check-in."""
from spravato_ops.services.alert_sweeps import sweep_treatment_day

from .sweep import run_sweep

JOB_ID = "treatment-day-alerts"


def run(ctx):
    return run_sweep(ctx, JOB_ID, sweep_treatment_day)
