"""Server-side latency and statements per request of the hot API calls with 1,000 and with
1,000,000 historical sessions.

Usage: python bench/bench_api.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                 [--large 1000000] [--small 1000] [--requests 400] [--reseed]
                                 [--quick] [--small-db NAME] [--large-db NAME]

Seeds two PostgreSQL databases (spravato_bench_small, spravato_bench_large) with 200 sites,
6 chairs each, and the given number of past sessions with their devices, vitals and
observations (SQL generate_series, server-side). Each run then adds two sites of its own for
today (a full day of 18 sessions for the board; one session under observation on each of 41
chairs for the observation writes, ~10 each), so that no run reads what an earlier one wrote.
It times GET /board, GET /sessions,
GET /sessions/{id}/discharge-readiness, POST /sessions and POST /sessions/{id}/observations
in-process through the WSGI app (request handling, database round trips included; no
network), in rounds that alternate the two databases. Prints p50/p95 in ms and the
statements one request of each call sends (BEGIN and COMMIT included; in brackets, those
of its write transaction). --quick seeds and times the small database only.
"""
import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

import psycopg
from sqlalchemy import text

sys.path.insert(0, ".")

from spravato_ops import create_app, migrate  # noqa: E402
from spravato_ops.services.credentials import issue_token  # noqa: E402
from spravato_ops.clock import utcnow  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.statement_count import StatementCount  # noqa: E402
from sqlmodel import Session  # noqa: E402

SITES, CHAIRS, SLOTS, PATIENTS_PER_SITE = 200, 6, 3, 100
WRITE_CHAIRS = 41  # sessions under observation that the observation writes go to, in turn
WARM_UP, ROUND = 10, 20  # untimed calls first; then rounds alternating the two databases


def ensure_database(base_url, name, reseed):
    admin = base_url.replace("postgresql+psycopg", "postgresql") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base_url}/{name}"


SEED_SQL = """
INSERT INTO users (id, email, name, role, password_hash, active, created_at) VALUES
  (1, 'bench-scheduler@bench', 'Bench Scheduler', 'prescriber', 'x', true, now()),
  (2, 'bench-nurse@bench', 'Bench Nurse', 'nurse', 'x', true, now());
INSERT INTO sites (id, name, timezone, setting_type, rems_certification_id, rems_certified_until,
                   prescriber_on_site, pulse_oximeter_available, rems_enrollment_required,
                   rems_forms_required, version, created_at)
SELECT s, 'Site ' || s, 'America/New_York', 'outpatient', 'C' || s, current_date + 365,
       true, true, true, true, 1, now() FROM generate_series(1, :sites) s;
INSERT INTO chairs (id, site_id, label, active)
SELECT (s - 1) * :chairs + c, s, 'Chair ' || c, true
FROM generate_series(1, :sites) s, generate_series(1, :chairs) c;
INSERT INTO patients (id, mrn, first_name, last_name, date_of_birth, sex, phone, email,
                      reminder_channel, version, created_at, updated_at)
SELECT p, 'B' || p, 'Pat', 'Ient' || p, date '1970-01-01' + (p % 9000), 'female', '555', NULL,
       'none', 1, now(), now() FROM generate_series(1, :patients) p;
INSERT INTO screenings (patient_id, aneurysmal_vascular_disease, arteriovenous_malformation,
  intracerebral_hemorrhage_history, hypersensitivity, pregnant_or_breastfeeding, psychosis_history,
  hypertensive_encephalopathy_history, substance_use_history, concomitant_medications, recorded_by,
  recorded_at)
SELECT p, false, false, false, false, false, false, false, false, '[]', 1, now()
FROM generate_series(1, :patients) p;
INSERT INTO rems_enrollments (patient_id, rems_patient_id, enrolled_on, recorded_by, recorded_at)
SELECT p, 'RP' || p, date '2020-01-01', 1, now() FROM generate_series(1, :patients) p;
INSERT INTO courses (id, patient_id, indication, start_date, prescriber_id, oral_antidepressant,
                     continuation_interval_weeks, status, version, created_at)
SELECT p, p, 'TRD', current_date - :days - 7, 1, NULL, 1, 'active', 1, now()
FROM generate_series(1, :patients) p;
"""

# i -> day, site, chair, slot (slot fastest): every (chair, day, slot) once, so site 1 has full
# days of 18 sessions in the small database too; 18 distinct patients per site-day.
SESSIONS_SQL = """
INSERT INTO sessions (id, course_id, patient_id, site_id, chair_id, scheduled_start, scheduled_end,
                      local_day, planned_dose_mg, state, version, overrides, created_by, created_at,
                      updated_at)
SELECT i + 1, pid, pid, site, (site - 1) * :chairs + chair + 1, start,
       start + interval '150 minutes',
       (start AT TIME ZONE 'America/New_York')::date, 56, 'discharged', 1, '[]', 1, now(), now()
FROM (
  SELECT i, site, chair, day, slot,
         (site - 1) * :pps + ((chair * :slots + slot + :per_day * day) % :pps) + 1 AS pid,
         (current_date - :days + day)::timestamp AT TIME ZONE 'UTC' + interval '13 hours'
           + slot * interval '3 hours' AS start
  FROM (
    SELECT i, (i / :per_day) % :sites + 1 AS site, (i / :slots) % :chairs AS chair,
           i % :slots AS slot, i / :per_day / :sites AS day
    FROM generate_series(0, :n - 1) i
  ) g
) s;
"""

# The entries of every session of {sessions} that has begun: two devices, two readings,
# four observations.
ENTRIES_SQL = """
INSERT INTO device_administrations (session_id, recorded_by, recorded_at, device_number,
                                    administered_at, lot_number, spacing_flagged)
SELECT id, 2, scheduled_start + d * interval '5 minutes', d,
       scheduled_start + d * interval '5 minutes',
       'LOT1', false FROM {sessions}, generate_series(1, 2) d;
INSERT INTO vitals (session_id, recorded_by, recorded_at, timepoint, systolic, diastolic,
                    heart_rate, spo2, taken_at)
SELECT id, 2, scheduled_start + interval '2 minutes', 'pre_dose', 128, 80, 70, 98,
       scheduled_start + interval '2 minutes' FROM {sessions}
UNION ALL
SELECT id, 2, scheduled_start + interval '45 minutes', 'post_dose', 136, 84, 74, 97,
       scheduled_start + interval '45 minutes' FROM {sessions};
INSERT INTO observations (session_id, recorded_by, recorded_at, observed_at, moaas, dissociation,
                          respiratory_depression, spo2, symptoms)
SELECT id, 2, scheduled_start + o * interval '30 minutes',
       scheduled_start + o * interval '30 minutes',
       CASE WHEN o < 3 THEN 4 ELSE 5 END, CASE WHEN o < 3 THEN 'mild' ELSE 'none' END,
       false, 97, '[]'
FROM {sessions}, generate_series(1, 4) o;
"""

# :patients new patients tagged :tag (MRN :tag-n), each screened, enrolled and on an active TRD
# course that started on :course_start.
NEW_PATIENTS_SQL = """
INSERT INTO patients (mrn, first_name, last_name, date_of_birth, sex, phone, email,
                      reminder_channel, version, created_at, updated_at)
SELECT :tag || '-' || n, 'Pat', 'Today' || n, date '1970-01-01' + n % 9000, 'female', '555',
       NULL, 'none', 1, now(), now()
FROM generate_series(0, :patients - 1) n;
INSERT INTO screenings (patient_id, aneurysmal_vascular_disease, arteriovenous_malformation,
  intracerebral_hemorrhage_history, hypersensitivity, pregnant_or_breastfeeding, psychosis_history,
  hypertensive_encephalopathy_history, substance_use_history, concomitant_medications, recorded_by,
  recorded_at)
SELECT id, false, false, false, false, false, false, false, false, '[]', 1, now()
FROM patients WHERE mrn LIKE :tag || '-%';
INSERT INTO rems_enrollments (patient_id, rems_patient_id, enrolled_on, recorded_by, recorded_at)
SELECT id, 'RP' || mrn, date '2020-01-01', 1, now() FROM patients WHERE mrn LIKE :tag || '-%';
INSERT INTO courses (patient_id, indication, start_date, prescriber_id, oral_antidepressant,
                     continuation_interval_weeks, status, version, created_at)
SELECT id, 'TRD', CAST(:course_start AS date), 1, NULL, 1, 'active', 1, now()
FROM patients WHERE mrn LIKE :tag || '-%'
"""

