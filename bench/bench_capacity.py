"""The capacity forecast of a busy site on PostgreSQL: GET /sites/{id}/capacity for the next 4
weeks, and GET /sites/{id}/needs-booking, timed in-process through the WSGI app.

Usage: python bench/bench_capacity.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                      [--courses 500] [--other-sites 1] [--requests 200]

Uses (and empties) the database spravato_bench_capacity. Seeds a site of 12 chairs with opening
hours and `--courses` active courses (induction, maintenance, weekly and every-2-weeks
continuation, MDSI), each with its past sessions by its cadence (about 1 in 10 missed or
cancelled) and, for 6 in 10, its next session booked; `--other-sites` more sites as busy, so
the site's courses are picked from among others. Prints p50/p95 in ms, the statements of one
request and what the answer says. The CPU columns are this process's own time: when other
processes keep the cores busy, the wall-clock figures include the time they hold them.
Target: capacity under 200 ms.
"""
import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, text
from sqlmodel import Session, SQLModel

sys.path.insert(0, ".")

from bench_api import ensure_database  # noqa: E402
from spravato_ops import create_app, migrate  # noqa: E402
from spravato_ops.clock import utcnow  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.domain.calendar import local_date  # noqa: E402
from spravato_ops.models import (  # noqa: E402
    Chair, Patient, SitePolicyRecord, TreatmentCourse, TreatmentSession,
)
from spravato_ops.services.credentials import issue_token  # noqa: E402
from spravato_ops.statement_count import StatementCount  # noqa: E402
from tests.factories import Factories  # noqa: E402

DATABASE = "spravato_bench_capacity"
ZONE = "America/New_York"
CHAIRS, WARM_UP = 12, 10
# Sessions start at fixed UTC times, 2.5 h apart, all inside one New York day (01:00 or 02:00
# to 21:00 or 22:00 local), so that no chair holds two at once (the exclusion constraint).
SLOTS = [timedelta(hours=6) + timedelta(minutes=150) * k for k in range(9)]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = {"opening_hours": {"weekly": {
    **{day: [["08:00", "12:30"], ["13:00", "19:00"]] for day in WEEKDAYS},
    "sat": [["09:00", "13:00"]]}, "closures": []}}
# (weight, indication, course weeks ago: low..high, continuation interval)
MIX = [(20, "TRD", (0, 3), 1), (20, "TRD", (4, 7), 1), (25, "TRD", (8, 40), 1),
       (25, "TRD", (8, 40), 2), (10, "MDSI", (0, 3), 1)]


def cadence_days(indication, weeks_ago, interval):
    """Course days (from the start) of its sessions by its cadence, up to the course's today."""
    today = weeks_ago * 7 + random.randint(0, 6)
    days = []
    for week in range(1, weeks_ago + 2):
        first = (week - 1) * 7
        if week <= 4:
            days += [first + 1, first + 4]
        elif indication == "TRD" and (week <= 8 or (week - 9) % interval == 0):
            days.append(first + 2)
    return today, days


