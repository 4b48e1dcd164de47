"""Run the jobs: under APScheduler 3 (UTC, coalesced, one instance each, a misfire grace),
once each (--once), or not at all (--dry-run prints the table).

The scheduler never starts inside create_app: only `flask --app wsgi scheduler` starts it.
SIGTERM (or Ctrl-C) lets each running job finish its batch, then the process exits.
"""
import logging
import signal
import threading
import time
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from werkzeug.serving import run_simple

from spravato_ops.db import make_engine
from spravato_ops.services import audit

from .context import JobContext
from .jobs import JOBS
from .report import Report

log = logging.getLogger("scheduler")


def context_for(url, settings):
    """A job context on an engine of the scheduler's own (a small pool: jobs run few at once)."""
    return JobContext(make_engine(url, pool_size=4, max_overflow=4), settings)


def job_table(settings, jobs=JOBS):
    """The jobs as printed lines: id, interval, what it does."""
    lines = [f"{'job':24} {'every':>8}  does"]
    lines += [f"{job.id:24} {str(job.seconds(settings)) + ' s':>8}  {job.description}"
              for job in jobs]
    return lines


def run_job(ctx, job):
    """Run one job and log one line; a failing job is logged and tried again next time."""
    started = time.perf_counter()
    token = audit.request_id.set(f"scheduler:{job.id}")
    try:
        report = job.run(ctx)
    except Exception:  # the scheduler outlives a failing sweep (database away, a bug)
        log.exception("job=%s failed", job.id)
        report = Report(job.id, note="failed")
    finally:
        audit.request_id.reset(token)
    log.info(report.line((time.perf_counter() - started) * 1000))
    return report


def run_once(ctx, jobs=JOBS):
    """Run every job once, in table order (for cron and tests)."""
    return [run_job(ctx, job) for job in jobs]


def build(ctx, scheduler_class, jobs=JOBS):
    scheduler = scheduler_class(timezone=timezone.utc)
    now = datetime.now(timezone.utc)
    for job in jobs:
        seconds = job.seconds(ctx.settings)
        scheduler.add_job(run_job, "interval", args=(ctx, job), id=job.id, name=job.id,
                          seconds=seconds, next_run_time=now, coalesce=True, max_instances=1,
                          misfire_grace_time=seconds)
    return scheduler


def serve(ctx, jobs=JOBS):
    """Run the jobs until SIGTERM or SIGINT; then let running jobs finish and return."""
    scheduler = build(ctx, BlockingScheduler, jobs)

    def stop(signum, _frame):
        if ctx.stopping.is_set():
            return
        log.info("scheduler stopping (signal %s): finishing the current batch", signum)
        ctx.stopping.set()
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started: %s", ", ".join(job.id for job in jobs))
    scheduler.start()
    log.info("scheduler stopped")


def serve_with_web(ctx, app, host, port, jobs=JOBS):
    """The single-process demo: the jobs in a background thread, the web app in front."""
    scheduler = build(ctx, BackgroundScheduler, jobs)
    signal.signal(signal.SIGTERM, _interrupt)
    scheduler.start()
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        ctx.stopping.set()
        scheduler.shutdown(wait=True)


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt
