"""Conditions of the scheduler's alert sweeps, as pure rules (R1.7, R2.2, R2.3, R3.2, R4.3)."""
from datetime import date, datetime, timedelta, timezone

import pytest

from spravato_ops.domain import CourseFacts, SitePolicy
from spravato_ops.domain.enums import (
    AlertKind, Indication, Role, SessionState, TimerCode, TimerState,
)
from spravato_ops.domain.sweep_alerts import (
    SCHEDULING_FOLLOW_UPS, cadence_condition, clinical_follow_ups, follows_up, is_follow_up,
    missed_session_condition, rems_form_condition, timer_conditions, waiting_condition,
)
from spravato_ops.domain.timers import Timer

TRD = CourseFacts(Indication.TRD, date(2026, 3, 2))
MDSI = CourseFacts(Indication.MDSI, date(2026, 3, 2), oral_antidepressant="sertraline")
POLICY = SitePolicy()
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("sessions", "today", "expected"), [
    ([date(2026, 3, 2)], date(2026, 3, 6), None),  # R1.7: 4 days, induction allows 4
    ([date(2026, 3, 2)], date(2026, 3, 7), "after:2026-03-02"),
    ([date(2026, 3, 2), date(2026, 3, 5)], date(2026, 3, 4), None),  # next within the gap
    ([date(2026, 3, 2), date(2026, 3, 9)], date(2026, 3, 4), "after:2026-03-02"),  # too far
    ([], date(2026, 3, 6), None),
    ([], date(2026, 3, 7), "after:2026-03-02"),  # none yet: from the course start
    ([], date(2026, 3, 1), None),  # before the start
])
def test_r1_7_cadence_gap(sessions, today, expected):
    found = cadence_condition(TRD, sessions, today, POLICY)
    assert (found and found.instance) == expected
    if found:
        assert (found.kind, found.rule, found.role) == (AlertKind.CADENCE_GAP, "R1.7",
                                                        Role.SCHEDULER)


def test_r1_7_the_gap_alert_says_what_is_late_and_by_how_much():
    booked_late = cadence_condition(TRD, [date(2026, 3, 2), date(2026, 3, 9)], date(2026, 3, 4),
                                    POLICY)
    assert booked_late.message == ("Next session booked too late: 2026-03-09 is 7 days after "
                                   "the last session (2026-03-02); P-CADENCE allows 4 days.")
    none_booked = cadence_condition(TRD, [date(2026, 3, 2)], date(2026, 3, 7), POLICY)
    assert none_booked.message == ("Next session needed: the last session (2026-03-02) was 5 "
                                   "days ago and none is booked; P-CADENCE allows 4 days.")
    assert cadence_condition(TRD, [], date(2026, 3, 7), POLICY).message.startswith(
        "Next session needed: the course start (2026-03-02) was 5 days ago")


def test_r1_7_no_gap_alert_after_the_4_mdsi_weeks():
    assert cadence_condition(MDSI, [date(2026, 3, 20)], date(2026, 4, 20), POLICY) is None


def test_r1_7_a_missed_session_alerts_for_14_days_or_until_a_later_booking():
    day = date(2026, 3, 4)
    assert missed_session_condition(day, False, day + timedelta(days=14)).kind == (
        AlertKind.MISSED_SESSION)
    assert missed_session_condition(day, False, day + timedelta(days=15)) is None
    assert missed_session_condition(day, True, day) is None


@pytest.mark.parametrize(("code", "state", "kind"), [
    (TimerCode.POST_DOSE_BP, TimerState.DUE, AlertKind.POST_DOSE_BP_DUE),  # R2.2
    (TimerCode.POST_DOSE_BP, TimerState.OVERDUE, AlertKind.POST_DOSE_BP_OVERDUE),
    (TimerCode.BP_RECHECK, TimerState.DUE, AlertKind.BP_RECHECK_DUE),  # R2.3
    (TimerCode.BP_RECHECK, TimerState.OVERDUE, AlertKind.BP_RECHECK_DUE),
    (TimerCode.OBSERVATION, TimerState.OVERDUE, AlertKind.OBSERVATION_OVERDUE),  # R3.2
    (TimerCode.OBSERVATION, TimerState.DUE, None),
    (TimerCode.POST_DOSE_BP, TimerState.DONE, None),
    (TimerCode.NEXT_DEVICE, TimerState.DUE, None),
])
def test_timer_conditions(code, state, kind):
    found = timer_conditions([Timer(code, T0, T0 + timedelta(minutes=10), state)],
                             "America/New_York")
    assert [c.kind for c in found] == ([kind] if kind else [])
    if kind:
        assert found[0].instance == T0.isoformat() and found[0].role == Role.NURSE


def test_waiting_for_check_in_after_15_minutes():
    arrived = T0
    assert waiting_condition(SessionState.ARRIVED, arrived, T0 + timedelta(minutes=14)) is None
    assert waiting_condition(SessionState.ARRIVED, arrived,
                             T0 + timedelta(minutes=15)).kind == AlertKind.WAITING_FOR_CHECK_IN
    assert waiting_condition(SessionState.CHECKED_IN, arrived, T0 + timedelta(hours=1)) is None


@pytest.mark.parametrize(("today", "kind"), [
    (date(2026, 3, 6), None), (date(2026, 3, 7), AlertKind.REMS_FORM_DUE),  # R4.3
    (date(2026, 3, 9), AlertKind.REMS_FORM_DUE), (date(2026, 3, 10), AlertKind.REMS_FORM_OVERDUE),
])
def test_r4_3_form_condition(today, kind):
    found = rems_form_condition(date(2026, 3, 2), today, POLICY, submitted=False)
    assert (found and found.kind) == kind
    assert rems_form_condition(date(2026, 3, 2), today, POLICY, submitted=True) is None


@pytest.mark.parametrize(("kind", "follow_up"), [
    (AlertKind.OBSERVATION_OVERDUE, False), (AlertKind.RESPIRATORY_DEPRESSION, False),
    (AlertKind.DISCHARGE_ELIGIBLE, False), (AlertKind.WAITING_FOR_CHECK_IN, False),
    (AlertKind.CADENCE_GAP, True), (AlertKind.MISSED_SESSION, True),  # R1.7
    (AlertKind.INDUCTION_ENDING, True), (AlertKind.REMS_FORM_OVERDUE, True),  # R1.1, R4.3
    (AlertKind.REMINDER_FAILED, True),
])
def test_alerts_about_the_days_ahead_are_follow_ups(kind, follow_up):
    assert is_follow_up(kind.value) is follow_up


@pytest.mark.parametrize(("viewer", "alert_role", "theirs"), [
    ("nurse", "nurse", True), ("nurse", "scheduler", False), ("nurse", "prescriber", False),
    ("prescriber", "nurse", True), ("prescriber", "prescriber", True),  # R4.3 signs the forms
    ("prescriber", "scheduler", False), ("nurse", None, True),
    ("scheduler", "scheduler", False), ("front_desk", "nurse", False),  # not the chairs page's
])
def test_whose_follow_ups_the_chairs_page_lists(viewer, alert_role, theirs):
    assert follows_up(clinical_follow_ups(viewer), alert_role) is theirs


@pytest.mark.parametrize(("alert_role", "listed"), [
    ("scheduler", True), ("nurse", False), ("prescriber", False), (None, False)])
def test_the_schedule_page_lists_the_schedulers_follow_ups_r1_7(alert_role, listed):
    assert follows_up(SCHEDULING_FOLLOW_UPS, alert_role) is listed