class Seeder:
    """Rows for one site: its chairs, courses, patients and sessions, free slots per day."""

    def __init__(self, db, site_id, prescriber_id, today):
        self.db, self.site_id, self.prescriber_id, self.today = db, site_id, prescriber_id, today
        self.chairs = [Chair(site_id=site_id, label=f"Chair {n + 1}") for n in range(CHAIRS)]
        db.add_all(self.chairs)
        db.flush()
        self.taken, self.sessions = {}, []

    def _slot(self, day):
        n = self.taken.get(day, 0)
        self.taken[day] = n + 1
        if n >= CHAIRS * len(SLOTS):
            return None
        start = datetime.combine(day, datetime.min.time(), timezone.utc) + SLOTS[n // CHAIRS]
        return self.chairs[n % CHAIRS].id, start

    def course(self, n, now):
        _, indication, (low, high), interval = random.choices(MIX, [m[0] for m in MIX])[0]
        weeks_ago = random.randint(low, high)
        course_today, days = cadence_days(indication, weeks_ago, interval)
        start = self.today - timedelta(days=course_today)
        patient = Patient(mrn=f"C{self.site_id}-{n}", first_name="Pat", last_name=f"Cap{n}",
                          date_of_birth=datetime(1975, 1, 1).date(), sex="female",
                          reminder_channel="none", created_at=now, updated_at=now)
        self.db.add(patient)
        self.db.flush()
        course = TreatmentCourse(patient_id=patient.id, indication=indication, start_date=start,
                                 prescriber_id=self.prescriber_id, created_at=now,
                                 continuation_interval_weeks=interval,
                                 oral_antidepressant="sertraline" if indication == "MDSI" else None)
        self.db.add(course)
        self.db.flush()
        past = [start + timedelta(days=d) for d in days if start + timedelta(days=d) < self.today]
        for day in past:
            self.add(course, day, random.choices(("discharged", "no_show", "cancelled"),
                                                 (90, 6, 4))[0], now)
        if random.random() < 0.6:
            self.add(course, self.today + timedelta(days=random.randint(0, 10)), "scheduled",
                     now)

    def add(self, course, day, state, now):
        slot = self._slot(day)
        if slot is None:
            return
        chair_id, start = slot
        self.sessions.append(dict(
            course_id=course.id, patient_id=course.patient_id, site_id=self.site_id,
            chair_id=chair_id, scheduled_start=start, scheduled_end=start + timedelta(minutes=150),
            local_day=local_date(start, ZONE), planned_dose_mg=56, state=state, version=1,
            overrides=[], created_by=self.prescriber_id, created_at=now, updated_at=now))


def seed(app, courses, other_sites):
    engine = get_engine(app)
    tables = ", ".join(table.name for table in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    random.seed(13)
    now = utcnow()
    today = local_date(now, ZONE)
    with Session(engine, expire_on_commit=False) as db:
        make = Factories(db)
        prescriber = make.user("prescriber")
        scheduler = make.user("scheduler")
        sites = [make.site(name=f"Bench {n}", timezone=ZONE) for n in range(1 + other_sites)]
        total = 0
        for site in sites:
            db.add(SitePolicyRecord(site_id=site.id, settings=HOURS, updated_at=now))
            seeder = Seeder(db, site.id, prescriber.id, today)
            for n in range(courses):
                seeder.course(n, now)
            db.flush()
            db.connection().execute(insert(TreatmentSession.__table__), seeder.sessions)
            total += len(seeder.sessions)
        token, _ = issue_token(db, scheduler, 12)
        db.commit()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    print(f"seeded {len(sites)} site(s) of {CHAIRS} chairs, {courses} active courses each, "
          f"{total:,} sessions", flush=True)
    return sites[0].id, {"Authorization": f"Bearer {token}"}, today


def timed(client, path, headers):
    """(wall-clock ms, this process's CPU ms, the answer) of one request."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(path, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    used = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {path}: {response.status_code} {response.get_data(as_text=True)}")
    return elapsed, used, response.json


def p(values, q):
    return statistics.quantiles(values, n=100)[q - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--courses", type=int, default=500)
    parser.add_argument("--other-sites", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    url = ensure_database(args.base_url, DATABASE, reseed=False)  # emptied and seeded below
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": False})
    migrate.upgrade(app)
    site_id, headers, today = seed(app, args.courses, args.other_sites)
    client = app.test_client()
    last = today + timedelta(days=27)
    calls = {"GET /capacity (4 weeks)":
             f"/api/v1/sites/{site_id}/capacity?from={today}&to={last}",
             "GET /needs-booking": f"/api/v1/sites/{site_id}/needs-booking"}
    print(f"\n{'call':26} {'p50':>8} {'p95':>8} {'cpu p50':>8} {'cpu p95':>8}  statements")
    answers = {}
    for name, path in calls.items():
        for _ in range(WARM_UP):
            timed(client, path, headers)
        times, cpu = zip(*(timed(client, path, headers)[:2] for _ in range(args.requests)))
        with StatementCount(get_engine(app)) as count:
            answers[name] = timed(client, path, headers)[2]
        print(f"{name:26} {p(times, 50):8.1f} {p(times, 95):8.1f} {p(cpu, 50):8.1f} "
              f"{p(cpu, 95):8.1f}  {count.total}")
    days = answers["GET /capacity (4 weeks)"]["days"]
    print(f"\n{args.requests} requests each; the answer: "
          f"{sum(d['booked_sessions'] for d in days)} sessions booked and "
          f"{sum(d['expected_sessions'] for d in days)} expected in 4 weeks, "
          f"{sum(d['over_capacity'] for d in days)} day(s) over capacity; "
          f"{len(answers['GET /needs-booking']['courses'])} course(s) need booking")
    return 0


if __name__ == "__main__":
    sys.exit(main())
