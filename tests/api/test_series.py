"""POST /courses/{id}/series/preview and POST /courses/{id}/series: a TRD induction, maintenance
and continuation cadences (R1.1), doses (R1.2), one a day (R1.8), chair conflicts, closures and
opening hours (P-HOURS), DST, all or nothing, reminders, audit and Idempotency-Key."""
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

import pytest
from freezegun import freeze_time
from sqlmodel import select

from spravato_ops.db import get_engine
from spravato_ops.models import AuditEvent, Patient, Reminder
from spravato_ops.revision_read import REVISION_SQL
from spravato_ops.statement_count import StatementCount

from ..readback import everything, rows
from .booking_setup import NEW_YORK, clinic, sessions_of

NOW = datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)  # Sunday 12:00 in New York
MONDAY = date(2026, 3, 2)  # New York changes to EDT on Sunday 8 March 2026
HOURS = {"weekly": {day: [["08:00", "12:30"], ["13:00", "18:00"]]
                    for day in ("mon", "tue", "wed", "thu", "fri")},
         "closures": [{"date": "2026-03-05", "reason": "Staff training"}]}


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW) as frozen_time:
        yield frozen_time


@pytest.fixture
def place(make):
    return clinic(make)


@pytest.fixture
def scheduler(auth):
    return auth("scheduler")


def days(*offsets, start=MONDAY):
    return [(start + timedelta(days=d)).isoformat() for d in offsets]


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


def preview(client, headers, place, course, chair=0, **fields):
    body = {"site_id": place.site.id, "chair_id": place.chairs[chair].id,
            "weekdays": ["mon", "thu"], "start_time": "10:00", "span": {"rest_of_phase": True},
            **fields}
    return client.post(f"/api/v1/courses/{course.id}/series/preview", json=body, headers=headers)


def proposed(response):
    assert response.status_code == 200, response.json
    return response.json["proposals"]


def chosen(proposals):
    return [{"scheduled_start": p["scheduled_start"], "chair_id": p["chair_id"],
             "planned_dose_mg": p["planned_dose_mg"]} for p in proposals]


def confirm(client, headers, place, course, sessions, **extra):
    headers = {**headers, **extra.pop("extra_headers", {})}
    return client.post(f"/api/v1/courses/{course.id}/series", headers=headers,
                       json={"site_id": place.site.id, "sessions": sessions, **extra})


def book_one(client, headers, place, course, start, chair=0):
    answer = client.post("/api/v1/sessions", headers=headers, json=dict(
        course_id=course.id, site_id=place.site.id, chair_id=place.chairs[chair].id,
        scheduled_start=start.isoformat(), planned_dose_mg=56))
    assert answer.status_code == 201, answer.json
    return answer.json


def test_r1_1_a_trd_induction_is_8_sessions_over_4_weeks_booked_at_once(client, make, db,
                                                                        place, scheduler):
    course = make.course(start_date=MONDAY)
    before = everything(db)
    proposals = proposed(preview(client, scheduler, place, course))
    assert everything(db) == before  # a preview writes nothing
    assert [p["date"] for p in proposals] == days(0, 3, 7, 10, 14, 17, 21, 24)
    assert [p["week"] for p in proposals] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert {(p["phase"], p["planned_dose_mg"], p["chair_id"], p["local_time"], p["bookable"])
            for p in proposals} == {("induction", 56, place.chairs[0].id, "10:00", True)}
    assert all(p["violations"] == [] and not p["moved"] for p in proposals)

    booked = confirm(client, scheduler, place, course, chosen(proposals))

    assert booked.status_code == 201, booked.json
    assert [s["local_day"] for s in booked.json["sessions"]] == [p["date"] for p in proposals]
    stored = sessions_of(db, course_id=course.id)
    assert len(stored) == 8 and {s.state for s in stored} == {"scheduled"}
    audited = rows(db, select(AuditEvent.entity_id).where(AuditEvent.entity == "session",
                                                          AuditEvent.action == "book"))
    assert sorted(audited) == sorted(str(s.id) for s in stored)
    reminded = rows(db, select(Reminder.session_id, Reminder.kind))
    assert {session_id for session_id, _ in reminded} == {s.id for s in stored}
    plan = client.get(f"/api/v1/courses/{course.id}/plan", headers=scheduler).json
    assert [w["booked"] for w in plan["weeks"][:4]] == [2, 2, 2, 2]