# A site this run adds, for today: its chairs (CHAIRS_SQL), a new patient (NEW_PATIENTS_SQL) per
# session, and on each chair the sessions of the day's slots :first_slot to :last_slot
# (TODAY_SESSIONS_SQL; 0: discharged this morning, 1: under observation now, 2: booked for later).
CHAIRS_SQL = """
INSERT INTO chairs (site_id, label, active)
SELECT :site, 'Chair ' || c, true FROM generate_series(1, :chairs) c
"""
TODAY_SESSIONS_SQL = """
INSERT INTO sessions (course_id, patient_id, site_id, chair_id, scheduled_start, scheduled_end,
                      local_day, planned_dose_mg, state, version, overrides, created_by, created_at,
                      updated_at)
SELECT courses.id, p.id, :site, ch.id, now() + slot.begins, now() + slot.begins
       + interval '150 minutes', (now() AT TIME ZONE 'America/New_York')::date, 56, slot.state,
       1, '[]', 1, now(), now()
FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM patients
      WHERE mrn LIKE :tag || '-%') p
JOIN courses ON courses.patient_id = p.id
JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM chairs WHERE site_id = :site) ch
  ON ch.k = p.n % :chairs
JOIN (VALUES (0, interval '-260 minutes', 'discharged'), (1, interval '-70 minutes', 'observing'),
             (2, interval '90 minutes', 'scheduled')) AS slot (number, begins, state)
  ON slot.number = p.n / :chairs + :first_slot
"""


def seed(app, sessions):
    days = sessions // (SITES * CHAIRS * SLOTS) + 2
    params = dict(sites=SITES, chairs=CHAIRS, slots=SLOTS,
                  pps=PATIENTS_PER_SITE, per_day=CHAIRS * SLOTS,
                  patients=SITES * PATIENTS_PER_SITE, days=days, n=sessions)
    engine = get_engine(app)
    with engine.begin() as conn:
        for block in (SEED_SQL, SESSIONS_SQL, ENTRIES_SQL.format(sessions="sessions")):
            run_script(conn, block, params)
    settle(app)


def settle(app):
    """After seeding with explicit ids: the id sequences past the rows, the planner's
    statistics fresh."""
    with get_engine(app).begin() as conn:
        for table in ("users", "sites", "chairs", "patients", "courses", "sessions"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT max(id) FROM {table}))"))
    with get_engine(app).connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def run_script(conn, script, params):
    """Run each statement of `script` with those of `params` it names."""
    for statement in filter(str.strip, script.split(";")):
        conn.execute(text(statement), {k: v for k, v in params.items() if f":{k}" in statement})


def add_site(conn, name):
    """Insert a certified outpatient site in New York (default policy); return its id."""
    return conn.execute(text(
        "INSERT INTO sites (name, timezone, setting_type, rems_certification_id, "
        "rems_certified_until, prescriber_on_site, pulse_oximeter_available, "
        "rems_enrollment_required, rems_forms_required, version, created_at) VALUES "
        "(:name, 'America/New_York', 'outpatient', 'C-today', current_date + 365, true, "
        "true, true, true, 1, now()) RETURNING id"), {"name": name}).scalar()


def run_tag():
    """A tag unique to this moment, for the names and MRNs a run adds."""
    return f"T{utcnow():%Y%m%d%H%M%S%f}"


def todays_site(app, name, chairs, first_slot, last_slot):
    """Add a site with today's sessions (TODAY_SESSIONS_SQL) and their entries; return its id.

    Each run adds its own, so that neither the board nor the observation writes read what
    earlier runs wrote: the board shows one full day, each session takes ~10 observations.
    """
    tag = run_tag()
    with get_engine(app).begin() as conn:
        site_id = add_site(conn, f"{name} {tag}")
        params = dict(site=site_id, chairs=chairs, first_slot=first_slot, last_slot=last_slot,
                      tag=tag, patients=chairs * (last_slot - first_slot + 1),
                      course_start=utcnow().date() - timedelta(days=60))
        for script in (CHAIRS_SQL, NEW_PATIENTS_SQL, TODAY_SESSIONS_SQL):
            run_script(conn, script, params)
        begun = f"(SELECT * FROM sessions WHERE site_id = {site_id} AND state <> 'scheduled') s"
        run_script(conn, ENTRIES_SQL.format(sessions=begun), params)
    return site_id


def prepared(base_url, name, sessions, reseed, seed_with=None):
    """The app on database `name`, migrated, seeded with `sessions` (by `seed_with(app, n)`,
    default this script's seed) unless it has sessions already."""
    url = ensure_database(base_url, name, reseed)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False})
    migrate.upgrade(app)
    with get_engine(app).connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM sessions")).scalar()
    if have == 0:
        started = time.perf_counter()
        (seed_with or seed)(app, sessions)
        print(f"seeded {name}: {sessions:,} sessions in {time.perf_counter() - started:.0f} s",
              flush=True)
    return app


