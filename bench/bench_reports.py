"""Server-side time of GET /reports over one site and a year of 50,000 sessions (PostgreSQL).

Usage: python bench/bench_reports.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                     [--sessions 50000] [--runs 15] [--reseed] [--db NAME]

Seeds a database (spravato_bench_reports) with one site of 35 chairs and the given number of
sessions over the 365 days before today, and a week before those (SQL generate_series,
server-side): 4 sessions a chair a day, each patient weekly; most discharged with 2 devices,
3 BP readings and 8 observations (some rises, sedation, dissociation, low SpO2, a few
corrections), the rest cancelled, no-show or withheld; REMS forms on time, late, open or
missing; and the report facts the sessions keep as they end (services/report_facts.py).
Then times GET /api/v1/reports for the whole year, in-process through the WSGI app (request
handling and database round trips included; no network), and prints p50/p95 in ms and the
statements one report sends. The machine may be busy with other work: the CPU line adds up
the time this process and the database's backends spent on the CPU (from /proc), which
waiting for a core does not inflate.
"""
import argparse
import os
import statistics
import sys
import time

from sqlalchemy import text
from sqlmodel import Session, select

sys.path.insert(0, ".")

import bench_api  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.domain.state_machine import TERMINAL  # noqa: E402
from spravato_ops.models import TreatmentSession, User  # noqa: E402
from spravato_ops.services.credentials import issue_token  # noqa: E402
from spravato_ops.services.report_facts import keep_facts  # noqa: E402
from spravato_ops.statement_count import StatementCount  # noqa: E402

CHAIRS, SLOTS, DAYS = 35, 4, 365
WARM_UP = 2
ZONE = "America/New_York"

SEED_SQL = """
INSERT INTO users (id, email, name, role, password_hash, active, created_at) VALUES
  (1, 'bench-director@bench', 'Bench Director', 'prescriber', 'x', true, now());
INSERT INTO sites (id, name, timezone, setting_type, rems_certification_id, rems_certified_until,
                   prescriber_on_site, pulse_oximeter_available, rems_enrollment_required,
                   rems_forms_required, version, created_at)
VALUES (1, 'Bench Clinic', :zone, 'outpatient', 'C1', current_date + 365, true, true, true, true,
        1, now());
INSERT INTO chairs (id, site_id, label, active)
SELECT c, 1, 'Chair ' || c, true FROM generate_series(1, :chairs) c;
INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, sex, phone, email,
                      reminder_channel, version, created_at, updated_at)
SELECT p, 'B' || p, 'Pat', 'Ient' || p, date '1970-01-01' + p, 'female', '555', NULL, 'none', 1,
       now(), now() FROM generate_series(1, :patients) p;
INSERT INTO courses (id, patient_id, indication, start_date, prescriber_id, oral_antidepressant,
                     continuation_interval_weeks, status, version, created_at)
SELECT p, p, 'TRD', current_date - :days - 77, 1, NULL, 1, 'active', 1, now()
FROM generate_series(1, :patients) p;
"""

# Session i: day i / per_day from a year and a week ago, chair and slot from the rest; patient
# i mod (7 * per_day) + 1, so each patient comes every 7 days in the same chair and slot (the
# first week, before the report's year, gives every course a session before it). Every 50
# sessions: one cancelled, one no-show, one withheld; every 97th patient skips 3 weeks twice.
SESSIONS_SQL = """
INSERT INTO sessions (id, course_id, patient_id, site_id, chair_id, scheduled_start, scheduled_end,
                      local_day, planned_dose_mg, state, version, overrides, created_by, created_at,
                      updated_at)
SELECT i + 1, pid, pid, 1, chair + 1, start, start + interval '150 minutes', day, 56,
       CASE i % 50 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'no_show' WHEN 2 THEN 'withheld'
                   ELSE 'discharged' END, 1, '[]', 1, now(), now()
FROM (
  SELECT i, chair, day, i % (7 * :per_day) + 1 AS pid,
         (day + time '08:00' + slot * interval '150 minutes') AT TIME ZONE :zone AS start
  FROM (
    SELECT i, (i % :per_day) / :slots AS chair, i % :slots AS slot,
           current_date - :days - 7 + i / :per_day AS day
    FROM generate_series(0, :n + 7 * :per_day - 1) i
  ) g
) s
WHERE NOT (pid % 97 = 0 AND (day - (current_date - :days)) / 7 % 20 IN (3, 4, 5));
INSERT INTO device_administrations (session_id, recorded_by, recorded_at, device_number,
                                    administered_at, lot_number, spacing_flagged)
SELECT id, 1, scheduled_start + (10 + d * 5) * interval '1 minute', d,
       scheduled_start + (10 + d * 5) * interval '1 minute', 'LOT1', false
FROM sessions, generate_series(1, 2) d WHERE state = 'discharged';
INSERT INTO vitals (session_id, recorded_by, recorded_at, timepoint, systolic, diastolic,
                    heart_rate, spo2, taken_at)
SELECT id, 1, scheduled_start + interval '10 minutes', 'pre_dose', 128, 80, 70, 98,
       scheduled_start + interval '10 minutes'
FROM sessions WHERE state IN ('discharged', 'withheld')
UNION ALL
SELECT id, 1, scheduled_start + interval '55 minutes', 'post_dose',
       CASE WHEN id % 17 = 0 THEN 172 ELSE 136 END, CASE WHEN id % 23 = 0 THEN 106 ELSE 84 END,
       74, CASE WHEN id % 41 = 0 THEN 90 ELSE 97 END, scheduled_start + interval '55 minutes'
FROM sessions WHERE state = 'discharged'
UNION ALL
SELECT id, 1, scheduled_start + interval '130 minutes', 'pre_discharge', 130, 82, 72, 98,
       scheduled_start + interval '130 minutes' FROM sessions WHERE state = 'discharged';
INSERT INTO observations (session_id, recorded_by, recorded_at, observed_at, moaas, dissociation,
                          respiratory_depression, spo2, symptoms)
SELECT id, 1, scheduled_start + (15 + o * 15) * interval '1 minute',
       scheduled_start + (15 + o * 15) * interval '1 minute',
       CASE WHEN id % 5 = 0 AND o <= 2 THEN 3 WHEN o <= 3 THEN 4 ELSE 5 END,
       CASE WHEN id % 3 = 0 AND o <= 3 THEN 'mild' ELSE 'none' END, false,
       CASE WHEN id % 53 = 0 AND o = 2 THEN 89 ELSE 97 END, '[]'
FROM sessions, generate_series(1, 8) o WHERE state = 'discharged';
INSERT INTO vitals (session_id, recorded_by, recorded_at, timepoint, systolic, diastolic,
                    heart_rate, spo2, taken_at, amends_id, amend_reason)
SELECT session_id, 1, recorded_at + interval '1 minute', timepoint, systolic - 10, diastolic,
       heart_rate, spo2, taken_at, id, 'typo'
FROM vitals WHERE id % 101 = 0;
INSERT INTO discharges (session_id, recorded_by, recorded_at, discharged_at, clinically_stable,
                        ready_to_leave_at, unmet_criteria)
SELECT id, 1, scheduled_start + (135 + id % 45) * interval '1 minute',
       scheduled_start + (135 + id % 45) * interval '1 minute', true,
       scheduled_start + interval '120 minutes', '[]'
FROM sessions WHERE state = 'discharged';
INSERT INTO rems_forms (session_id, site_id, status, deadline, submitted_at, version,
                        created_at, updated_at)
SELECT id, 1, CASE WHEN id % 10 < 8 THEN 'submitted' ELSE 'draft' END, local_day + 7,
       CASE WHEN id % 10 < 7 THEN scheduled_start + interval '2 days'
            WHEN id % 10 = 7 THEN scheduled_start + interval '9 days' END, 1, now(), now()
FROM sessions WHERE state = 'discharged' AND id % 20 <> 19;
"""