def test_dst_march_keeps_10_00_new_york_time_and_the_day_view_shows_it(client, make, place,
                                                                       scheduler):
    course = make.course(start_date=MONDAY)
    proposals = proposed(preview(client, scheduler, place, course, span={"weeks": 2}))
    assert [p["scheduled_start"] for p in proposals] == [
        "2026-03-02T15:00:00Z", "2026-03-05T15:00:00Z",  # EST, UTC-5
        "2026-03-09T14:00:00Z", "2026-03-12T14:00:00Z"]  # EDT, UTC-4
    assert confirm(client, scheduler, place, course, chosen(proposals)).status_code == 201
    day = client.get(f"/api/v1/sessions?site_id={place.site.id}&date=2026-03-09",
                     headers=scheduler).json
    assert [s["scheduled_start"] for s in day] == ["2026-03-09T14:00:00Z"]


def test_dst_november_keeps_the_time_too(client, make, auth, place, frozen):
    frozen.move_to("2026-10-25T16:00:00Z")
    scheduler = auth("scheduler")
    course = make.course(start_date=date(2026, 10, 26))
    proposals = proposed(preview(client, scheduler, place, course, span={"weeks": 2}))
    assert [p["scheduled_start"] for p in proposals] == [
        "2026-10-26T14:00:00Z", "2026-10-29T14:00:00Z",  # EDT
        "2026-11-02T15:00:00Z", "2026-11-05T15:00:00Z"]  # EST after 1 November
    assert {p["local_time"] for p in proposals} == {"10:00"}
    assert confirm(client, scheduler, place, course, chosen(proposals)).status_code == 201


def test_r1_1_maintenance_is_weekly_to_the_end_of_week_8(client, make, place, scheduler):
    course = make.course(start_date=MONDAY - timedelta(days=29))  # today is in week 5
    proposals = proposed(preview(client, scheduler, place, course))
    assert [p["date"] for p in proposals] == days(0, 7, 14, 21)
    assert {p["phase"] for p in proposals} == {"maintenance"}
    answer = preview(client, scheduler, place, course)
    assert [s["date"] for s in answer.json["skipped"]] == days(3, 10, 17, 24)
    assert {s["rule"] for s in answer.json["skipped"]} == {"R1.1"}
    assert confirm(client, scheduler, place, course, chosen(proposals)).status_code == 201


def test_r1_1_continuation_every_2_weeks_with_the_last_dose_r1_2(client, make, db, place,
                                                                 scheduler):
    course = make.course(start_date=MONDAY - timedelta(days=57), continuation_interval_weeks=2)
    for days_ago, dose in ((57, 56), (13, 84)):
        make.session(course=course, site=place.site, chair=place.chairs[1], planned_dose_mg=dose,
                     state="discharged", scheduled_start=at(MONDAY - timedelta(days=days_ago), 9))
    make.session(course=course, site=place.site, chair=place.chairs[1], planned_dose_mg=84,
                 scheduled_start=at(MONDAY + timedelta(days=2), 9))  # week 9 taken
    proposals = proposed(preview(client, scheduler, place, course, weekdays=["mon"],
                                 span={"weeks": 6}))
    assert [p["date"] for p in proposals] == days(14, 28)  # weeks 11-12, 13-14
    assert {(p["phase"], p["planned_dose_mg"]) for p in proposals} == {("continuation", 84)}
    assert confirm(client, scheduler, place, course, chosen(proposals)).status_code == 201
    assert len(sessions_of(db, course_id=course.id)) == 5


def test_existing_bookings_move_a_session_to_another_chair_or_time(client, make, place,
                                                                   scheduler):
    course = make.course(start_date=MONDAY)
    thursday, monday = MONDAY + timedelta(days=3), MONDAY + timedelta(days=7)
    make.session(site=place.site, chair=place.chairs[0], scheduled_start=at(thursday, 10))
    for chair in place.chairs:
        make.session(site=place.site, chair=chair, scheduled_start=at(monday, 9))
    proposals = proposed(preview(client, scheduler, place, course, span={"weeks": 2},
                                 window_minutes=120))
    by_day = {p["date"]: p for p in proposals}
    assert by_day[thursday.isoformat()]["chair_id"] == place.chairs[1].id  # another chair
    moved = by_day[monday.isoformat()]
    assert (moved["local_time"], moved["requested_time"], moved["moved"]) == (
        "11:30", "10:00", True)
    assert all(p["bookable"] for p in proposals)


