"""Time and peak memory of the FHIR bulk export (GET /fhir/$export) of 1,000 and of 10,000
sessions of one site.

Usage: python bench/bench_fhir.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                  [--sessions 10000] [--small 1000] [--reseed] [--db NAME]

Seeds a PostgreSQL database (spravato_bench_fhir) with one site of 10 chairs, 300 patients
and `sessions` past sessions, 30 a day, each with 2 devices, 2 vitals and 4 observations
(bench_api.py's SQL, generate_series, server-side). Then streams the export of the first
days holding `small` sessions and of the whole range through the WSGI app in-process (no
network), reading every line: prints the sessions, lines and bytes, the wall time (a run
without tracing) and the peak of Python memory allocated while streaming (tracemalloc, a
second run). Constant memory is the target: the two peaks should be about the same.
"""
import argparse
import sys
import time
import tracemalloc
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

sys.path.insert(0, ".")

import bench_api  # noqa: E402
from bench_api import SEED_SQL, SESSIONS_SQL  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.models import User  # noqa: E402
from spravato_ops.services.credentials import issue_token  # noqa: E402

CHAIRS, SLOTS, PATIENTS = 10, 3, 300
PER_DAY = CHAIRS * SLOTS


def seed(app, sessions):
    params = dict(sites=1, chairs=CHAIRS, slots=SLOTS, pps=PATIENTS, per_day=PER_DAY,
                  patients=PATIENTS, days=sessions // PER_DAY + 2, n=sessions, today=0)
    with get_engine(app).begin() as conn:
        for block in (SEED_SQL, SESSIONS_SQL):
            bench_api.run_script(conn, block, params)
    bench_api.settle(app)


def prepared(args):
    return bench_api.prepared(args.base_url, args.db, args.sessions, args.reseed, seed_with=seed)


def nurse_headers(app):
    with Session(get_engine(app)) as session:
        token, _ = issue_token(session, session.get(User, 2), 12)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def ranges(app, small):
    """(first day, last day, sessions) of the first days holding about `small` sessions, and
    of every session (at most 366 days, the export's cap)."""
    with get_engine(app).connect() as conn:
        first = conn.execute(text("SELECT min(local_day) FROM sessions")).scalar()
        found = []
        for last in (first + timedelta(days=-(-small // PER_DAY) - 1), first + timedelta(365)):
            count = conn.execute(text("SELECT count(*) FROM sessions WHERE site_id = 1 AND "
                                      "local_day BETWEEN :a AND :b"), {"a": first, "b": last})
            found.append((first, last, count.scalar()))
    return found


def export(client, headers, first, last):
    """Stream the export and read every line; return (lines, bytes, encounters)."""
    response = client.get(f"/api/v1/fhir/$export?site_id=1&from={first}&to={last}",
                          headers=headers)
    if response.status_code != 200 or not response.is_streamed:
        raise SystemExit(f"export: {response.status_code} {response.get_data()[:300]}")
    lines = size = encounters = 0
    for line in response.response:
        lines += 1
        size += len(line)
        encounters += b'"resourceType":"Encounter"' in line
    response.close()
    return lines, size, encounters


def measure(client, headers, first, last):
    started = time.perf_counter()
    lines, size, encounters = export(client, headers, first, last)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    export(client, headers, first, last)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines, size, encounters, seconds, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--db", default="spravato_bench_fhir")
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    app = prepared(args)
    client, headers = app.test_client(), nurse_headers(app)
    (first, last, _), *_ = found = ranges(app, args.small)
    export(client, headers, first, first)  # warm up: imports, the statement cache
    print(f"\n{'sessions':>9} {'days':>5} {'lines':>8} {'MiB out':>8} {'seconds':>8} "
          f"{'lines/s':>8} {'peak MiB':>9}")
    for first, last, sessions in found:
        lines, size, encounters, seconds, peak = measure(client, headers, first, last)
        assert encounters == sessions, (encounters, sessions)
        print(f"{sessions:9,} {(last - first).days + 1:5} {lines:8,} {size / 2**20:8.1f} "
              f"{seconds:8.2f} {lines / seconds:8,.0f} {peak / 2**20:9.2f}")
    print(f"\nbatch: {app.config['FHIR_EXPORT_BATCH_SIZE']} sessions a page; peak: Python "
          "allocations while streaming (tracemalloc), a run of its own")
    return 0


if __name__ == "__main__":
    sys.exit(main())
