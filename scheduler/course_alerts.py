"""Job: course alerts: R1.7 no session within P-CADENCE and no-shows, R1.1 end of induction
(prescriber reviews the response), R1.3 end of the 4 MDSI weeks."""
from spravato_ops.services.alert_sweeps import sweep_courses

from .sweep import run_sweep

JOB_ID = "course-alerts"


def run(ctx):
    return run_sweep(ctx, JOB_ID, sweep_courses)