def seed(app, sessions):
    per_day = -(-sessions // DAYS)
    params = dict(zone=ZONE, chairs=CHAIRS, slots=SLOTS, days=DAYS, per_day=per_day,
                  patients=7 * per_day, n=sessions)
    if per_day > CHAIRS * SLOTS:
        raise SystemExit(f"{sessions} sessions do not fit {CHAIRS} chairs x {SLOTS} a day")
    engine = get_engine(app)
    with engine.begin() as conn:
        for block in (SEED_SQL, SESSIONS_SQL):
            bench_api.run_script(conn, block, params)
        for table in ("users", "sites", "chairs", "patients", "courses", "sessions"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    with Session(engine) as session:
        S = TreatmentSession
        keep_facts(session, select(S.id).where(S.state.in_(TERMINAL)))
        session.commit()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def year_range(app):
    """The report's range, the 365 days before today, and the sessions in it."""
    with get_engine(app).connect() as conn:
        return conn.execute(text(
            "SELECT current_date - :days, current_date - 1, count(*) FROM sessions "
            "WHERE site_id = 1 AND local_day BETWEEN current_date - :days AND current_date - 1"
        ), {"days": DAYS}).one()


def backend_pids(app):
    with get_engine(app).connect() as conn:
        return conn.execute(text("SELECT pid FROM pg_stat_activity "
                                 "WHERE datname = current_database()")).scalars().all()


def cpu_seconds(pids):
    """CPU time (user + system) of this process and of the processes `pids` (/proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--db", default="spravato_bench_reports")
    args = parser.parse_args()
    app = bench_api.prepared(args.base_url, args.db, args.sessions, args.reseed, seed_with=seed)
    first, last, count = year_range(app)
    with Session(get_engine(app)) as session:
        token, _ = issue_token(session, session.get(User, 1), 12)
        session.commit()
    client = app.test_client()
    path = f"/api/v1/reports?site_id=1&from={first}&to={last}"
    headers = {"Authorization": f"Bearer {token}"}

    def run():
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code} {response.get_data()[:300]}")
        return elapsed, response.json

    for _ in range(WARM_UP):
        run()
    pids = backend_pids(app)  # the pool's connections are open now, and stay
    times, cpu, body = [], [], None
    for _ in range(args.runs):
        before = cpu_seconds(pids)
        elapsed, body = run()
        times.append(elapsed)
        cpu.append((cpu_seconds(pids) - before) * 1000)
    with StatementCount(get_engine(app)) as counted:
        run()
    cuts = statistics.quantiles(times, n=100)
    print(f"GET /reports, site 1, {first} to {last} ({count:,} sessions, "
          f"{body['sessions']['held']:,} held): p50 {statistics.median(times):.0f} ms, "
          f"p95 {cuts[94]:.0f} ms over {args.runs} runs; {counted.total} statements")
    cpu_cuts = statistics.quantiles(cpu, n=100)
    print(f"  CPU time (this process + database backends): p50 {statistics.median(cpu):.0f} ms, "
          f"p95 {cpu_cuts[94]:.0f} ms; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    print(f"  median discharge {body['discharge_times']['median_minutes']} min, "
          f"courses {body['courses']['seen']} ({body['courses']['with_gaps']} with gaps), "
          f"forms on time {body['rems_forms']['on_time']:,} / late {body['rems_forms']['late']:,}")


if __name__ == "__main__":
    main()