def tokens(app):
    from spravato_ops.models import User

    with Session(get_engine(app)) as session:
        found = {}
        for user_id in (1, 2):
            token, _ = issue_token(session, session.get(User, user_id), 12)
            found[user_id] = {"Authorization": f"Bearer {token}"}
        session.commit()
    return found[1], found[2]


def timed(client, method, path, headers, json=None, expect=200):
    started = time.perf_counter()
    response = client.open(path, method=method, headers=headers, json=json)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != expect:
        raise SystemExit(f"{method} {path}: {response.status_code} "
                         f"{response.get_data(as_text=True)[:300]}")
    return elapsed


def workload(app, requests):
    """The calls to time against one database, by name: each takes the call's index."""
    booker, nurse = tokens(app)
    client = app.test_client()
    board_site = todays_site(app, "Board", CHAIRS, 0, 2)
    writes_site = todays_site(app, "Writes", WRITE_CHAIRS, 1, 1)
    with get_engine(app).connect() as conn:
        observing = {site: conn.execute(text(
            "SELECT id FROM sessions WHERE site_id = :site AND state = 'observing' ORDER BY id"),
            {"site": site}).scalars().all() for site in (board_site, writes_site)}
        day = conn.execute(text(
            "SELECT local_day FROM sessions WHERE site_id = 1 AND state = 'discharged' "
            "GROUP BY local_day ORDER BY count(*) DESC, local_day DESC LIMIT 1")).scalar()
    return {
        "GET /board": lambda i: timed(client, "GET", f"/api/v1/board?site_id={board_site}",
                                      nurse),
        "GET /sessions": lambda i: timed(
            client, "GET", f"/api/v1/sessions?site_id=1&date={day}", nurse),
        "GET /discharge-readiness": lambda i: timed(
            client, "GET", f"/api/v1/sessions/{observing[board_site][-1]}/discharge-readiness",
            nurse),
        "POST /sessions": bookings(app, client, booker, requests + WARM_UP + 1),
        "POST /observations": lambda i: timed(
            client, "POST",
            f"/api/v1/sessions/{observing[writes_site][i % WRITE_CHAIRS]}/observations",
            nurse, json=OBSERVATION | {"observed_at": _just_now()}, expect=201),
    }


# An unremarkable observation: it raises no alert.
OBSERVATION = {"moaas": 5, "dissociation": "none", "respiratory_depression": False, "spo2": 98,
               "symptoms": []}


