"""What the course sweep costs: the same statements and the same rows read however many
sessions its courses hold (one row per course, not one per session), so it cannot regress."""
from datetime import date, datetime, timedelta, timezone

from freezegun import freeze_time

from spravato_ops.services.alert_sweeps import sweep_courses
from spravato_ops.statement_count import StatementCount

from .conftest import alerts

COURSES = 6
TODAY = datetime(2026, 3, 20, 18, tzinfo=timezone.utc)


def _session(make, course, site, chair, day, state="discharged"):
    start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=15)
    return make.session(course=course, site=site, chair=chair, state=state, scheduled_start=start)


def measured(engine, db):
    """Sweep once (as the scheduler would, the clock fixed); its statements and rows read."""
    with freeze_time(TODAY), StatementCount(engine) as count:
        sweep_courses(db, now=TODAY)
        db.commit()
    return len(count.queries), count.rows_read, count


def test_the_course_sweep_reads_one_row_per_course_whatever_its_sessions(engine, db, make):
    site = make.site()
    courses = [(make.course(start_date=date(2026, 1, 5)), make.chair(site))
               for _ in range(COURSES)]
    for n, (course, chair) in enumerate(courses):
        _session(make, course, site, chair, date(2026, 3, 10) + timedelta(days=n))  # R1.7 gaps
        _session(make, course, site, chair, date(2026, 3, 12) + timedelta(days=n), "no_show")
    measured(engine, db)  # raises the alerts: the runs compared below find them open
    few = measured(engine, db)
    for course, chair in courses:  # ten weeks of earlier sessions change no condition
        for week in range(10):
            _session(make, course, site, chair, date(2026, 1, 5) + timedelta(weeks=week))
    many = measured(engine, db)
    assert many[:2] == few[:2], [" ".join(s.split())[:90] for s in many[2].statements]
    statements, rows_read, _ = many
    open_alerts = len(alerts(db))
    assert statements <= 5 and open_alerts == COURSES + 1  # a no-show each, one R1.7 gap
    # The site, a row per course, the recent no-shows, then the open alerts and their keys.
    assert rows_read <= 1 + COURSES + COURSES + 2 * open_alerts < COURSES * 12
