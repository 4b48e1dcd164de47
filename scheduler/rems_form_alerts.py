"""Job: R4.3 REMS Patient Monitoring Forms due within P-FORM-REMIND days, and overdue."""
from spravato_ops.services.alert_sweeps import sweep_rems_forms

from .sweep import run_sweep

JOB_ID = "rems-form-alerts"


def run(ctx):
    return run_sweep(ctx, JOB_ID, sweep_rems_forms)