def test_a_chair_conflict_with_no_free_start_in_the_window_is_shown_on_its_date(
        client, make, place, scheduler):
    course = make.course(start_date=MONDAY)
    monday = MONDAY + timedelta(days=7)
    for chair in place.chairs:
        make.session(site=place.site, chair=chair, scheduled_start=at(monday, 9))
    proposals = proposed(preview(client, scheduler, place, course, span={"weeks": 2}))
    [taken] = [p for p in proposals if p["date"] == monday.isoformat()]
    assert (taken["bookable"], taken["placed"], taken["chair_id"]) == (
        False, False, place.chairs[0].id)
    [violation] = taken["violations"]
    assert violation["code"] == "chair_conflict"
    assert f"is booked {monday.isoformat()} 09:00-11:30" in violation["message"]
    assert all(p["bookable"] for p in proposals if p is not taken)


@pytest.mark.parametrize(("window", "times", "bookable"), [
    (60, {"10:00"}, True),  # 11:00 would run into lunch: moved back to 10:00
    (0, {"11:00"}, False),  # not moved: every block runs into lunch
])
def test_p_hours_closed_days_and_opening_hours_shape_the_series(client, make, auth, place,
                                                                scheduler, window, times,
                                                                bookable):
    assert client.put(f"/api/v1/sites/{place.site.id}/policy", json={"opening_hours": HOURS},
                      headers=auth("admin")).status_code == 200
    course = make.course(start_date=MONDAY)
    answer = preview(client, scheduler, place, course, start_time="11:00",
                     window_minutes=window)
    proposals = proposed(answer)
    assert [p["date"] for p in proposals] == days(0, 7, 10, 14, 17, 21, 24)
    [closed] = answer.json["skipped"]
    assert (closed["date"], closed["rule"]) == ("2026-03-05", "P-HOURS")
    assert "Staff training" in closed["reason"]
    assert {p["local_time"] for p in proposals} == times
    assert {p["bookable"] for p in proposals} == {bookable}
    if not bookable:
        assert {v["code"] for p in proposals for v in p["violations"]} == {
            "outside_opening_hours"}


def test_r1_8_a_day_the_patient_already_has_is_not_proposed(client, make, place, scheduler):
    course = make.course(start_date=MONDAY)
    other = make.course(patient=patient_of(make, course), start_date=MONDAY)
    make.session(course=other, site=place.site, chair=place.chairs[2],
                 scheduled_start=at(MONDAY + timedelta(days=3), 15))
    answer = preview(client, scheduler, place, course, span={"weeks": 1})
    assert [p["date"] for p in proposed(answer)] == days(0)
    assert [(s["date"], s["rule"]) for s in answer.json["skipped"]] == [(days(3)[0], "R1.8")]


def patient_of(make, course):
    return make.db.get(Patient, course.patient_id)


def test_a_slot_taken_between_preview_and_confirm_fails_the_whole_series(client, make, db,
                                                                         place, scheduler):
    course = make.course(start_date=MONDAY)
    proposals = proposed(preview(client, scheduler, place, course))
    taken_day = MONDAY + timedelta(days=10)
    book_one(client, scheduler, place, make.course(start_date=MONDAY), at(taken_day, 11))
    same_patient = make.course(start_date=MONDAY, patient=patient_of(make, course))
    book_one(client, scheduler, place, same_patient, at(MONDAY + timedelta(days=14), 15),
             chair=2)  # R1.8 on the 16th
    before = everything(db)

    answer = confirm(client, scheduler, place, course, chosen(proposals))

    assert answer.status_code == 409
    assert answer.json["message"] == (
        "Nothing was booked: 2026-03-12, 2026-03-16 cannot be booked.")
    found = {(v["rule"], v["code"]) for v in answer.json["violations"]}
    assert found == {("capacity", "chair_conflict"), ("R1.8", "same_day_session")}
    assert all(v["message"].startswith(("2026-03-12: ", "2026-03-16: "))
               for v in answer.json["violations"])
    assert everything(db) == before
    assert sessions_of(db, course_id=course.id) == []


