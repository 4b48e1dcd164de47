"""Series proposals (domain/series.py): the span, doses per R1.2/R1.3, the cadence limits of
R1.1/R1.3, one a day (R1.8), closures and hours (P-HOURS), chair search, DST."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from spravato_ops.domain.cadence import BookedSession, CourseFacts
from spravato_ops.domain.calendar import local_instant
from spravato_ops.domain.enums import Indication, SessionState
from spravato_ops.domain.opening_hours import OpeningHours, opening_hours_from
from spravato_ops.domain.series import (
    MAX_SERIES_WEEKS, ChairBookings, SeriesRequest, SeriesSite, place_session, propose_series,
    search_offsets, series_days, series_dose,
)

NY = "America/New_York"
ZONE = ZoneInfo(NY)
MONDAY = date(2026, 3, 2)  # New York leaves EST for EDT on Sunday 8 March 2026
SUNDAY_NOON = datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc)
SLOT = timedelta(minutes=150)
MON, TUE, WED, THU, FRI, SAT = range(6)
A, B, C = 1, 2, 3
HOURS = opening_hours_from({"weekly": {day: [["08:00", "12:30"], ["13:00", "18:00"]]
                                       for day in ("mon", "tue", "wed", "thu", "fri")},
                            "closures": [{"date": "2026-03-05", "reason": "Staff training"}]})


def trd(start=MONDAY, every=1):
    return CourseFacts(Indication.TRD, start, continuation_interval_weeks=every)


def ask(*weekdays, at="10:00", chair=A, weeks=None, dose=None, window=60):
    return SeriesRequest(frozenset(weekdays), time.fromisoformat(at), chair, weeks, dose, window)


def site(hours=OpeningHours(), chairs=(A, B, C)):
    return SeriesSite(NY, hours, SLOT, chairs)


def held(day, dose=56, state=SessionState.SCHEDULED):
    return BookedSession(None, day, dose, state)


def at(day, hhmm):
    return local_instant(day, time.fromisoformat(hhmm), NY)


def plan(course, request, sessions=(), busy=None, place=None, today=MONDAY - timedelta(days=1),
         now=SUNDAY_NOON, **kwargs):
    return propose_series(course, list(sessions), request, place or site(), busy or {},
                          today=today, now=now, **kwargs)


def days(result):
    return [p.day for p in result.proposals]


def weeks_after(start, *offsets):
    return [start + timedelta(days=d) for d in offsets]


@pytest.mark.parametrize(("course", "request_", "today", "now", "expected"), [
    # R1.1 induction: the rest of weeks 1-4
    (trd(), ask(MON), date(2026, 3, 1), SUNDAY_NOON, (MONDAY, date(2026, 3, 29))),
    # today's 10:00 has passed: from tomorrow
    (trd(), ask(MON), MONDAY, at(MONDAY, "10:01"), (date(2026, 3, 3), date(2026, 3, 29))),
    (trd(), ask(MON), MONDAY, at(MONDAY, "09:59"), (MONDAY, date(2026, 3, 29))),
    # R1.1 maintenance: weeks 5-8, from week 6
    (trd(), ask(MON), date(2026, 4, 8), at(date(2026, 4, 8), "07:00"),
     (date(2026, 4, 8), date(2026, 4, 26))),
    # continuation runs on: capped
    (trd(), ask(MON), date(2026, 5, 4), at(date(2026, 5, 4), "07:00"),
     (date(2026, 5, 4), date(2026, 5, 4) + timedelta(days=7 * MAX_SERIES_WEEKS - 1))),
    # R1.3 MDSI: weeks 1-4
    (CourseFacts(Indication.MDSI, MONDAY, oral_antidepressant="sertraline"), ask(MON),
     date(2026, 3, 10), at(date(2026, 3, 10), "07:00"), (date(2026, 3, 10), date(2026, 3, 29))),
    # N weeks from the first day, also across a phase's end
    (trd(), ask(MON, weeks=6), date(2026, 3, 1), SUNDAY_NOON, (MONDAY, date(2026, 4, 12))),
    (trd(), ask(MON, weeks=99), date(2026, 3, 1), SUNDAY_NOON,
     (MONDAY, MONDAY + timedelta(days=7 * MAX_SERIES_WEEKS - 1))),
    # a course that starts later starts the series
    (trd(date(2026, 3, 9)), ask(MON), date(2026, 3, 1), SUNDAY_NOON,
     (date(2026, 3, 9), date(2026, 4, 5))),
])
def test_r1_1_series_span(course, request_, today, now, expected):
    assert series_days(course, request_, today, now, NY) == expected


@pytest.mark.parametrize(("indication", "asked", "earlier", "dose"), [
    (Indication.TRD, None, [], 56),  # R1.2: a TRD course starts at 56 mg
    (Indication.TRD, 84, [], 56),  # ... whatever is asked
    (Indication.TRD, None, [56], 56),  # then the last dose
    (Indication.TRD, None, [56, 84], 84),
    (Indication.TRD, 84, [56], 84),  # or the dose asked
    (Indication.TRD, 56, [56, 84], 56),
    (Indication.MDSI, None, [], 84),  # R1.3: 84 mg twice weekly
    (Indication.MDSI, 56, [], 56),  # 56 mg allowed for tolerability
    (Indication.MDSI, None, [56], 56),
])
def test_r1_2_series_doses(indication, asked, earlier, dose):
    course = CourseFacts(indication, MONDAY, oral_antidepressant="sertraline")
    assert series_dose(course, asked, earlier) == dose


def test_search_offsets_go_nearest_first_later_before_earlier():
    assert search_offsets(0) == [0]
    assert search_offsets(12) == [0, 5, -5, 10, -10]


@pytest.mark.parametrize(("request_", "expected"), [
    # R1.1 induction, twice weekly: 8 sessions over weeks 1-4
    (ask(MON, THU), weeks_after(MONDAY, 0, 3, 7, 10, 14, 17, 21, 24)),
    # three weekdays asked: still two a week
    (ask(MON, TUE, THU), weeks_after(MONDAY, 0, 1, 7, 8, 14, 15, 21, 22)),
    (ask(FRI), weeks_after(MONDAY, 4, 11, 18, 25)),
])
def test_r1_1_induction_proposes_what_each_week_allows(request_, expected):
    result = plan(trd(), request_)
    assert days(result) == expected
    assert {p.phase.value for p in result.proposals} == {"induction"}
    assert [p.week for p in result.proposals] == [(d - MONDAY).days // 7 + 1 for d in expected]


def test_r1_1_a_full_week_leaves_its_weekdays_out_and_says_why():
    result = plan(trd(), ask(MON, TUE, THU, weeks=1))
    assert days(result) == [MONDAY, MONDAY + timedelta(days=1)]
    [skipped] = result.skipped
    assert (skipped.day, skipped.rule) == (MONDAY + timedelta(days=3), "R1.1")
    assert "Induction allows 2 session(s) in week 1; 2 already booked or proposed" in skipped.reason


@pytest.mark.parametrize(("every", "weekdays", "weeks", "expected"), [
    # R1.1 maintenance (weeks 5-8): one a week, the first weekday asked
    (None, (MON, THU), None, weeks_after(MONDAY, 28, 35, 42, 49)),
    # week 9 on, weekly
    (1, (TUE,), 4, weeks_after(MONDAY, 57, 64, 71, 78)),
    # week 9 on, every 2 weeks: one per 2-week block (weeks 9-10, 11-12, ...)
    (2, (MON, THU), 6, weeks_after(MONDAY, 56, 70, 84)),
])
def test_r1_1_maintenance_and_continuation_cadence(every, weekdays, weeks, expected):
    first = expected[0] - timedelta(days=expected[0].weekday())
    course = trd(every=every or 1)
    result = plan(course, ask(*weekdays, weeks=weeks), today=first,
                  now=at(first, "07:00"))
    assert days(result) == expected


def test_r1_1_sessions_already_booked_count_in_their_week_and_set_the_dose():
    booked = [held(MONDAY + timedelta(days=1)), held(MONDAY + timedelta(days=2), 84),
              held(MONDAY + timedelta(days=8), 84, SessionState.CANCELLED)]
    result = plan(trd(), ask(MON, THU, weeks=2), sessions=booked)
    # week 1 is full; in week 2 the cancelled session frees its place
    assert days(result) == [MONDAY + timedelta(days=7), MONDAY + timedelta(days=10)]
    assert [(s.day, s.rule) for s in result.skipped] == [
        (MONDAY, "R1.1"), (MONDAY + timedelta(days=3), "R1.1")]
    # R1.2: the last dose before each, 84 mg on Wednesday of week 1
    assert [p.dose_mg for p in result.proposals] == [84, 84]


def test_r1_2_a_new_trd_course_starts_at_56_and_keeps_the_dose_asked_after():
    result = plan(trd(), ask(MON, THU, weeks=2, dose=84))
    assert [p.dose_mg for p in result.proposals] == [56, 84, 84, 84]


def test_r1_8_a_day_the_patient_already_has_is_left_out():
    other = [held(MONDAY)]  # a session of another course
    result = plan(trd(), ask(MON, THU, weeks=1), other_courses=other)
    assert days(result) == [MONDAY + timedelta(days=3)]
    assert [(s.day, s.rule) for s in result.skipped] == [(MONDAY, "R1.8")]


@pytest.mark.parametrize(("weekdays", "expected", "skipped"), [
    # Thursday 5 March is a closure: week 1 gets Monday only
    ((MON, THU), [MONDAY, MONDAY + timedelta(days=7), MONDAY + timedelta(days=10)],
     [(MONDAY + timedelta(days=3), "P-HOURS")]),
    # Saturdays are closed every week
    ((MON, SAT), [MONDAY, MONDAY + timedelta(days=7)],
     [(MONDAY + timedelta(days=5), "P-HOURS"), (MONDAY + timedelta(days=12), "P-HOURS")]),
])
def test_p_hours_closed_days_are_left_out(weekdays, expected, skipped):
    result = plan(trd(), ask(*weekdays, weeks=2), place=site(HOURS))
    assert days(result) == expected
    assert [(s.day, s.rule) for s in result.skipped] == skipped
    assert "Staff training" in result.skipped[0].reason or "Saturdays" in result.skipped[0].reason


def test_p_hours_a_closed_day_gives_its_place_to_the_next_weekday_of_the_window():
    maintenance = MONDAY + timedelta(days=28)  # week 5, one session a week
    hours = opening_hours_from({"weekly": None, "closures": [
        {"date": maintenance.isoformat(), "reason": "Holiday"}]})
    result = plan(trd(), ask(MON, THU, weeks=1), place=site(hours), today=maintenance,
                  now=at(maintenance, "07:00"))
    assert days(result) == [maintenance + timedelta(days=3)]


def test_dst_keeps_the_site_local_time_across_the_change():
    result = plan(trd(), ask(THU, MON, weeks=2))
    local = [p.start.astimezone(ZONE) for p in result.proposals]
    assert [t.strftime("%Y-%m-%d %H:%M") for t in local] == [
        "2026-03-02 10:00", "2026-03-05 10:00", "2026-03-09 10:00", "2026-03-12 10:00"]
    assert [p.start.hour for p in result.proposals] == [15, 15, 14, 14]  # EST, then EDT
    assert all(p.end - p.start == SLOT for p in result.proposals)


def test_dst_in_november_too():
    monday = date(2026, 10, 26)  # EDT until Sunday 1 November 2026
    result = plan(trd(monday), ask(MON, THU, weeks=2), today=monday,
                  now=at(monday, "07:00"))
    assert [p.start.strftime("%d %H:%M") for p in result.proposals] == [
        "26 14:00", "29 14:00", "02 15:00", "05 15:00"]


def block(day, hhmm, minutes=150):
    start = at(day, hhmm)
    return start, start + timedelta(minutes=minutes)


@pytest.mark.parametrize(("busy", "hours", "window", "expected"), [
    # the preferred chair is free
    ({B: [block(MONDAY, "10:00")]}, OpeningHours(), 60, ("10:00", A, True)),
    # the preferred chair is taken: another chair at that time
    ({A: [block(MONDAY, "09:00")]}, OpeningHours(), 60, ("10:00", B, True)),
    # a block ending as this one starts leaves the chair free
    ({A: [block(MONDAY, "07:30")]}, OpeningHours(), 60, ("10:00", A, True)),
    # every chair taken at 10:00: the nearest free start, later first
    ({A: [block(MONDAY, "08:00")], B: [block(MONDAY, "07:45")], C: [block(MONDAY, "08:00")]},
     OpeningHours(), 60, ("10:15", B, True)),
    ({A: [block(MONDAY, "10:00", 300)], B: [block(MONDAY, "10:00", 300)],
      C: [block(MONDAY, "10:00", 300)]},
     OpeningHours(), 60, ("10:00", A, False)),
    # nothing within the window: kept as asked, not placed
    ({c: [block(MONDAY, "08:00")] for c in (A, B, C)}, OpeningHours(), 0, ("10:00", A, False)),
])
def test_chairs_preferred_then_another_then_the_nearest_start(busy, hours, window, expected):
    start, chair, placed = place_session(ask(MON, window=window), site(hours),
                                         ChairBookings(busy), MONDAY, SUNDAY_NOON)
    assert (start.astimezone(ZONE).strftime("%H:%M"), chair, placed) == expected


@pytest.mark.parametrize(("asked", "window", "expected"), [
    ("11:00", 60, ("10:00", True)),  # 11:00-13:30 runs into lunch: back to 10:00
    ("11:00", 30, ("11:00", False)),  # no start within 30 minutes fits
    ("16:00", 60, ("15:30", True)),  # must end by 18:00
    ("07:30", 60, ("08:00", True)),  # not before opening
])
def test_p_hours_shape_the_start(asked, window, expected):
    start, _, placed = place_session(ask(MON, at=asked, window=window), site(HOURS),
                                     ChairBookings({}), MONDAY, SUNDAY_NOON)
    assert (start.astimezone(ZONE).strftime("%H:%M"), placed) == expected


def test_a_start_never_moves_into_the_past():
    now = at(MONDAY, "10:07")
    start, chair, placed = place_session(ask(MON, window=30), site(), ChairBookings({}),
                                         MONDAY, now)
    assert (start, chair, placed) == (at(MONDAY, "10:10"), A, True)


def test_chair_bookings_find_overlaps_only():
    bookings = ChairBookings({A: [block(MONDAY, "08:00"), block(MONDAY, "13:00")]})
    assert bookings.free(A, *block(MONDAY, "10:30"))
    assert not bookings.free(A, *block(MONDAY, "10:25"))
    assert not bookings.free(A, *block(MONDAY, "11:00"))  # runs into the 13:00 block
    assert bookings.free(B, *block(MONDAY, "08:00"))
