"""Shared arrangements of the booking tests: a frozen Monday, a New York clinic, helpers."""
import threading
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlmodel import select

from spravato_ops.models import AuditEvent, TreatmentSession

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # Monday 07:00 in New York
START = date(2026, 3, 2)  # course start: week 1 = 2 March - 8 March


def local(day_offset=1, hour=10, minute=0):
    """An RFC 3339 start with New York's offset, `day_offset` days after START."""
    return datetime.combine(START + timedelta(days=day_offset), time(hour, minute),
                            tzinfo=NEW_YORK).isoformat()


def clinic(make, chairs=3, **site_fields):
    site = make.site(**{"rems_certified_until": date(2030, 1, 1), **site_fields})
    return SimpleNamespace(site=site, chairs=[make.chair(site) for _ in range(chairs)])


def body(place, course, chair=0, when=None, dose=56, **extra):
    return dict(course_id=course.id, site_id=place.site.id, chair_id=place.chairs[chair].id,
                scheduled_start=local() if when is None else when, planned_dose_mg=dose, **extra)


def codes(response):
    return [v["code"] for v in response.json["violations"]]


def rows(db, statement):
    """Read fresh rows and end the test session's transaction (SQLite locks at BEGIN).

    Never expire_all() here: the factories' objects would reload later, opening a
    transaction that holds SQLite's write lock while the client waits for it.
    """
    found = db.exec(statement.execution_options(populate_existing=True)).all()
    db.commit()
    return found


def sessions_of(db, **where):
    statement = select(TreatmentSession)
    for name, value in where.items():
        statement = statement.where(getattr(TreatmentSession, name) == value)
    return rows(db, statement.order_by(TreatmentSession.id))


def audit_actions(db, session_id):
    return [e.action for e in rows(db, select(AuditEvent).where(
        AuditEvent.entity == "session", AuditEvent.entity_id == str(session_id))
        .order_by(AuditEvent.id))]


def set_state(db, session_id, state):
    record = db.get(TreatmentSession, session_id, populate_existing=True)
    record.state = state
    db.add(record)
    db.commit()


def fire_at_once(app, headers, payloads, url, method="POST"):
    """Send (POST) each payload (or (url, payload)) from its own thread and test client, all
    released at once; return [(status, json)] in order ("exception" and its repr if one
    raised)."""
    barrier = threading.Barrier(len(payloads))
    results = [None] * len(payloads)

    def worker(index, payload):
        try:
            client = app.test_client()
            barrier.wait(timeout=30)
            target, body = payload if isinstance(payload, tuple) else (url, payload)
            response = client.open(target, method=method, json=body, headers=headers)
            results[index] = (response.status_code, response.get_json())
        except Exception as exc:  # reported by the assertions, not lost in the thread
            results[index] = ("exception", repr(exc))

    threads = [threading.Thread(target=worker, args=(i, p)) for i, p in enumerate(payloads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
