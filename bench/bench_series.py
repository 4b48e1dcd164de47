"""Preview time of a 4-week TRD induction series (POST /courses/{id}/series/preview) on
PostgreSQL, in-process through the WSGI app (request handling and database round trips
included; no network). Target: p95 under 50 ms.

Usage: python bench/bench_series.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                    [--requests 100] [--chairs 12] [--history-days 365]
                                    [--db spravato_bench_series]

Each run recreates its database (bench_api.prepared): a 12-chair New York clinic with a year
of past sessions and the next 4 weeks booked at 07:30, 13:00 and 15:30 on every chair and at
10:00 on half of them (so the preferred chair is taken at 10:00 and the preview looks for
another), and one new patient on a TRD course starting tomorrow. The preview asks for Monday
and Thursday at 10:00 on chair 1 for the rest of the induction: 8 proposals.
"""
import argparse
import os
import statistics
import sys
import time

from sqlmodel import Session

sys.path.insert(0, ".")

import bench_api  # noqa: E402
from spravato_ops.clock import utcnow  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.models import User  # noqa: E402
from spravato_ops.services.credentials import issue_token  # noqa: E402
from spravato_ops.statement_count import StatementCount  # noqa: E402

WARM_UP = 10
SLOTS_PER_DAY = 4  # the clinic's other patients: one per chair and slot, a session a day (R1.8)
TARGET_MS = 50

SEED_SQL = """
INSERT INTO users (id, email, name, role, password_hash, active, created_at) VALUES
  (1, 'bench-scheduler@bench', 'Bench Scheduler', 'scheduler', 'x', true, now()),
  (2, 'bench-prescriber@bench', 'Bench Prescriber', 'prescriber', 'x', true, now());
INSERT INTO sites (id, name, timezone, setting_type, rems_certification_id, rems_certified_until,
                   prescriber_on_site, pulse_oximeter_available, rems_enrollment_required,
                   rems_forms_required, version, created_at)
VALUES (1, 'Bench clinic', 'America/New_York', 'outpatient', 'C1', current_date + 365,
        true, true, true, true, 1, now());
INSERT INTO chairs (id, site_id, label, active)
SELECT c, 1, 'Chair ' || lpad(c::text, 2, '0'), true FROM generate_series(1, :chairs) c;
INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, sex, phone, email,
                      reminder_channel, version, created_at, updated_at)
SELECT p, 'B' || p, 'Pat', 'Ient' || p, date '1970-01-01' + p, 'female', '555', NULL,
       'none', 1, now(), now() FROM generate_series(1, :patients + 1) p;
INSERT INTO screenings (patient_id, aneurysmal_vascular_disease, arteriovenous_malformation,
  intracerebral_hemorrhage_history, hypersensitivity, pregnant_or_breastfeeding, psychosis_history,
  hypertensive_encephalopathy_history, substance_use_history, concomitant_medications, recorded_by,
  recorded_at)
SELECT p, false, false, false, false, false, false, false, false, '[]', 2, now()
FROM generate_series(1, :patients + 1) p;
INSERT INTO rems_enrollments (patient_id, rems_patient_id, enrolled_on, recorded_by, recorded_at)
SELECT p, 'RP' || p, date '2020-01-01', 2, now() FROM generate_series(1, :patients + 1) p;
INSERT INTO courses (id, patient_id, indication, start_date, prescriber_id, oral_antidepressant,
                     continuation_interval_weeks, status, version, created_at)
SELECT p, p, 'TRD', current_date - :history, 2, NULL, 1, 'active', 1, now()
FROM generate_series(1, :patients) p;
INSERT INTO courses (id, patient_id, indication, start_date, prescriber_id, oral_antidepressant,
                     continuation_interval_weeks, status, version, created_at)
VALUES (:patients + 1, :patients + 1, 'TRD', current_date + 1, 2, NULL, 1, 'active', 1, now());
"""

