"""Job: booking nudges: a patient whose course's next due window has opened with no session
booked is asked once, on their channel, to call the clinic (services/nudges.py)."""
from spravato_ops.services.nudges import sweep_nudges

from .sweep import run_sweep

JOB_ID = "booking-nudges"


def run(ctx):
    return run_sweep(ctx, JOB_ID, sweep_nudges, names=("planned", "cancelled"))
