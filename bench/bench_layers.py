"""Where the CPU of one observation goes, layer by layer, against the ceiling (GET /healthz).

Usage: python bench/bench_layers.py [--base-url postgresql+psycopg://postgres@127.0.0.1:5432]
                                    [--db spravato_bench_layers] [--requests 1000]

On a PostgreSQL database seeded as bench_api's (1,000 past sessions) with a site of sessions
under observation (bench_api.todays_site), it records one POST /sessions/{id}/observations
through the WSGI app and keeps the statements it sent, with their parameters. Then it times,
in this process's CPU (time.process_time) per observation, `--requests` times each:
  1. those statements replayed through psycopg alone, in one transaction (the driver's floor);
  2. the same through SQLAlchemy's connection (exec_driver_sql, in engine.begin());
  3. the service, monitoring.record_observation, with an ORM session and no Flask;
  4. the whole request through the WSGI app (Flask's test client, in-process);
  5. GET /healthz through the WSGI app: the ceiling of bench_load.py.
and the CPU of PostgreSQL's processes for the database per observation of (4), counted as
bench_load.py counts it. Each write rotates over the site's sessions. The figures say how far
from the ceiling a write could come if a layer cost nothing; bench_load.py's (c) is (4) under
load. A measurement: exits 0 whatever the figures.
"""
import argparse
import os
import sys
import time
from datetime import timedelta

import psycopg
from sqlalchemy import event, text
from sqlmodel import Session

sys.path.insert(0, ".")

import bench_api  # noqa: E402
from bench_load import cpu_ms, cpu_ticks  # noqa: E402
from spravato_ops.clock import utcnow  # noqa: E402
from spravato_ops.db import get_engine  # noqa: E402
from spravato_ops.models import User  # noqa: E402
from spravato_ops.services import monitoring  # noqa: E402

WARM_UP = 50
NURSE_ID = 2  # bench_api's seed: the nurse whose token the workload uses


def observing(app, site_id):
    with get_engine(app).connect() as conn:
        return conn.execute(text(
            "SELECT id FROM sessions WHERE site_id = :site AND state = 'observing' ORDER BY id"),
            {"site": site_id}).scalars().all()


def recorded_statements(app, request):
    """The (statement, parameters) one request sends through the app's engine."""
    sent = []

    def keep(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", keep)
    try:
        request(0)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return sent


def cpu_ms_per_call(call, count):
    for index in range(WARM_UP):
        call(index)
    started = time.process_time()
    for index in range(WARM_UP, WARM_UP + count):
        call(index)
    return (time.process_time() - started) / count * 1000


def layers(app, url, database, requests):
    sessions = observing(app, bench_api.todays_site(app, "Layers", bench_api.WRITE_CHAIRS, 1, 1))
    write = bench_api.workload(app, 1)["POST /observations"]
    statements = [s for s in recorded_statements(app, write) if not s[0].startswith("SELECT api_")]
    engine = get_engine(app)
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as driver:
        def replay_driver(_index):
            with driver.transaction():
                for statement, parameters in statements:
                    driver.execute(statement, parameters).fetchall()

        def replay_sqlalchemy(_index):
            with engine.begin() as conn:
                for statement, parameters in statements:
                    conn.exec_driver_sql(statement, parameters).all()

        figures = [("its statements through psycopg alone", cpu_ms_per_call(
                       replay_driver, requests)),
                   ("the same through SQLAlchemy", cpu_ms_per_call(
                       replay_sqlalchemy, requests))]
    with Session(engine) as session:
        nurse = session.get(User, NURSE_ID)
        session.expunge(nurse)

    def service(index):
        with Session(engine, expire_on_commit=False) as session:
            monitoring.record_observation(
                session, session_id=sessions[index % len(sessions)], actor=nurse,
                clock_skew=timedelta(seconds=30),
                data=bench_api.OBSERVATION | {"observed_at": utcnow() - timedelta(seconds=1)})

    figures.append(("the service, no Flask", cpu_ms_per_call(service, requests)))
    before = cpu_ticks(os.getpid(), database)
    figures.append(("the whole request, in-process", cpu_ms_per_call(write, requests)))
    postgres = cpu_ms(before, cpu_ticks(os.getpid(), database))["postgres"] / (requests + WARM_UP)
    client = app.test_client()
    figures.append(("GET /healthz, in-process", cpu_ms_per_call(
        lambda _index: client.get("/healthz"), requests)))
    return figures, postgres, len(statements)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="spravato_bench_layers")
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    app = bench_api.prepared(args.base_url, args.db, 1000, False)
    figures, postgres, statements = layers(
        app, f"{args.base_url}/{args.db}", args.db, args.requests)
    ceiling = figures[-1][1]
    print(f"\n{'one observation, as far as':40} {'CPU ms':>7} {'/ (a)':>6} {'with pg':>8}")
    for name, cpu in figures[:-1]:
        print(f"{name:40} {cpu:7.3f} {ceiling / cpu:6.2f} {ceiling / (cpu + postgres):8.2f}")
    print(f"{'(a) ' + figures[-1][0]:40} {ceiling:7.3f} {1:6.2f}")
    print(f"\npg: PostgreSQL's CPU per observation, {postgres:.3f} ms, measured over the whole "
          f"requests. / (a): the CPU of (a) over a layer's; with pg: over the layer's and "
          f"PostgreSQL's together (on bench_load.py's shared cores). The replays send the "
          f"request's {statements} statements (the token lookup left out) between BEGIN and "
          f"COMMIT. CPU of this process, {args.requests} calls each after {WARM_UP} untimed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
