"""Course phases, booking limits, due windows and gaps (R1.1, R1.3, R1.4, R1.7, R1.8)."""
from datetime import date, timedelta

import pytest

from spravato_ops.domain import (
    AlertKind, CourseFacts, Phase, SitePolicy, cadence_gap, check_booking,
    check_oral_antidepressant, course_milestones, course_plan, phase_for_week, same_day_session,
    sessions_allowed,
)
from spravato_ops.domain.cadence import cadence_window
from spravato_ops.domain.plan import week_note

from .builders import START, booked, codes, day_of, mdsi, trd


@pytest.mark.parametrize("course, week, phase, allowed", [
    (trd(), 1, Phase.INDUCTION, 2), (trd(), 4, Phase.INDUCTION, 2),
    (trd(), 5, Phase.MAINTENANCE, 1), (trd(), 8, Phase.MAINTENANCE, 1),
    (trd(), 9, Phase.CONTINUATION, 1), (trd(interval=2), 30, Phase.CONTINUATION, 1),
    (mdsi(), 1, Phase.MDSI, 2), (mdsi(), 4, Phase.MDSI, 2), (mdsi(), 5, Phase.MDSI_EXTENDED, 2),
], ids=lambda v: str(v))
def test_r1_1_r1_3_phase_and_limit(course, week, phase, allowed):
    assert phase_for_week(course, week) == phase
    assert sessions_allowed(course, week) == allowed


@pytest.mark.parametrize("week, block", [(9, (9, 10)), (10, (9, 10)), (11, (11, 12)),
                                         (24, (23, 24))])
def test_r1_1_every_2_weeks_blocks_start_at_week_9(week, block):
    window = cadence_window(trd(interval=2), week)
    assert (window.first_week, window.last_week, window.limit) == (*block, 1)


def test_phase_for_week_zero_raises():
    with pytest.raises(ValueError):
        phase_for_week(trd(), 0)


# (course, existing (week, weekday) sessions, proposed (week, weekday), dose, expected codes)
BOOKINGS = [
    ("R1.1 induction second in week ok", trd(), [(1, 0)], (1, 3), 56, []),
    ("R1.1 induction third in week", trd(), [(1, 0), (1, 3)], (1, 5), 56, ["cadence_exceeded"]),
    ("R1.1 maintenance second in week", trd(), [(5, 0)], (5, 3), 56, ["cadence_exceeded"]),
    ("R1.1 maintenance next week ok", trd(), [(5, 0)], (6, 0), 56, []),
    ("R1.1 weekly continuation", trd(), [(9, 0)], (9, 6), 56, ["cadence_exceeded"]),
    ("R1.1 weekly continuation next week", trd(), [(9, 0)], (10, 0), 56, []),
    ("R1.1 every-2-weeks same block", trd(interval=2), [(9, 0)], (10, 3), 56,
     ["cadence_exceeded"]),
    ("R1.1 every-2-weeks next block", trd(interval=2), [(10, 6)], (11, 0), 56, []),
    ("R1.1 before course start", trd(), [], (0, 6), 56, ["before_course_start"]),
    ("R1.8 same day", trd(), [(1, 0)], (1, 0), 56, ["same_day_session"]),
    ("R1.8 same day and cadence", trd(), [(5, 0)], (5, 0), 56,
     ["same_day_session", "cadence_exceeded"]),
    ("R1.2 first TRD at 84", trd(), [], (1, 0), 84, ["first_dose_must_be_56"]),
    ("R1.2 escalate after 56", trd(), [(1, 0)], (1, 3), 84, []),
    ("R1.2 dose not allowed", trd(), [], (1, 0), 70, ["dose_not_allowed"]),
    ("R1.3 MDSI 84 first", mdsi(), [], (1, 0), 84, []),
    ("R1.3 MDSI third in week", mdsi(), [(2, 0), (2, 2)], (2, 4), 84, ["cadence_exceeded"]),
    ("R1.3 MDSI week 5", mdsi(), [], (5, 0), 84, ["mdsi_beyond_4_weeks"]),
    ("R1.3 MDSI needs oral antidepressant", mdsi(oral=None), [], (1, 0), 84,
     ["mdsi_requires_oral_antidepressant"]),
    ("R1.3 MDSI blank oral antidepressant", mdsi(oral="  "), [], (1, 0), 84,
     ["mdsi_requires_oral_antidepressant"]),
    ("R1.4 TRD monotherapy ok", trd(), [], (1, 0), 56, []),
]


@pytest.mark.parametrize("course, existing, proposed, dose, expected",
                         [b[1:] for b in BOOKINGS], ids=[b[0] for b in BOOKINGS])
def test_check_booking(course, existing, proposed, dose, expected):
    sessions = [booked(day_of(w, d), session_id=i) for i, (w, d) in enumerate(existing)]
    proposed_day = START - timedelta(days=1) if proposed[0] == 0 else day_of(*proposed)
    assert codes(check_booking(course, proposed_day, dose, sessions)) == expected


