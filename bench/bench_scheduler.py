"""Reminder dispatch on PostgreSQL: throughput into a local SMTP server with one and with two
scheduler processes, the p95 delay from send_at to sent, the cost of a sweep over 100,000
pending future reminders, and of the course alert sweep over 1,000 active courses of 20
sessions each.

Usage: python bench/bench_scheduler.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                       [--messages 3000] [--future 100000] [--interval 5]
                                       [--courses 1000] [--sessions-per-course 20]

Uses (and empties) the database spravato_bench_scheduler. The SMTP server (aiosmtpd) runs in
this process; the schedulers are `flask --app wsgi scheduler` processes of their own.
Throughput counts from the first message sent to the last (process start-up left out).
Targets: p95 delay under the sweep interval + 1 s; two processes at least 1.6x one; a sweep
over 100,000 pending future reminders under 50 ms, on the index.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, time as clock_time, timedelta, timezone
from pathlib import Path

import psycopg
from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scheduler import dispatch_reminders  # noqa: E402
from scheduler.context import JobContext, Settings  # noqa: E402
from spravato_ops import create_app, migrate  # noqa: E402
from spravato_ops.clock import utcnow  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.models import (  # noqa: E402
    Chair, Patient, Reminder, TreatmentCourse, TreatmentSession,
)
from spravato_ops.services import dispatch  # noqa: E402
from spravato_ops.services.alert_sweeps import sweep_courses  # noqa: E402
from spravato_ops.statement_count import StatementCount  # noqa: E402
from tests.factories import Factories  # noqa: E402
from tests.scheduler.servers import Mailbox, SmtpServer  # noqa: E402

DATABASE = "spravato_bench_scheduler"
SENDER = "clinic@bench.example"
SWEEPS = 50


def database(base_url):
    admin = base_url.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"{base_url}/{DATABASE}"


def prepared(url):
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False})
    migrate.upgrade(app)
    engine = get_engine(app)
    tables = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with Session(engine, expire_on_commit=False) as db:
        make = Factories(db)
        site = make.site(name="Bench Clinic")
        treatment_session = make.session(site=site, scheduled_start=utcnow() + timedelta(days=2))
    return app, engine, treatment_session


def add(engine, treatment_session, count, prefix, due_at):
    """Insert `count` reminders; `due_at(n)` is the n-th one's send time."""
    now = utcnow()
    rows = [dict(session_id=treatment_session.id, course_id=treatment_session.course_id,
                 patient_id=treatment_session.patient_id, site_id=treatment_session.site_id,
                 channel="email", kind="appointment", recipient=f"{prefix}{n}@bench.example",
                 send_at=due_at(n), next_attempt_at=due_at(n),
                 appointment_at=treatment_session.scheduled_start, status="pending",
                 attempts=0, dedupe_key=f"bench:{prefix}:{n}", created_at=now)
            for n in range(count)]
    with engine.begin() as conn:
        for start in range(0, count, 5000):
            conn.execute(insert(Reminder.__table__), rows[start:start + 5000])
        conn.execute(text("ANALYZE reminders"))


def schedulers(url, port, count, *args, **settings):
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPRAVATO_")}
    env.update(SPRAVATO_DATABASE_URL=url, SPRAVATO_SECRET_KEY="bench-" + "k" * 32,
               SPRAVATO_MAIL_SERVER="127.0.0.1",
               SPRAVATO_MAIL_PORT=str(port), SPRAVATO_MAIL_SENDER=SENDER,
               SPRAVATO_SCHEDULER_ALERT_INTERVAL_SECONDS="3600",
               SPRAVATO_SCHEDULER_COURSE_INTERVAL_SECONDS="3600")
    env.update({f"SPRAVATO_{key.upper()}": str(value) for key, value in settings.items()})
    return [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", *args],
                             cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL) for _ in range(count)]


def sent_window(engine, prefix):
    with engine.connect() as conn:
        first, last, count = conn.execute(text(
            "SELECT min(sent_at), max(sent_at), count(*) FROM reminders "
            "WHERE status = 'sent' AND recipient LIKE :p"), {"p": f"{prefix}%"}).one()
    return count, (last - first).total_seconds() if count else None


