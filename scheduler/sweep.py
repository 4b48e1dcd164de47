"""Run an alert sweep (services/alert_sweeps.py) as a job: its own session, one run at a time."""
from spravato_ops.clock import utcnow

from .locks import try_sweep_lock
from .report import Report


def run_sweep(ctx, job_id, sweep, names=None):
    """Run `sweep(session, now=...)` in one transaction unless another process is running it.

    The sweep's two figures are the alerts raised and resolved, or the report's counts
    under `names`.
    """
    report = Report(job_id)
    with ctx.session() as db:
        if not try_sweep_lock(db, job_id):
            db.rollback()
            report.note = "running in another process"
            return report
        figures = sweep(db, now=utcnow())
        db.commit()
    if names is None:
        report.raised, report.resolved = figures
    else:
        report.counts.update(zip(names, figures))
    return report