# Every day from -history to +28: four slots a day (07:30, 10:00, 13:00, 15:30 New York), the
# 10:00 one on the first half of the chairs only; past ones discharged, later ones scheduled.
SESSIONS_SQL = """
INSERT INTO sessions (course_id, patient_id, site_id, chair_id, scheduled_start, scheduled_end,
                      local_day, planned_dose_mg, state, version, overrides, created_by,
                      created_at, updated_at)
SELECT pid, pid, 1, chair, start, start + interval '150 minutes', day, 56,
       CASE WHEN day < current_date THEN 'discharged' ELSE 'scheduled' END,
       1, '[]', 1, now(), now()
FROM (
  SELECT day, chair,
         (((slot * :chairs + chair + day - current_date) % :patients) + :patients) % :patients
           + 1 AS pid,
         (day + slot_time) AT TIME ZONE 'America/New_York' AS start
  FROM generate_series(current_date - :history, current_date + 28, interval '1 day') g(d),
       LATERAL (SELECT d::date AS day) days,
       generate_series(1, :chairs) chair,
       (VALUES (0, time '07:30'), (1, time '10:00'), (2, time '13:00'), (3, time '15:30'))
         AS slots (slot, slot_time)
  WHERE slot <> 1 OR chair <= :chairs / 2
) s;
"""


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="spravato_bench_series")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--chairs", type=int, default=12)
    parser.add_argument("--history-days", type=int, default=365)
    return parser.parse_args()


def patients_of(args):
    return SLOTS_PER_DAY * args.chairs


def expected_sessions(args):
    """What SESSIONS_SQL inserts: every day of the history and the 4 weeks ahead."""
    return (args.history_days + 29) * (3 * args.chairs + args.chairs // 2)


def seed(app, args):
    params = dict(chairs=args.chairs, patients=patients_of(args), history=args.history_days)
    with get_engine(app).begin() as conn:
        for script in (SEED_SQL, SESSIONS_SQL):
            bench_api.run_script(conn, script, params)
    bench_api.settle(app)


def headers(app):
    with Session(get_engine(app)) as session:
        token, _ = issue_token(session, session.get(User, 1), 12)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def quantiles(values):
    """p50 and p95."""
    found = statistics.quantiles(values, n=100)
    return found[49], found[94]


def main():
    args = arguments()
    # Seeded afresh on every run: the bookings ahead are counted from today.
    sessions = expected_sessions(args)
    app = bench_api.prepared(args.base_url, args.db, sessions, reseed=True,
                             seed_with=lambda app, _: seed(app, args))
    client, auth = app.test_client(), headers(app)
    url = f"/api/v1/courses/{patients_of(args) + 1}/series/preview"
    body = {"site_id": 1, "chair_id": 1, "weekdays": ["mon", "thu"], "start_time": "10:00",
            "span": {"rest_of_phase": True}, "window_minutes": 60}

    def preview():
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(url, json=body, headers=auth)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{response.status_code} {response.get_data(as_text=True)[:300]}")
        return elapsed, cpu, response.json

    for _ in range(WARM_UP):
        preview()
    runs = [preview() for _ in range(args.requests)]
    with StatementCount(get_engine(app)) as count:
        *_, answer = preview()
    p50, p95 = quantiles([wall for wall, _, _ in runs])
    cpu50, cpu95 = quantiles([cpu for _, cpu, _ in runs])
    moved = sum(p["chair_id"] != 1 or p["moved"] for p in answer["proposals"])
    print(f"POST /courses/{{id}}/series/preview, 4-week induction: "
          f"{len(answer['proposals'])} proposals ({moved} on another chair or time)")
    print(f"p50 {p50:.2f} ms, p95 {p95:.2f} ms over {args.requests} requests "
          f"(target p95 < {TARGET_MS} ms: {'met' if p95 < TARGET_MS else 'MISSED'}); "
          f"{count.total} statements")
    print(f"this process's CPU time: p50 {cpu50:.2f} ms, p95 {cpu95:.2f} ms (the wall-clock "
          "figures include the time other processes hold the CPU)")
    print(f"database: {args.chairs} chairs, {sessions:,} sessions "
          f"({args.history_days} days of history, 4 weeks ahead), at {utcnow():%Y-%m-%d}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    get_engine(app).dispose()
    return 0 if p95 < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