def throughput(url, engine, treatment_session, port, processes, messages):
    prefix = f"t{processes}-"
    add(engine, treatment_session, messages, prefix, lambda n: utcnow() - timedelta(seconds=1))
    running = schedulers(url, port, processes, "--once", reminder_batch_size=100)
    try:
        for process in running:
            process.wait()
    finally:
        _stop(running)
    count, seconds = sent_window(engine, prefix)
    assert count == messages, f"{count} of {messages} sent"
    return messages / seconds


def delays(url, engine, treatment_session, port, interval, messages, spread=20):
    """Reminders falling due evenly over `spread` seconds under one scheduler sweeping every
    `interval` seconds: p50/p95 of sent_at - send_at."""
    start = utcnow() + timedelta(seconds=8)  # the process is up by then
    add(engine, treatment_session, messages, "d-",
        lambda n: start + timedelta(seconds=spread * n / messages))
    running = schedulers(url, port, 1, scheduler_interval_seconds=interval)
    try:
        deadline = time.monotonic() + 8 + spread + 6 * interval + 60
        while sent_window(engine, "d-")[0] < messages and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        _stop(running)
    with engine.connect() as conn:
        late = [row[0] for row in conn.execute(text(
            "SELECT EXTRACT(EPOCH FROM sent_at - send_at) FROM reminders "
            "WHERE recipient LIKE 'd-%' AND status = 'sent'"))]
    return _percentiles(late), len(late)


def _stop(processes):
    for process in processes:
        if process.poll() is None:
            process.terminate()
        process.wait()


def _percentiles(values):
    ordered = sorted(float(v) for v in values)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def empty_sweep(engine, treatment_session, future):
    """Cost of a dispatch sweep that finds nothing due among `future` pending reminders."""
    add(engine, treatment_session, future, "f-", lambda n: utcnow() + timedelta(days=1, minutes=n))
    ctx = JobContext(engine, Settings())
    with Session(engine) as db:
        plan = "\n".join(row[0] for row in db.connection().execute(text(
            "EXPLAIN SELECT * FROM reminders WHERE status = 'pending' AND next_attempt_at <= now() "
            "ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED")))
    claims, sweeps = [], []
    for _ in range(SWEEPS):
        with Session(engine) as db:
            started = time.perf_counter()
            dispatch.claim_due(db, worker="bench", now=utcnow(), limit=100,
                               rules=ctx.settings.rules)
            claims.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        dispatch_reminders.run(ctx)
        sweeps.append((time.perf_counter() - started) * 1000)
    return _percentiles(claims), _percentiles(sweeps), "ix_reminders_due" in plan, plan


def _inserted(conn, model, rows):
    """Insert `rows`; their ids, in order."""
    table = model.__table__
    return conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                        rows).scalars().all()


def add_courses(engine, treatment_session, courses, per_course):
    """`courses` active TRD courses in maintenance, each with `per_course` sessions on a chair
    of its own: held every 5 days up to last week, one no-show, and one booked ahead."""
    now, today = utcnow(), utcnow().date()
    start = today - timedelta(days=5 * per_course)
    prescriber, site = treatment_session.created_by, treatment_session.site_id
    with engine.begin() as conn:
        patients = _inserted(conn, Patient, [dict(
            mrn=f"BENCH{n:06d}", first_name="Bench", last_name=f"Patient{n}",
            date_of_birth=date(1980, 1, 1), sex="female", reminder_channel="none", version=1,
            created_at=now, updated_at=now) for n in range(courses)])
        chairs = _inserted(conn, Chair, [dict(site_id=site, label=f"Bench {n}")
                                         for n in range(courses)])
        course_ids = _inserted(conn, TreatmentCourse, [dict(
            patient_id=patient, indication="TRD", start_date=start, prescriber_id=prescriber,
            continuation_interval_weeks=1, status="active", version=1, created_at=now)
            for patient in patients])
        sessions = []
        for n, (course, patient, chair) in enumerate(zip(course_ids, patients, chairs)):
            for k in range(per_course):
                day = start + timedelta(days=5 * k + n % 3)
                state = ("scheduled" if k == per_course - 1 else
                         "no_show" if k == per_course - 2 else "discharged")
                if state == "scheduled":
                    day = today + timedelta(days=1 + n % 12)
                begins = datetime.combine(day, clock_time(15), tzinfo=timezone.utc)
                sessions.append(dict(
                    course_id=course, patient_id=patient, site_id=site, chair_id=chair,
                    scheduled_start=begins, scheduled_end=begins + timedelta(minutes=150),
                    local_day=day, planned_dose_mg=56, state=state, version=1, overrides=[],
                    created_by=prescriber, created_at=now, updated_at=now))
        for first in range(0, len(sessions), 5000):
            conn.execute(insert(TreatmentSession.__table__), sessions[first:first + 5000])
        conn.execute(text("ANALYZE sessions"))
        conn.execute(text("ANALYZE courses"))
    return len(sessions)


