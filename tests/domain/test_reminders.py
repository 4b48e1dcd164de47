"""Patient reminder times: P-REMINDERS offsets across DST, P-QUIET hours, backoff, private words."""
import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from spravato_ops.domain.policy import QuietHours, SitePolicy
from spravato_ops.domain.reminders import (
    offset_instant, planned_reminders, private_terms, quiet_window, retry_delay, send_time,
)

NY, PHOENIX = "America/New_York", "America/Phoenix"
NO_QUIET = dataclasses.replace(SitePolicy(), quiet_hours=QuietHours("00:00", "00:00"))
LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def local(tz_name, *parts, fold=0):
    return datetime(*parts, tzinfo=ZoneInfo(tz_name), fold=fold)


def utc(*parts):
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize(("tz_name", "appointment", "hours", "expected"), [
    # P-REMINDERS 24 h across spring-forward (8 March 2026): the same local time the day
    # before, 23 elapsed hours.
    (NY, local(NY, 2026, 3, 8, 10, 0), 24, local(NY, 2026, 3, 7, 10, 0)),
    # across fall-back (1 November 2026): the same local time, 25 elapsed hours
    (NY, local(NY, 2026, 11, 1, 10, 0), 24, local(NY, 2026, 10, 31, 10, 0)),
    # 2 h spanning the spring-forward gap: elapsed hours (03:30 EDT - 2 h = 00:30 EST)
    (NY, local(NY, 2026, 3, 8, 3, 30), 2, local(NY, 2026, 3, 8, 0, 30)),
    # 2 h spanning fall-back: 01:30 EST - 2 h = 00:30 EDT
    (NY, local(NY, 2026, 11, 1, 1, 30, 0, fold=1), 2, utc(2026, 11, 1, 4, 30)),
    # 26 h: a calendar day, then 2 elapsed hours
    (NY, local(NY, 2026, 3, 8, 10, 0), 26, local(NY, 2026, 3, 7, 8, 0)),
    # a zone without DST: plain elapsed hours
    (PHOENIX, local(PHOENIX, 2026, 3, 8, 10, 0), 24, utc(2026, 3, 7, 17, 0)),
    (PHOENIX, local(PHOENIX, 2026, 11, 1, 10, 0), 48, utc(2026, 10, 30, 17, 0)),
])
def test_p_reminders_offsets_across_dst(tz_name, appointment, hours, expected):
    assert offset_instant(appointment, hours, tz_name) == expected


def test_a_day_offset_landing_in_the_spring_gap_goes_after_it():
    # 02:30 on 8 March does not exist in New York: the reminder goes at 03:30 EDT.
    appointment = local(NY, 2026, 3, 9, 2, 30)
    assert offset_instant(appointment, 24, NY) == local(NY, 2026, 3, 8, 3, 30)


@pytest.mark.parametrize(("planned", "appointment", "expected"), [
    # P-QUIET 21:00-08:00: inside, moved to the window's end when that is before the appointment
    (local(NY, 2026, 3, 3, 6, 30), local(NY, 2026, 3, 3, 8, 30), local(NY, 2026, 3, 3, 8, 0)),
    # ... else to its start, the evening before
    (local(NY, 2026, 3, 3, 5, 30), local(NY, 2026, 3, 3, 7, 30), local(NY, 2026, 3, 2, 21, 0)),
    (local(NY, 2026, 3, 2, 22, 0), local(NY, 2026, 3, 3, 8, 0), local(NY, 2026, 3, 2, 21, 0)),
    # the edges themselves are allowed
    (local(NY, 2026, 3, 2, 21, 0), local(NY, 2026, 3, 3, 9, 0), local(NY, 2026, 3, 2, 21, 0)),
    (local(NY, 2026, 3, 3, 8, 0), local(NY, 2026, 3, 3, 10, 0), local(NY, 2026, 3, 3, 8, 0)),
    # outside: as planned
    (local(NY, 2026, 3, 3, 12, 0), local(NY, 2026, 3, 3, 14, 0), local(NY, 2026, 3, 3, 12, 0)),
    # quiet hours across the spring-forward night keep their local edges
    (local(NY, 2026, 3, 8, 1, 0), local(NY, 2026, 3, 8, 10, 0), local(NY, 2026, 3, 8, 8, 0)),
    (local(NY, 2026, 3, 8, 1, 0), local(NY, 2026, 3, 8, 7, 0), local(NY, 2026, 3, 7, 21, 0)),
    # and across fall-back
    (local(NY, 2026, 11, 1, 1, 30), local(NY, 2026, 11, 1, 9, 0), local(NY, 2026, 11, 1, 8, 0)),
])
def test_p_quiet_moves_a_reminder_to_the_edge_still_before_the_appointment(
        planned, appointment, expected):
    assert send_time(planned, appointment, LONG_AGO, SitePolicy(), NY) == expected


