"""Load benchmark of the production stack: gunicorn on PostgreSQL under wrk, with alert streams
open, against the stack's own ceiling.

Usage: python bench/bench_load.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                  [--db spravato_bench_load] [--sessions 1000] [--reseed]
                                  [--seconds 30] [--rounds 3] [--connections 32]
                                  [--wrk-threads 2] [--streams 50] [--workers 2] [--threads N]
                                  [--observing 500] [--bookings 40000] [--keep]

Prepares a PostgreSQL database (bench_api's seed: 200 sites, `--sessions` past sessions), and
adds this run's own sites: a board site with a full day (bench_api's), a site with
`--observing` sessions under observation now (the observation writes rotate over them, a few
dozen each at most), and a site of 200 chairs with `--bookings` new patients (screened,
enrolled, on a TRD course from tomorrow), one valid booking each from tomorrow on, in clinic
hours (5 slots of P-SLOT a chair a day), so that every POST /sessions is a fresh booking: 201.
Then starts gunicorn as production does (`gunicorn -c gunicorn.conf.py wsgi:app`,
SPRAVATO_ENV=production, `--workers` workers, threads as gunicorn.conf.py says unless
`--threads`) on a free loopback port, its stderr (JSON logs) to a file in a
temporary directory, and holds `--streams` alert streams open from a second process (a thread
each, reconnecting whenever the server ends a stream) through every case.

Cases, each run by wrk (Debian's, `make wrk`) from its own process on loopback at
`--connections` connections and `--wrk-threads` threads with bench/wrk/load.lua:
  (a) GET /healthz, the trivial endpoint behind the same middleware: the ceiling;
  (b) GET /api/v1/board of the board site (nurse token);
  (c) POST /api/v1/sessions/{id}/observations, rotating over the observing sessions
      (observed_at two seconds before each request);
  (d) GET /api/v1/sessions/{id}/discharge-readiness of one observing session;
  (e) POST /api/v1/sessions, each prepared booking sent once (prescriber token);
  (f) GET /nurse/sessions/{id}, the nurse's page, with the cookie of a login through the real
      form (before the streams open), renewed from each Set-Cookie as a browser does.
Before the streams open, (a), (b) and (d) run one round each without them, and the report
sets those figures beside the ones with the streams open.
`--seconds` per case in all, as `--rounds` rounds cycling over the cases (a b c d e f a b ...),
so that whatever else the machine does weighs on every case alike. Per case the rounds add
up: requests, time and errors (connect, read, write, timeouts past wrk's 2 s, responses
outside 2xx, and every request of a round that got no answer at all); the percentiles are
pooled, computed from the rounds' latency histograms together (10 us bins below 10 ms, 100 us
below 100 ms). CPU: utime + stime from /proc before and after
each round, of the gunicorn workers and of PostgreSQL (the postmaster, its auxiliary
processes, and the backends of the bench database; other databases' backends are left out),
per request. The streams' own polls are in every round's CPU alike.

Prints per case: requests/s, p50/p95/p99 (ms), errors, worker and PostgreSQL CPU ms per
request, the ratio of requests/s to (a), and PASS/FAIL against issue 14's targets ((b), (d) at
least 0.6 of (a); (c), (e), (f) at least 0.4; p99 under 50 ms; zero errors), and the streams
open at the start and the end, and their errors. Exits 0 whatever the figures (a
measurement); nonzero when the setup fails. The temporary directory (gunicorn's log, wrk's
configurations) is removed at the end unless a case had errors or `--keep`.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import text

sys.path.insert(0, ".")

import bench_api  # noqa: E402
from bench_api import OBSERVATION, prepared, settle, todays_site, tokens  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.services.credentials import hash_password  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "wrk" / "load.lua"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
ZONE = ZoneInfo("America/New_York")
HOST = "127.0.0.1"

BOOKING_CHAIRS = 200
CLINIC_OPENS, SLOT_MINUTES, SLOTS_A_DAY = 7, 150, 5  # 07:00-19:30 local, P-SLOT blocks
PAGE_NURSE = "bench-load-nurse@bench"
READY_SECONDS = 60
STREAM_READ_TIMEOUT = 30  # the server writes at least every ~2 s while a stream is open
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TARGETS = {"a": None, "b": 0.6, "c": 0.4, "d": 0.6, "e": 0.4, "f": 0.4}
P99_TARGET_MS = 50
# Measured once more before the streams open, to show what open streams change.
BASELINE_CASES = ("a", "b", "d")


class SetupFailed(Exception):
    """The stack could not be prepared or started: no measurement."""


# --- the database -------------------------------------------------------------------------

BOOKING_COURSES_SQL = """
SELECT courses.id FROM courses JOIN patients ON patients.id = courses.patient_id
WHERE patients.mrn LIKE :tag || '-%' ORDER BY patients.id
"""


def booking_bodies(app, count, path):
    """Write `count` bodies of POST /sessions to `path`, one JSON a line, each for a new
    patient (NEW_PATIENTS_SQL, course from tomorrow) on a site of BOOKING_CHAIRS chairs added
    now: chair fastest, then the day's slot (SLOTS_A_DAY blocks of P-SLOT from CLINIC_OPENS,
    New York time), then the day from tomorrow. No two overlap on a chair (capacity), no
    patient has two (R1.8), every one is the course's first, 56 mg (R1.1, R1.2), in the
    future and within any opening hours (none set: P-HOURS). Returns the site id."""
    tag = bench_api.run_tag()
    first_day = datetime.now(ZONE).date() + timedelta(days=1)
    with get_engine(app).begin() as conn:
        site_id = bench_api.add_site(conn, f"Bookings {tag}")
        params = dict(site=site_id, chairs=BOOKING_CHAIRS, tag=tag, patients=count,
                      course_start=first_day)
        for script in (bench_api.CHAIRS_SQL, bench_api.NEW_PATIENTS_SQL):
            bench_api.run_script(conn, script, params)
        chair_ids = conn.execute(text("SELECT id FROM chairs WHERE site_id = :site ORDER BY id"),
                                 {"site": site_id}).scalars().all()
        course_ids = conn.execute(text(BOOKING_COURSES_SQL), {"tag": tag}).scalars().all()
    per_day = BOOKING_CHAIRS * SLOTS_A_DAY
    with open(path, "w", encoding="ascii") as out:
        for n, course_id in enumerate(course_ids):
            day = first_day + timedelta(days=n // per_day)
            slot = (n // BOOKING_CHAIRS) % SLOTS_A_DAY
            local = datetime(day.year, day.month, day.day, CLINIC_OPENS, tzinfo=ZONE) + \
                timedelta(minutes=slot * SLOT_MINUTES)
            start = local.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")
            out.write(json.dumps({"course_id": course_id, "site_id": site_id,
                                  "chair_id": chair_ids[n % BOOKING_CHAIRS],
                                  "scheduled_start": start, "planned_dose_mg": 56}) + "\n")
    return site_id


def page_nurse(app):
    """A nurse who logs in through the form (no site assigned: every site); her password."""
    password = secrets.token_urlsafe(18)
    with get_engine(app).begin() as conn:
        conn.execute(text(
            "INSERT INTO users (email, name, role, password_hash, active, created_at) VALUES "
            "(:email, 'Bench Page Nurse', 'nurse', :hash, true, now()) "
            "ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, "
            "active = true"), {"email": PAGE_NURSE, "hash": hash_password(password)})
    return {"email": PAGE_NURSE, "password": password}


def observing_sessions(app, site_id):
    with get_engine(app).connect() as conn:
        return conn.execute(text(
            "SELECT id FROM sessions WHERE site_id = :site AND state = 'observing' ORDER BY id"),
            {"site": site_id}).scalars().all()


@dataclass
class Inputs:
    """What the cases send, prepared in the database."""

    database_url: str
    booker: dict
    nurse: dict
    board_site: int
    writes: list
    readiness_session: int
    bodies_file: str
    bodies: int
    login: dict


def prepare(args, workdir):
    app = prepared(args.base_url, args.db, args.sessions, args.reseed)
    started = time.perf_counter()
    board_site = todays_site(app, "Board", bench_api.CHAIRS, 0, 2)
    writes_site = todays_site(app, "Writes", args.observing, 1, 1)
    bodies_file = str(workdir / "bookings.jsonl")
    booking_bodies(app, args.bookings, bodies_file)
    login = page_nurse(app)
    booker, nurse = tokens(app)
    settle(app)
    inputs = Inputs(database_url=app.config["DATABASE_URL"], booker=booker, nurse=nurse,
                    board_site=board_site, writes=observing_sessions(app, writes_site),
                    readiness_session=observing_sessions(app, board_site)[-1],
                    bodies_file=bodies_file, bodies=args.bookings, login=login)
    get_engine(app).dispose()
    print(f"prepared this run's sites in {time.perf_counter() - started:.0f} s: board site "
          f"{board_site}, {len(inputs.writes)} sessions under observation, {args.bookings:,} "
          "bookings", flush=True)
    return inputs


# --- gunicorn -----------------------------------------------------------------------------

def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_gunicorn(args, database_url, workdir):
    """gunicorn as production runs it; returns (process, port, log path) once /readyz is 200."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("SPRAVATO_") and key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(SPRAVATO_ENV="production", SPRAVATO_SECRET_KEY=secrets.token_hex(32),
               SPRAVATO_DATABASE_URL=database_url, SPRAVATO_WEB_WORKERS=str(args.workers),
               SPRAVATO_BIND=f"{HOST}:{port}",
               # several workers count failed logins together (README), under a prefix of ours
               SPRAVATO_RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
               SPRAVATO_RATELIMIT_KEY_PREFIX="spravato-bench-load")
    if args.threads:
        env["SPRAVATO_WEB_THREADS"] = str(args.threads)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([*command, "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                   env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SetupFailed(f"gunicorn exited ({process.returncode}); see {log_path}:\n"
                              + tail(log_path))
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=2) as answer:
                if answer.status == 200:
                    return process, port, log_path
        except OSError:
            pass
        time.sleep(0.3)
    stop_process(process)
    raise SetupFailed(f"/readyz did not answer 200 within {READY_SECONDS} s; see {log_path}:\n"
                      + tail(log_path))