def course_sweep(engine, treatment_session, courses, per_course, runs=20):
    """p50/p95 of the course alert sweep (its alerts already open), its queries, rows read."""
    sessions = add_courses(engine, treatment_session, courses, per_course)
    with Session(engine) as db:
        raised, _ = sweep_courses(db, now=utcnow())
        db.commit()
    times = []
    for _ in range(runs):
        with Session(engine) as db, StatementCount(engine) as count:
            started = time.perf_counter()
            sweep_courses(db, now=utcnow())
            db.commit()
            times.append((time.perf_counter() - started) * 1000)
    return _percentiles(times), sessions, raised, len(count.queries), count.rows_read


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--future", type=int, default=100_000)
    parser.add_argument("--interval", type=int, default=5)
    parser.add_argument("--courses", type=int, default=1000)
    parser.add_argument("--sessions-per-course", type=int, default=20)
    args = parser.parse_args()
    url = database(args.base_url)
    app, engine, treatment_session = prepared(url)
    with SmtpServer(Mailbox()) as smtp:
        (claim50, claim95), (sweep50, sweep95), indexed, plan = empty_sweep(
            engine, treatment_session, args.future)
        print(f"empty sweep: {sweep50:.1f}/{sweep95:.1f} ms", flush=True)
        one = throughput(url, engine, treatment_session, smtp.port, 1, args.messages)
        print(f"one process: {one:.0f} messages/s", flush=True)
        two = throughput(url, engine, treatment_session, smtp.port, 2, args.messages)
        print(f"two processes: {two:.0f} messages/s", flush=True)
        # Reminders fall due at half of what one process sends: a backlog would measure
        # the queue, not the sweep.
        (delay50, delay95), delayed = delays(url, engine, treatment_session, smtp.port,
                                             args.interval, int(min(args.messages, one * 10)))
    (course50, course95), sessions, raised, queries, rows_read = course_sweep(
        engine, treatment_session, args.courses, args.sessions_per_course)
    print(f"\n{'measure':58} {'value':>12}  target")
    print(f"{'throughput, 1 scheduler process (messages/s)':58} {one:12.0f}")
    print(f"{'throughput, 2 scheduler processes (messages/s)':58} {two:12.0f}  "
          f">= {1.6 * one:.0f} (1.6x)  {'ok' if two >= 1.6 * one else 'MISSED'}")
    print(f"{'delay send_at -> sent, p50 (s)':58} {delay50:12.2f}")
    print(f"{f'delay send_at -> sent, p95 (s), sweep every {args.interval} s':58} {delay95:12.2f}"
          f"  < {args.interval + 1} s  {'ok' if delay95 < args.interval + 1 else 'MISSED'}"
          f"  ({delayed} messages)")
    print(f"{f'claim query over {args.future:,} pending future, p50/p95 (ms)':58} "
          f"{claim50:5.1f}/{claim95:5.1f}")
    print(f"{f'whole empty sweep over {args.future:,} pending, p50/p95 (ms)':58} "
          f"{sweep50:5.1f}/{sweep95:5.1f}  < 50 ms  {'ok' if sweep95 < 50 else 'MISSED'}")
    print(f"{'claim uses ix_reminders_due':58} {str(indexed):>12}")
    label = (f"course sweep, {args.courses:,} courses x {args.sessions_per_course} "
             "sessions, p50/p95 (ms)")
    print(f"{label:58} {course50:5.1f}/{course95:5.1f}  ({sessions:,} sessions, {raised} alerts "
          f"open, {queries} queries, {rows_read:,} rows read)")
    print("\n" + plan)
    engine.dispose()


if __name__ == "__main__":
    main()