def _just_now():
    return (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()


def measure(sides, requests):
    """Time every call against each database ({side: calls}) in alternating rounds of ROUND
    requests, so that whatever else the machine does at a moment weighs on all alike."""
    results = {side: {name: [] for name in calls} for side, calls in sides.items()}
    for name in next(iter(sides.values())):
        for i in range(WARM_UP):
            for calls in sides.values():
                calls[name](i)
        for first in range(WARM_UP, WARM_UP + requests, ROUND):
            for side, calls in sides.items():
                results[side][name] += [calls[name](i) for i in range(first, first + ROUND)]
    return results


def statements(app, calls, index):
    """{name: (statements, statements of its write transaction or None)} of one call each."""
    found = {}
    for name, call in calls.items():
        with StatementCount(get_engine(app)) as count:
            call(index)
        transactions = count.in_transactions()
        found[name] = (count.total, len(transactions[-1]) if transactions else None)
    return found


def bookings(app, client, headers, count):
    """A call that books the i-th of `count` first sessions, for new patients, from tomorrow on
    chairs this run adds to site 1 (so runs neither collide nor drift into the future)."""
    from spravato_ops.models import Chair, Patient, RemsEnrollment, Screening, TreatmentCourse

    now = utcnow()
    start_day = (now + timedelta(days=1)).date()
    with Session(get_engine(app)) as session:
        chairs = [Chair(site_id=1, label=f"Bench {now:%Y%m%d%H%M%S}-{c}") for c in range(CHAIRS)]
        session.add_all(chairs)
        session.flush()
        chair_ids = [chair.id for chair in chairs]
        course_ids = []
        for n in range(count):
            patient = Patient(mrn=f"BN{now.timestamp():.0f}-{n}", first_name="New",
                              last_name=f"P{n}", date_of_birth=now.date().replace(year=1980),
                              sex="male", reminder_channel="none", created_at=now, updated_at=now)
            session.add(patient)
            session.flush()
            session.add(Screening(patient_id=patient.id, aneurysmal_vascular_disease=False,
                                  arteriovenous_malformation=False,
                                  intracerebral_hemorrhage_history=False, hypersensitivity=False,
                                  pregnant_or_breastfeeding=False, psychosis_history=False,
                                  hypertensive_encephalopathy_history=False,
                                  recorded_by=1, recorded_at=now))
            session.add(RemsEnrollment(patient_id=patient.id, rems_patient_id=f"RPN{patient.id}",
                                       enrolled_on=now.date(), recorded_by=1, recorded_at=now))
            course = TreatmentCourse(patient_id=patient.id, indication="TRD", start_date=start_day,
                                     prescriber_id=1, created_at=now)
            session.add(course)
            session.flush()
            course_ids.append(course.id)
        session.commit()

    def book(n):
        day = start_day + timedelta(days=n // (CHAIRS * SLOTS))
        slot, chair_id = (n // CHAIRS) % SLOTS, chair_ids[n % CHAIRS]
        body = {"course_id": course_ids[n], "site_id": 1, "chair_id": chair_id,
                "scheduled_start": f"{day}T{13 + 3 * slot:02d}:00:00Z", "planned_dose_mg": 56}
        return timed(client, "POST", "/api/v1/sessions", headers, json=body, expect=201)

    return book


def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--quick", action="store_true",
                        help="the small database only: no 1M seeding, no comparison")
    parser.add_argument("--small-db", default="spravato_bench_small")
    parser.add_argument("--large-db", default="spravato_bench_large")
    return parser.parse_args()


def shown_statements(counted):
    total, in_transaction = counted
    return f"{total}" + (f" [{in_transaction}]" if in_transaction is not None else "")


def report_quick(times, counted, args):
    print(f"\n{'call':28} {'p50':>8} {'p95':>8}  statements [write transaction]")
    for name, values in times.items():
        print(f"{name:28} {p(values, 50):8.2f} {p(values, 95):8.2f}  "
              f"{shown_statements(counted[name])}")
    print(f"\ndatabase: {args.small:,} sessions; {args.requests} requests each")
    return 0


# Statements per request (BEGIN and COMMIT included): at most these; for a write, in its
# write transaction (the token lookup before it runs on its own, in autocommit).
STATEMENT_BUDGETS = {"GET /board": 3, "POST /observations": 6}


def within_budget(name, counted):
    total, in_transaction = counted
    budget = STATEMENT_BUDGETS.get(name)
    return budget is None or (in_transaction if in_transaction is not None else total) <= budget


def budget_shown(name):
    budget = STATEMENT_BUDGETS.get(name)
    if budget is None:
        return ""
    return f", statements <= {budget}" + (" in the write" if name.startswith("POST") else "")


def report(small, large, counted, args):
    print(f"\n{'call':28} {'p50 1k':>8} {'p95 1k':>8} {'p50 1M':>8} {'p95 1M':>8} "
          f"{'1M/1k':>7}  {'stmts':>6}  target")
    failed = False
    for name in small:
        s95, l95 = p(small[name], 95), p(large[name], 95)
        ok = l95 <= 1.5 * s95 and max(s95, l95) < 15 and within_budget(name, counted[name])
        failed |= not ok
        print(f"{name:28} {p(small[name], 50):8.2f} {s95:8.2f} {p(large[name], 50):8.2f} "
              f"{l95:8.2f} {l95 / s95:7.2f}  {shown_statements(counted[name]):>6}  "
              f"{'met' if ok else 'MISSED'} (p95 < 15 ms, <= 1.5x{budget_shown(name)})")
    print(f"\nlarge database: {args.large:,} sessions; small: {args.small:,}; "
          f"{args.requests} requests each")
    return 1 if failed else 0


def main():
    args = arguments()
    apps = {"small": prepared(args.base_url, args.small_db, args.small, args.reseed)}
    if not args.quick:
        apps["large"] = prepared(args.base_url, args.large_db, args.large, args.reseed)
    sides = {side: workload(app, args.requests) for side, app in apps.items()}
    times = measure(sides, args.requests)
    counted = statements(apps["small"], sides["small"], WARM_UP + args.requests)
    if args.quick:
        return report_quick(times["small"], counted, args)
    return report(times["small"], times["large"], counted, args)


if __name__ == "__main__":
    sys.exit(main())