def test_r1_1_r1_8_all_violations_at_once_and_kinds():
    found = check_booking(mdsi(oral=None), day_of(5, 0), 70,
                          [booked(day_of(5, 0)), booked(day_of(5, 1))])
    assert {(v.code, v.kind, v.rule) for v in found} == {
        ("mdsi_requires_oral_antidepressant", "hard_stop", "R1.3"),
        ("same_day_session", "hard_stop", "R1.8"),
        ("mdsi_beyond_4_weeks", "soft_stop", "R1.3"),
        ("cadence_exceeded", "soft_stop", "R1.1"),
        ("dose_not_allowed", "hard_stop", "R1.2"),
    }


@pytest.mark.parametrize("state, same_day, counts", [
    ("cancelled", False, False), ("no_show", False, False), ("withheld", True, False),
    ("scheduled", True, True), ("discharged", True, True),
])
def test_r1_8_r1_1_which_states_count(state, same_day, counts):
    sessions = [booked(day_of(5, 0), state=state)]
    found = codes(check_booking(trd(), day_of(5, 0), 56, sessions))
    assert ("same_day_session" in found) is same_day
    found = codes(check_booking(trd(), day_of(5, 2), 56, sessions))
    assert ("cadence_exceeded" in found) is counts


def test_r1_8_reschedule_excludes_the_session_itself():
    sessions = [booked(day_of(5, 0), state="scheduled", session_id=7)]
    assert check_booking(trd(), day_of(5, 2), 56, sessions, exclude_session_id=7) == []
    assert codes(check_booking(trd(), day_of(5, 2), 56, sessions, exclude_session_id=8)) == [
        "cadence_exceeded"]


@pytest.mark.parametrize("state, session_id, taken", [
    ("scheduled", 3, True), ("withheld", 3, True), ("cancelled", 3, False),
    ("no_show", 3, False), ("scheduled", 7, False),  # 7: the session being rescheduled
])
def test_r1_8_sessions_of_other_courses_take_the_day_and_nothing_else(state, session_id,
                                                                      taken):
    other = [booked(day_of(5, 0), state=state, session_id=session_id),
             booked(day_of(5, 1), session_id=4)]
    found = check_booking(trd(), day_of(5, 0), 84, [], exclude_session_id=7,
                          other_courses=other)
    # other courses count neither towards this course's cadence nor its escalation (R1.2)
    assert codes(found) == (["same_day_session"] if taken else []) + ["first_dose_must_be_56"]


def test_r1_8_one_same_day_stop_for_both_courses():
    day = day_of(5, 0)
    found = check_booking(trd(), day, 56, [booked(day)], other_courses=[booked(day)])
    assert codes(found).count("same_day_session") == 1
    assert same_day_session(day) in found


@pytest.mark.parametrize("indication, oral, expected", [
    ("MDSI", "sertraline", []), ("MDSI", None, ["mdsi_requires_oral_antidepressant"]),
    ("MDSI", " ", ["mdsi_requires_oral_antidepressant"]), ("TRD", None, []),  # R1.4
])
def test_r1_3_r1_4_oral_antidepressant(indication, oral, expected):
    found = check_oral_antidepressant(indication, oral)
    assert codes(found) == expected
    assert all((v.rule, v.kind) == ("R1.3", "hard_stop") for v in found)


def test_r1_2_escalation_looks_only_at_earlier_days():
    sessions = [booked(day_of(1, 3), state="scheduled")]
    assert codes(check_booking(trd(), day_of(1, 0), 84, sessions)) == ["first_dose_must_be_56"]
    assert check_booking(trd(), day_of(1, 5), 84, sessions) == []


def test_r1_1_plan_weeks_and_windows():
    sessions = [booked(day_of(1, 0)), booked(day_of(1, 3), 84), booked(day_of(2, 0), 84),
                booked(day_of(3, 0), state="cancelled")]
    plan = course_plan(trd(), sessions, today=day_of(2, 1), weeks_ahead=4)
    assert [w.week for w in plan.weeks] == [1, 2, 3, 4, 5, 6]
    assert [(w.phase, w.allowed, w.booked) for w in plan.weeks[:5]] == [
        (Phase.INDUCTION, 2, 2), (Phase.INDUCTION, 2, 1), (Phase.INDUCTION, 2, 0),
        (Phase.INDUCTION, 2, 0), (Phase.MAINTENANCE, 1, 0)]
    assert plan.weeks[0].starts_on == START and plan.weeks[0].ends_on == START + timedelta(6)
    assert plan.induction_ends_on == date(2026, 2, 1) and plan.mdsi_ends_on is None
    # next after Monday of week 2: Tuesday (room in week 2), latest 4 days after (P-CADENCE)
    assert (plan.next_due.earliest, plan.next_due.latest) == (day_of(2, 1), day_of(2, 4))