def tail(path, lines=15):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def stop_process(process, grace=15):
    """SIGTERM (gunicorn: graceful), then SIGKILL after `grace` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- alert streams, in a process of their own ---------------------------------------------

def hold_streams(port, path, headers, count, counters, stop):
    """Hold `count` streams open until `stop`; counters: [open now, errors, opened in all,
    errors answered other than 200, errors of a broken or timed-out connection]."""
    lock = threading.Lock()

    def add(index, amount):
        with lock:
            counters[index] += amount

    def one():
        while not stop.is_set():
            conn = http.client.HTTPConnection(HOST, port, timeout=STREAM_READ_TIMEOUT)
            opened = False
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                if response.status != 200:
                    add(1, 1)
                    add(3, 1)
                    stop.wait(1)
                    continue
                opened = True
                add(0, 1)
                add(2, 1)
                while not stop.is_set() and response.readline():
                    pass  # until the server ends the stream (its `timeout`), then reconnect
            except (OSError, http.client.HTTPException):
                if not stop.is_set():
                    add(1, 1)
                    add(4, 1)
                    stop.wait(1)
            finally:
                if opened:
                    add(0, -1)
                conn.close()

    holders = [threading.Thread(target=one, daemon=True) for _ in range(count)]
    for holder in holders:
        holder.start()
    stop.wait()
    for holder in holders:
        holder.join(STREAM_READ_TIMEOUT + 5)


class Streams:
    """The alert streams' process: open(), closed(), errors."""

    def __init__(self, port, site_id, headers, count):
        context = multiprocessing.get_context("spawn")
        self.counters = context.Array("i", 5)
        self.stop = context.Event()
        path = f"/api/v1/alerts/stream?site_id={site_id}"
        self.process = context.Process(target=hold_streams, daemon=True, args=(
            port, path, headers, count, self.counters, self.stop))
        self.count = count

    def start(self, wait=20):
        """Start the streams; wait until all are open (or `wait` seconds); return how many are."""
        self.process.start()
        deadline = time.monotonic() + wait
        while self.open < self.count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.open

    @property
    def open(self):
        return self.counters[0]

    @property
    def errors(self):
        """(errors, of which answered other than 200, of which broken or timed out)"""
        return self.counters[1], self.counters[3], self.counters[4]

    @property
    def opened(self):
        return self.counters[2]

    def close(self):
        self.stop.set()
        self.process.join(10)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join()