def test_r1_1_a_soft_stop_in_a_series_needs_a_prescribers_override(client, make, db, auth,
                                                                   place, scheduler):
    course = make.course(start_date=MONDAY)
    sessions = chosen(proposed(preview(client, scheduler, place, course, span={"weeks": 1})))
    extra = {**sessions[0], "scheduled_start": at(MONDAY + timedelta(days=1), 10).isoformat()}
    refused = confirm(client, scheduler, place, course, [*sessions, extra])
    assert refused.status_code == 409
    [violation] = refused.json["violations"]
    assert (violation["rule"], violation["override_allowed"]) == ("R1.1", True)
    assert violation["message"].startswith("2026-03-05: ")  # the third of week 1
    prescriber = auth("prescriber")
    booked = confirm(client, prescriber, place, course, [*sessions, extra],
                     override={"reason": "Relapse: three sessions agreed"})
    assert booked.status_code == 201, booked.json
    overridden = [s for s in sessions_of(db, course_id=course.id) if s.overrides]
    assert [s.local_day.isoformat() for s in overridden] == ["2026-03-05"]
    assert overridden[0].overrides[0]["rules"][0]["rule"] == "R1.1"


def test_an_idempotency_key_books_a_series_once(client, make, db, place, scheduler):
    course = make.course(start_date=MONDAY)
    sessions = chosen(proposed(preview(client, scheduler, place, course)))
    key = {"Idempotency-Key": "series-1"}
    first = confirm(client, scheduler, place, course, sessions, extra_headers=key)
    again = confirm(client, scheduler, place, course, sessions, extra_headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json
    assert len(sessions_of(db, course_id=course.id)) == 8


@pytest.mark.parametrize(("fields", "field"), [
    ({"weekdays": []}, "weekdays"),
    ({"weekdays": ["monday"]}, "weekdays"),
    ({"weekdays": ["mon", "mon"]}, "weekdays"),
    ({"start_time": "24:00"}, "start_time"),
    ({"start_time": "9:00"}, "start_time"),
    ({"span": {}}, "span"),
    ({"span": {"rest_of_phase": True, "weeks": 2}}, "span"),
    ({"span": {"rest_of_phase": False}}, "span"),
    ({"span": {"weeks": 13}}, "span"),
    ({"dose_mg": 28}, "dose_mg"),
    ({"window_minutes": 241}, "window_minutes"),
    ({"chair_id": 999999}, "chair_id"),
])
def test_a_preview_refuses_bad_input_with_422(client, make, place, scheduler, fields, field):
    answer = preview(client, scheduler, place, make.course(start_date=MONDAY), **fields)
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]


def test_a_series_refuses_bad_rows_with_422_and_unknown_records_with_404(client, make, place,
                                                                         scheduler):
    course = make.course(start_date=MONDAY)
    other_chair = make.chair(make.site()).id
    good = {"scheduled_start": at(MONDAY, 10).isoformat(), "chair_id": place.chairs[0].id,
            "planned_dose_mg": 56}
    past = {**good, "scheduled_start": at(MONDAY - timedelta(days=2), 10).isoformat()}
    answer = confirm(client, scheduler, place, course, [good, {**good, "chair_id": other_chair},
                                                        past])
    assert answer.status_code == 422
    assert set(answer.json["errors"]["sessions"]) == {"1", "2"}
    assert confirm(client, scheduler, place, course, []).status_code == 422
    missing = SimpleNamespace(id=999999)
    assert confirm(client, scheduler, place, missing, [good]).status_code == 404
    assert preview(client, scheduler, place, missing).status_code == 404


def without_the_tokens(queries):
    """The queries besides the token's: its lookup, or the access revision, which PostgreSQL
    reads on a connection of its own (revision_read) and SQLite through the engine."""
    return [query for query in queries
            if "FROM api_tokens" not in query and query != REVISION_SQL]


def test_a_preview_runs_three_queries_beside_the_tokens_whatever_its_length(
        app, client, make, place, scheduler):
    course = make.course(start_date=MONDAY)
    for weeks in (1, 4):
        with StatementCount(get_engine(app)) as count:
            answer = preview(client, scheduler, place, course, span={"weeks": weeks})
        assert len(proposed(answer)) == 2 * weeks
        # beside the token's: the course with its patient, site and policy, the chairs, the
        # sessions
        assert len(without_the_tokens(count.queries)) == 3, count.statements