def test_p_quiet_window_within_one_day():
    policy = dataclasses.replace(SitePolicy(), quiet_hours=QuietHours("12:00", "14:00"))
    planned, appointment = local(NY, 2026, 3, 3, 13, 0), local(NY, 2026, 3, 3, 16, 0)
    assert quiet_window(planned, policy.quiet_hours, NY) == (local(NY, 2026, 3, 3, 12, 0),
                                                             local(NY, 2026, 3, 3, 14, 0))
    assert send_time(planned, appointment, LONG_AGO, policy, NY) == local(NY, 2026, 3, 3, 14, 0)
    assert quiet_window(local(NY, 2026, 3, 3, 22, 0), policy.quiet_hours, NY) is None


def test_equal_quiet_times_mean_no_quiet_hours():
    planned = local(NY, 2026, 3, 3, 3, 0)
    assert send_time(planned, planned + timedelta(hours=2), LONG_AGO, NO_QUIET, NY) == planned


def test_a_reminder_whose_time_has_passed_or_is_not_before_the_appointment_is_not_sent():
    appointment = local(NY, 2026, 3, 3, 10, 0)
    planned = appointment - timedelta(hours=2)
    assert send_time(planned, appointment, planned + timedelta(seconds=1), SitePolicy(),
                     NY) is None
    assert send_time(appointment, appointment, LONG_AGO, SitePolicy(), NY) is None
    # Inside quiet hours whose start has passed, with the end after the appointment: none.
    now = local(NY, 2026, 3, 2, 22, 0)
    assert send_time(local(NY, 2026, 3, 3, 5, 0), local(NY, 2026, 3, 3, 7, 0), now,
                     SitePolicy(), NY) is None


def test_planned_reminders_at_the_default_offsets():
    appointment = local(NY, 2026, 3, 4, 10, 0)
    now = local(NY, 2026, 3, 2, 9, 0)
    assert planned_reminders(appointment, SitePolicy(), NY, now) == (
        (24, local(NY, 2026, 3, 3, 10, 0)), (2, local(NY, 2026, 3, 4, 8, 0)))
    # booked 5 hours ahead: only the 2 h reminder is still to come
    five_hours_ahead = appointment - timedelta(hours=5)
    assert planned_reminders(appointment, SitePolicy(), NY, five_hours_ahead) == (
        (2, local(NY, 2026, 3, 4, 8, 0)),)


def test_two_offsets_moved_to_one_instant_make_one_reminder():
    policy = dataclasses.replace(SitePolicy(), reminder_offsets_hours=(3, 2))
    appointment = local(NY, 2026, 3, 4, 9, 30)
    assert planned_reminders(appointment, policy, NY, LONG_AGO) == (
        (3, local(NY, 2026, 3, 4, 8, 0)),)


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (9, 3600)])
def test_retry_backoff_is_exponential_and_capped(attempts, seconds):
    assert retry_delay(attempts, 60, 3600) == timedelta(seconds=seconds)


@pytest.mark.parametrize(("text", "found"), [
    ("Your SPRAVATO session", ["spravato"]),
    ("esketamine 56 mg", ["56 mg", "esketamine"]),
    ("for depression", ["depression"]),
    ("REMS form", ["rems"]),
    ("dosing at 10:00", ["dosing"]),
    ("1 Remsen Street, no food for 2 hours", []),
    ("Other nasal sprays at least 1 hour before", []),
])
def test_private_terms_in_patient_text(text, found):
    assert private_terms(text) == found
