"""Checklist (R1.6, R3.5), REMS form deadlines (R4.3) and the session state machine."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from spravato_ops.domain import (
    Action, AlertKind, SessionState as S, SiteFacts, SitePolicy, check_action, check_checklist,
    form_reminder_due, monitoring_form_required, next_state, rems_form_deadline,
    ride_home_recorded, transport_confirmed,
)
from spravato_ops.domain.schedule import reminder_times, slot_end

from .builders import codes


@pytest.mark.parametrize("items, expected", [
    ((True, True, True, "Ann", "555"), []),
    ((False, True, True, "Ann", "555"), ["no_food_2h"]),
    ((None, True, True, "Ann", "555"), ["no_food_2h"]),
    ((True, False, True, "Ann", "555"), ["no_liquids_30m"]),
    ((True, True, False, "Ann", "555"), ["nasal_medication"]),
    ((True, True, True, "Ann", ""), ["transport_missing"]),
    ((True, True, True, None, "555"), ["transport_missing"]),
    ((False, False, False, " ", None),
     ["no_food_2h", "no_liquids_30m", "nasal_medication", "transport_missing"]),
])
def test_r1_6_r3_5_checklist_soft_stops(items, expected):
    found = check_checklist(*items)
    assert codes(found) == expected
    assert all(v.kind == "soft_stop" for v in found)
    assert {v.rule for v in found} <= {"R1.6", "R3.5"}


@pytest.mark.parametrize("name, phone, recorded", [
    ("Ann", "555", True), ("Ann", " ", False), ("", "555", False), (None, None, False),
])
def test_r3_5_a_ride_home_is_a_name_and_a_phone(name, phone, recorded):
    assert ride_home_recorded(name, phone) is recorded


def _checklist(entry_id, minute, name="Ann", phone="555"):
    return SimpleNamespace(id=entry_id, recorded_at=datetime(2026, 3, 2, 14, minute,
                                                             tzinfo=timezone.utc),
                           transport_name=name, transport_phone=phone)


@pytest.mark.parametrize("checklists, confirmed", [
    ([], False),
    ([_checklist(1, 0)], True),
    ([_checklist(1, 0), _checklist(2, 5, phone=None)], False),  # the latest counts
    ([_checklist(2, 5, phone=None), _checklist(1, 0)], False),  # by time, not list order
    ([_checklist(1, 5, phone=None), _checklist(2, 5)], True),  # same time: the later id
])
def test_r3_5_transport_confirmed_by_the_latest_checklist(checklists, confirmed):
    assert transport_confirmed(checklists) is confirmed


def test_r4_3_form_deadline_is_7_days():
    assert rems_form_deadline(date(2026, 3, 2)) == date(2026, 3, 9)


@pytest.mark.parametrize("today, submitted, expected", [
    (date(2026, 3, 6), False, None),
    (date(2026, 3, 7), False, AlertKind.REMS_FORM_DUE),  # P-FORM-REMIND 2 days before
    (date(2026, 3, 9), False, AlertKind.REMS_FORM_DUE),
    (date(2026, 3, 10), False, AlertKind.REMS_FORM_OVERDUE),
    (date(2026, 3, 10), True, None),
])
def test_r4_3_form_reminders(today, submitted, expected):
    assert form_reminder_due(date(2026, 3, 2), today, SitePolicy(), submitted) == expected


@pytest.mark.parametrize("site, required", [
    (SiteFacts("outpatient", "R", None), True),
    (SiteFacts("inpatient", "R", None), False),  # R4.2 inpatient files no form
    (SiteFacts("outpatient", "R", None, monitoring_form_required=False), False),
])
def test_r4_3_form_required(site, required):
    assert monitoring_form_required(site) is required


def test_p_slot_and_reminders():
    start = datetime(2026, 3, 2, 14, tzinfo=timezone.utc)
    assert slot_end(start, SitePolicy()) == datetime(2026, 3, 2, 16, 30, tzinfo=timezone.utc)
    assert reminder_times(start, SitePolicy()) == (
        datetime(2026, 3, 1, 14, tzinfo=timezone.utc),
        datetime(2026, 3, 2, 12, tzinfo=timezone.utc))


HAPPY_PATH = [
    (S.SCHEDULED, Action.ARRIVE, False, S.ARRIVED),
    (S.ARRIVED, Action.RECORD_VITALS, False, S.ARRIVED),
    (S.ARRIVED, Action.CHECKLIST, False, S.CHECKED_IN),
    (S.CHECKED_IN, Action.CHECKLIST, False, S.CHECKED_IN),
    (S.CHECKED_IN, Action.RECORD_DEVICE, False, S.DOSING),
    (S.DOSING, Action.RECORD_DEVICE, True, S.OBSERVING),
    (S.CHECKED_IN, Action.RECORD_DEVICE, True, S.OBSERVING),
    (S.DOSING, Action.RECORD_OBSERVATION, False, S.DOSING),
    (S.OBSERVING, Action.RECORD_OBSERVATION, False, S.OBSERVING),
    (S.OBSERVING, Action.DISCHARGE, False, S.DISCHARGED),
    (S.DOSING, Action.DISCHARGE, False, S.DISCHARGED),
    (S.SCHEDULED, Action.CANCEL, False, S.CANCELLED),
    (S.CHECKED_IN, Action.CANCEL, False, S.CANCELLED),
    (S.SCHEDULED, Action.NO_SHOW, False, S.NO_SHOW),
    (S.ARRIVED, Action.NO_SHOW, False, S.NO_SHOW),
    (S.CHECKED_IN, Action.WITHHOLD, False, S.WITHHELD),
    (S.SCHEDULED, Action.RESCHEDULE, False, S.SCHEDULED),
    (S.DISCHARGED, Action.RECORD_ADVERSE_EVENT, False, S.DISCHARGED),
]


@pytest.mark.parametrize("state, action, last, expected", HAPPY_PATH, ids=str)
def test_state_transitions(state, action, last, expected):
    assert check_action(state, action) is None
    assert next_state(state, action, last_device=last) == expected


@pytest.mark.parametrize("state, action", [
    (S.ARRIVED, Action.RESCHEDULE), (S.DOSING, Action.CANCEL), (S.DOSING, Action.WITHHOLD),
    (S.CHECKED_IN, Action.NO_SHOW), (S.SCHEDULED, Action.CHECKLIST),
    (S.SCHEDULED, Action.RECORD_VITALS), (S.ARRIVED, Action.RECORD_DEVICE),
    (S.OBSERVING, Action.RECORD_DEVICE), (S.CHECKED_IN, Action.RECORD_OBSERVATION),
    (S.CHECKED_IN, Action.DISCHARGE), (S.DISCHARGED, Action.DISCHARGE),
    (S.CANCELLED, Action.ARRIVE), (S.WITHHELD, Action.RECORD_VITALS),
    (S.SCHEDULED, Action.RECORD_ADVERSE_EVENT),
], ids=str)
def test_invalid_state_is_a_hard_stop_naming_the_state(state, action):
    problem = check_action(state, action)
    assert (problem.rule, problem.code, problem.kind) == ("state", "invalid_state", "hard_stop")
    assert state.value in problem.message
    with pytest.raises(ValueError):
        next_state(state, action)


def test_terminal_states_allow_only_adverse_events():
    for state in (S.DISCHARGED, S.CANCELLED, S.NO_SHOW, S.WITHHELD):
        allowed = [a for a in Action if check_action(state, a) is None]
        assert allowed in ([], [Action.RECORD_ADVERSE_EVENT])


def test_accepts_json_strings():
    assert next_state("checked_in", "record_device") == S.DOSING