# --- CPU from /proc -----------------------------------------------------------------------

def _stat(pid):
    """(ppid, utime + stime in ticks) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _command(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm", encoding="ascii", errors="replace") as comm:
            return comm.read().strip()
    except OSError:
        return ""


def _postgres_process_of(command, database):
    """A process of the PostgreSQL server that works for the bench: the postmaster, an auxiliary
    process (no database in its title), or a backend or autovacuum worker of `database`.
    Backends' titles: 'postgres: 15/main: USER DATABASE HOST(PORT) STATE'."""
    if not command.startswith("postgres:"):
        return True  # the postmaster: /usr/lib/postgresql/15/bin/postgres -D ...
    title = command.split(": ", 2)[-1].split()
    if title[:2] == ["autovacuum", "worker"]:
        return title[2:3] == [database]
    aux = ("checkpointer", "background", "walwriter", "autovacuum", "logical", "archiver",
           "stats", "startup", "walreceiver", "walsender")
    return title[0] in aux if len(title) < 3 else title[1] == database


def cpu_ticks(master_pid, database):
    """{("worker"|"postgres", pid): ticks} of gunicorn's workers and PostgreSQL's processes."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        stat = _stat(pid)
        if stat is None:
            continue
        ppid, ticks = stat
        if ppid == master_pid:
            found["worker", pid] = ticks
        elif _comm(pid) == "postgres" and _postgres_process_of(_command(pid), database):
            found["postgres", pid] = ticks
    return found


def cpu_ms(before, after):
    """{"worker": ms, "postgres": ms} spent between two cpu_ticks (processes new since: all of
    theirs; processes gone meanwhile are not counted)."""
    spent = {"worker": 0.0, "postgres": 0.0}
    for key, ticks in after.items():
        spent[key[0]] += (ticks - before.get(key, 0)) * 1000 / CLOCK_TICKS
    return spent


# --- the cases ----------------------------------------------------------------------------

@dataclass
class Case:
    key: str
    name: str
    method: str
    paths: list
    headers: dict = field(default_factory=dict)
    body: str | None = None  # "{now}": the time two seconds before each request
    bodies: bool = False  # the prepared bookings, each once
    follow_cookie: bool = False  # the nurse page: the browser session's cookie, as renewed


def cases(inputs):
    json_headers = {"Content-Type": "application/json"}
    observation = json.dumps(OBSERVATION | {"observed_at": "{now}"})
    return [
        Case("a", "GET /healthz", "GET", ["/healthz"]),
        Case("b", "GET /board", "GET", [f"/api/v1/board?site_id={inputs.board_site}"],
             inputs.nurse),
        Case("c", "POST /observations", "POST",
             [f"/api/v1/sessions/{sid}/observations" for sid in inputs.writes],
             inputs.nurse | json_headers, body=observation),
        Case("d", "GET /discharge-readiness", "GET",
             [f"/api/v1/sessions/{inputs.readiness_session}/discharge-readiness"], inputs.nurse),
        Case("e", "POST /sessions", "POST", ["/api/v1/sessions"], inputs.booker | json_headers,
             bodies=True),
        Case("f", "GET /nurse/sessions/{id}", "GET",
             [f"/nurse/sessions/{inputs.readiness_session}"], follow_cookie=True),
    ]


def browser_cookie(base, login, page):
    """Log in through the form (GET /login for its CSRF token, then POST); the Cookie header of
    that browser session, checked on `page`."""
    with requests.Session() as browser:
        form = browser.get(f"{base}/login", timeout=10)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text) or \
            re.search(r'value="([^"]+)"[^>]*name="csrf_token"', form.text)
        if token is None:
            raise SetupFailed("no CSRF token on the login page")
        answer = browser.post(f"{base}/login", data=login | {"csrf_token": token.group(1)},
                              allow_redirects=False, timeout=10)
        if answer.status_code != 302:
            raise SetupFailed(f"the login form answered {answer.status_code}")
        check = browser.get(f"{base}{page}", allow_redirects=False, timeout=10)
        if check.status_code != 200:
            raise SetupFailed(f"{page} answered {check.status_code} after logging in")
        return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


def lua_value(value):
    """A Lua literal of a str, int, bool, None, list or dict (ASCII strings)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)  # \" \\ \n \t are Lua escapes too
    if isinstance(value, list):
        return "{" + ", ".join(lua_value(item) for item in value) + "}"
    return "{" + ", ".join(f"[{lua_value(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"


@dataclass
class Run:
    """A case's rounds added up."""

    requests: int = 0
    duration_us: int = 0
    errors: dict = field(default_factory=lambda: dict.fromkeys(
        ("connect", "read", "write", "timeout", "no_answer", "non_2xx"), 0))
    last_status: int = 0
    histogram: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=lambda: {"worker": 0.0, "postgres": 0.0})
    sent_twice: int = 0

    def add(self, figures, cpu):
        self.requests += figures["requests"]
        self.duration_us += figures["duration_us"]
        for kind in self.errors:
            self.errors[kind] += figures[kind]
        self.last_status = figures["last_status"] or self.last_status
        for edge, count in figures["histogram"]:
            self.histogram[edge] = self.histogram.get(edge, 0) + count
        for kind in self.cpu:
            self.cpu[kind] += cpu[kind]
        self.sent_twice += figures["sent_twice"]

    @property
    def error_count(self):
        return sum(self.errors.values())

    @property
    def rps(self):
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    def percentile_ms(self, q):
        """The pooled rounds' q-th percentile (the upper edge of its bin), in ms."""
        total = sum(self.histogram.values())
        if not total:
            return float("nan")
        seen = 0
        for edge in sorted(self.histogram):
            seen += self.histogram[edge]
            if seen >= total * q / 100:
                return edge / 1000
        return max(self.histogram) / 1000

    def cpu_per_request(self, kind):
        return self.cpu[kind] / self.requests if self.requests else float("nan")