def test_r1_1_plan_extends_to_last_booking_and_counts_2_week_blocks():
    sessions = [booked(day_of(9, 2)), booked(day_of(14, 0), state="scheduled")]
    plan = course_plan(trd(interval=2), sessions, today=day_of(9, 3), weeks_ahead=2)
    assert plan.weeks[-1].week == 14
    week10 = plan.weeks[9]
    assert (week10.window_first_week, week10.window_last_week, week10.window_booked) == (9, 10, 1)
    # after week 14's session the next block is weeks 15-16; latest = +17 days
    assert plan.next_due.earliest == day_of(15, 0)
    assert plan.next_due.latest == day_of(14, 0) + timedelta(days=17)


def test_r1_7_plan_first_session_due_and_mdsi_end():
    plan = course_plan(mdsi(), [], today=START - timedelta(days=3))
    assert plan.next_due.earliest == START
    assert [w.week for w in plan.weeks] == [1, 2, 3, 4]
    assert plan.mdsi_ends_on == date(2026, 2, 1) and plan.induction_ends_on is None
    done = [booked(day_of(4, 0)), booked(day_of(4, 3))]
    assert course_plan(mdsi(), done, today=day_of(4, 4)).next_due is None


# R1.7: P-CADENCE gaps (induction 4, weekly 9, every-2-weeks 17; > limit alerts)
GAPS = [
    ("induction within", trd(), day_of(2, 0), day_of(2, 4), None),
    ("induction gap", trd(), day_of(2, 0), day_of(2, 5), (Phase.INDUCTION, 5, 4)),
    ("maintenance weekly", trd(), day_of(5, 0), day_of(6, 2), None),
    ("maintenance gap", trd(), day_of(5, 0), day_of(6, 3), (Phase.MAINTENANCE, 10, 9)),
    ("continuation weekly gap", trd(), day_of(9, 0), day_of(10, 3),
     (Phase.CONTINUATION, 10, 9)),
    ("every 2 weeks within", trd(interval=2), day_of(9, 0), day_of(11, 3), None),
    ("every 2 weeks gap", trd(interval=2), day_of(9, 0), day_of(11, 4),
     (Phase.CONTINUATION, 18, 17)),
    ("no session yet", trd(), None, day_of(1, 5), (Phase.INDUCTION, 5, 4)),
    ("before start", trd(), None, START - timedelta(days=9), None),
    ("mdsi gap", mdsi(), day_of(1, 0), day_of(1, 5), (Phase.MDSI, 5, 4)),
    ("mdsi over", mdsi(), day_of(4, 0), day_of(6, 0), None),
]


@pytest.mark.parametrize("course, last, today, expected", [g[1:] for g in GAPS],
                         ids=["R1.7 " + g[0] for g in GAPS])
def test_r1_7_cadence_gap(course, last, today, expected):
    gap = cadence_gap(course, last, today, SitePolicy())
    assert (gap and (gap.phase, gap.days_since, gap.limit_days)) == expected


def test_r1_7_gap_limits_come_from_policy():
    policy = SitePolicy.from_mapping({"cadence_gap_days": {"induction": 6}})
    assert cadence_gap(trd(), day_of(2, 0), day_of(2, 5), policy) is None


@pytest.mark.parametrize("course, today, ending", [
    (trd(), day_of(3, 6), None), (trd(), day_of(4, 0), AlertKind.INDUCTION_ENDING),
    (trd(), day_of(4, 6), AlertKind.INDUCTION_ENDING), (trd(), day_of(5, 0), None),
    (mdsi(), day_of(4, 2), AlertKind.MDSI_COURSE_ENDING),
])
def test_r1_1_r1_3_milestones(course, today, ending):
    milestones = course_milestones(course, today)
    assert milestones.ending == ending
    ends = milestones.induction_ends_on or milestones.mdsi_ends_on
    assert ends == day_of(4, 6)


def test_r1_1_two_year_history_is_linear():
    """check_booking makes one pass over the history (no per-session rescans)."""
    course = CourseFacts("TRD", START, 1, None)
    history = [booked(START + timedelta(days=d)) for d in range(0, 730, 5)]
    calls = {"n": 0}

    class Counting(list):
        def __iter__(self):
            calls["n"] += 1
            return super().__iter__()

    check_booking(course, START + timedelta(days=731), 56, Counting(history))
    assert calls["n"] == 1


def test_r1_1_r1_7_week_notes_name_the_week_due_and_the_gaps():
    # Week 1 held twice, week 2 once so far, week 3 nothing; today is Wednesday of week 3.
    sessions = [booked(day_of(1, 0)), booked(day_of(1, 3), 84), booked(day_of(2, 0), 84)]
    today = day_of(3, 2)
    plan = course_plan(trd(), sessions, today=today, weeks_ahead=1)
    assert [week_note(w, today) for w in plan.weeks] == [None, None, "due", None]
    # Every-2-weeks continuation: a window with nothing in it is a gap on its last week only.
    later = course_plan(trd(interval=2), [booked(day_of(9, 0))], today=day_of(13, 0),
                        weeks_ahead=0)
    assert [(w.week, week_note(w, day_of(13, 0))) for w in later.weeks[8:]] == [
        (9, None), (10, None), (11, None), (12, "gap"), (13, "due")]