class Bench:
    """The cases against a running server, round after round."""

    def __init__(self, args, inputs, port, master_pid, workdir):
        self.args, self.inputs, self.workdir = args, inputs, workdir
        self.base = f"http://{HOST}:{port}"
        self.master_pid = master_pid
        self.database = args.db
        self.offset = 0  # the next unsent booking
        self.cookie = None  # the nurse's browser session, as the last round left it

    def log_in(self, page):
        """Log the nurse in through the form (before the streams take their threads)."""
        self.cookie = browser_cookie(self.base, self.inputs.login, page)

    def round(self, case, seconds, number):
        headers = dict(case.headers)
        if case.follow_cookie:
            headers["Cookie"] = self.cookie
        config = {"method": case.method, "paths": case.paths, "headers": headers,
                  "threads": self.args.wrk_threads, "body": case.body,
                  "follow_cookie": case.follow_cookie}
        if case.bodies:
            config |= {"bodies_file": self.inputs.bodies_file, "offset": self.offset}
        config_path = self.workdir / f"case-{case.key}-{number}.lua"
        config_path.write_text("return " + lua_value(config) + "\n", encoding="ascii")
        before = cpu_ticks(self.master_pid, self.database)
        done = subprocess.run(
            [WRK, "-t", str(self.args.wrk_threads), "-c", str(self.args.connections),
             "-d", f"{seconds}s", "-s", str(LUA), self.base + case.paths[0], "--",
             str(config_path)], capture_output=True, text=True, timeout=seconds + 60)
        after = cpu_ticks(self.master_pid, self.database)
        line = next((row for row in done.stdout.splitlines() if row.startswith("wrk-json ")),
                    None)
        if done.returncode != 0 or line is None:
            raise SetupFailed(f"wrk failed ({done.returncode}) in case {case.key}:\n"
                              f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
        figures = json.loads(line.removeprefix("wrk-json "))
        # wrk counts a timeout at its checks every 2 s; a round with no answer at all may have
        # ended before one: then every request it sent is an error.
        figures["no_answer"] = figures["unanswered"] if figures["requests"] == 0 else 0
        if case.bodies:
            self.offset += figures["most_sent"] * self.args.wrk_threads
        if case.follow_cookie and figures["cookie"]:
            self.cookie = figures["cookie"]
        return figures, cpu_ms(before, after)

    def without_streams(self, all_cases):
        """One round of the read cases (BASELINE_CASES) before any stream opens: what the
        streams' presence changes is seen against it."""
        seconds = max(1, round(self.args.seconds / self.args.rounds))
        runs = {}
        for case in all_cases:
            if case.key in BASELINE_CASES:
                runs[case.key] = Run()
                runs[case.key].add(*self.round(case, seconds, "quiet"))
        return runs

    def measure(self, all_cases, streams):
        seconds = max(1, round(self.args.seconds / self.args.rounds))
        runs = {case.key: Run() for case in all_cases}
        open_counts = []
        for number in range(self.args.rounds):
            for case in all_cases:
                open_counts.append(streams.open)
                figures, cpu = self.round(case, seconds, number)
                runs[case.key].add(figures, cpu)
                print(f"  round {number + 1} ({case.key}) {case.name:28} "
                      f"{figures['requests'] / (figures['duration_us'] / 1e6):8.0f} req/s  "
                      f"p99 {figures['p99'] / 1000:7.1f} ms  errors "
                      f"{sum(figures[k] for k in Run().errors)}  streams open {streams.open}",
                      flush=True)
        return runs, open_counts


# --- the report ---------------------------------------------------------------------------

def report_streams_effect(all_cases, quiet, runs, streams):
    """The read cases without streams and with them open, side by side."""
    print(f"\nwith {streams} alert streams open against none (one round each without):")
    print(f"{'case':30} {'req/s':>13} {'p50':>15} {'p99':>15}")
    for case in all_cases:
        if case.key not in quiet:
            continue
        before, after = quiet[case.key], runs[case.key]
        print(f"({case.key}) {case.name:26} {before.rps:6.0f} {after.rps:6.0f} "
              f"{shown(before.percentile_ms(50), 7)} {shown(after.percentile_ms(50), 7)} "
              f"{shown(before.percentile_ms(99), 7)} {shown(after.percentile_ms(99), 7)}")


def verdict(key, run, ceiling):
    target = TARGETS[key]
    ratio = run.rps / ceiling if ceiling else float("nan")
    problems = []
    if target is not None and not ratio >= target:
        problems.append(f"ratio < {target}")
    if not run.percentile_ms(99) < P99_TARGET_MS:
        problems.append(f"p99 >= {P99_TARGET_MS}")
    if run.error_count:
        problems.append("errors")
    return ratio, ("PASS" if not problems else "FAIL: " + ", ".join(problems))


def default_threads():
    """The request and stream threads per worker gunicorn.conf.py takes when
    SPRAVATO_WEB_THREADS and SPRAVATO_WEB_STREAMS are unset."""
    conf = (ROOT / "gunicorn.conf.py").read_text(encoding="utf-8")
    found = [re.search(rf'{name}"\) or (\d+)', conf) for name in
             ("SPRAVATO_WEB_THREADS", "SPRAVATO_WEB_STREAMS")]
    requests, streams = (match.group(1) if match else "?" for match in found)
    return f"{requests} for requests + {streams} for streams"


def shown(value, width):
    """A figure to 2 decimals, or '-' when there is none (no request answered)."""
    return f"{value:{width}.2f}" if value == value else f"{'-':>{width}}"


def report(all_cases, runs, streams_seen, args):
    ceiling = runs["a"].rps
    print(f"\n{'case':30} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'errors':>7} "
          f"{'worker':>7} {'pg':>7} {'/ (a)':>6}  target")
    for case in all_cases:
        run = runs[case.key]
        ratio, result = verdict(case.key, run, ceiling)
        figures = [run.percentile_ms(50), run.percentile_ms(95), run.percentile_ms(99)]
        print(f"({case.key}) {case.name:26} {run.rps:7.0f} "
              + " ".join(shown(value, 7) for value in figures)
              + f" {run.error_count:7d} {shown(run.cpu_per_request('worker'), 7)} "
              f"{shown(run.cpu_per_request('postgres'), 7)} {shown(ratio, 6)}  {result}")
    print("\nlatency in ms, pooled over the rounds; worker / pg: CPU ms per request of the "
          "gunicorn workers / of PostgreSQL")
    print(f"targets (issue 14): (b), (d) >= 0.6 of (a); (c), (e), (f) >= 0.4 of (a); "
          f"p99 < {P99_TARGET_MS} ms; zero errors")
    for case in all_cases:
        run = runs[case.key]
        if run.error_count:
            kinds = ", ".join(f"{k} {v}" for k, v in run.errors.items() if v)
            print(f"  ({case.key}) errors: {kinds}" + (
                f" (last status {run.last_status})" if run.last_status else ""))
    if runs["e"].sent_twice:
        print(f"  (e) {runs['e'].sent_twice} bookings sent twice: raise --bookings")
    start_open, end_open, lowest, (errors, refused, broken), opened = streams_seen
    print(f"alert streams: {start_open} open at the start, {end_open} at the end (fewest "
          f"between rounds {lowest}), {opened} opened in all, {errors} stream errors"
          + (f" ({refused} answered other than 200, {broken} broken or timed out)"
             if errors else ""))
    if start_open < args.streams:
        print(f"  only {start_open} of {args.streams} streams opened: a worker serves at most "
              "SPRAVATO_WEB_STREAMS at once (503 past them)")
    threads = args.threads or f"{default_threads()} (gunicorn.conf.py's default)"
    print(f"gunicorn: {args.workers} workers of {threads} threads; wrk: {args.connections} "
          f"connections, {args.wrk_threads} threads, {args.rounds} rounds of "
          f"{max(1, round(args.seconds / args.rounds))} s per case; database "
          f"{args.db} ({args.sessions:,} past sessions)")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="spravato_bench_load")
    parser.add_argument("--sessions", type=int, default=1_000,
                        help="past sessions of the seed (first run, or --reseed)")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--seconds", type=int, default=30, help="per case, all rounds together")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--streams", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--observing", type=int, default=500,
                        help="sessions under observation that the observation writes rotate over")
    parser.add_argument("--bookings", type=int, default=40_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args()


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main():
    args = arguments()
    if not os.access(WRK, os.X_OK):
        print(f"no wrk at {WRK}: `make wrk` installs Debian's", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    server = streams = None
    keep = args.keep
    try:
        inputs = prepare(args, workdir)
        server, port, log_path = start_gunicorn(args, inputs.database_url, workdir)
        print(f"gunicorn {server.pid} on {HOST}:{port}; its log: {log_path}", flush=True)
        all_cases = cases(inputs)
        bench = Bench(args, inputs, port, server.pid, workdir)
        bench.log_in(all_cases[-1].paths[0])
        quiet = bench.without_streams(all_cases)
        streams = Streams(port, inputs.board_site, inputs.nurse, args.streams)
        start_open = streams.start()
        print(f"{start_open} of {args.streams} alert streams open", flush=True)
        runs, open_counts = bench.measure(all_cases, streams)
        streams_seen = (start_open, streams.open, min(open_counts), streams.errors,
                        streams.opened)
        report(all_cases, runs, streams_seen, args)
        report_streams_effect(all_cases, quiet, runs, args.streams)
        if any(run.error_count for run in runs.values()):
            keep = True
    except SetupFailed as failure:
        keep = True
        print(f"setup failed: {failure}", file=sys.stderr)
        return 1
    finally:
        if streams is not None:
            streams.close()
        if server is not None:
            stop_process(server)
        Path(workdir, "bookings.jsonl").unlink(missing_ok=True)
        if keep:
            print(f"kept {workdir} (gunicorn.log: the server's log)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
