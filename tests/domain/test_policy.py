"""Site policy P-ids: defaults, JSON round trip, validation."""
import dataclasses

import pytest

from spravato_ops.domain import BloodPressure, CadenceGapDays, SitePolicy, validate_policy
from spravato_ops.domain.policy import QuietHours

from ..policy_defaults import DEFAULT_POLICY_JSON as DEFAULT_MAPPING


def test_defaults_are_domain_md():
    assert SitePolicy().to_mapping() == DEFAULT_MAPPING
    assert validate_policy(SitePolicy()) == {}


def test_round_trip_and_missing_keys_default():
    policy = SitePolicy.from_mapping({"bp_hold": {"systolic": 170, "diastolic": 105},
                                      "cadence_gap_days": {"weekly": 10},
                                      "quiet_hours": {"start": "22:00", "end": "07:30"}})
    assert policy.quiet_hours == QuietHours("22:00", "07:30")
    assert policy.bp_hold == BloodPressure(170, 105)
    assert policy.cadence_gap_days == CadenceGapDays(4, 10, 17)
    assert policy.fresh_minutes == 15
    assert SitePolicy.from_mapping(policy.to_mapping()) == policy
    assert SitePolicy.from_mapping(DEFAULT_MAPPING) == SitePolicy()


@pytest.mark.parametrize("data", [{"colour": 1}, {"bp_hold": 180},
                                  {"bp_hold": {"systolic": 180}},
                                  {"cadence_gap_days": {"monthly": 30}},
                                  {"quiet_hours": {"start": "21:00"}}, {"quiet_hours": "21-8"}])
def test_malformed_mapping_is_refused(data):
    with pytest.raises(ValueError):
        SitePolicy.from_mapping(data)


@pytest.mark.parametrize("changes, field", [
    ({"bp_hold": BloodPressure(180, 85)}, "bp_hold"),  # diastolic not above elevated
    ({"bp_hold": BloodPressure(140, 120)}, "bp_hold"),
    ({"bp_alert": BloodPressure(130, 100)}, "bp_alert"),
    ({"bp_elevated": BloodPressure(90, 95)}, "bp_elevated"),  # systolic <= diastolic
    ({"bp_elevated": BloodPressure(310, 90)}, "bp_elevated"),
    ({"bp_elevated": BloodPressure(140, 30)}, "bp_elevated"),
    ({"spo2_min": 79}, "spo2_min"),
    ({"spo2_min": 101}, "spo2_min"),
    ({"observation_interval_minutes": 4}, "observation_interval_minutes"),
    ({"observation_interval_minutes": 61}, "observation_interval_minutes"),
    ({"observation_grace_minutes": 0}, "observation_grace_minutes"),
    ({"observation_grace_minutes": 31}, "observation_grace_minutes"),
    ({"fresh_minutes": 4}, "fresh_minutes"),
    ({"bp_recheck_minutes": 61}, "bp_recheck_minutes"),
    ({"slot_minutes": 119}, "slot_minutes"),  # R3.1 120 minutes must fit
    ({"slot_minutes": 481}, "slot_minutes"),
    ({"slot_minutes": "150"}, "slot_minutes"),
    ({"slot_minutes": True}, "slot_minutes"),
    ({"cadence_gap_days": CadenceGapDays(0, 9, 17)}, "cadence_gap_days"),
    ({"cadence_gap_days": CadenceGapDays(4, 9, 61)}, "cadence_gap_days"),
    ({"cadence_gap_days": CadenceGapDays(9, 9, 17)}, "cadence_gap_days"),
    ({"cadence_gap_days": CadenceGapDays(4, 18, 17)}, "cadence_gap_days"),
    ({"reminder_offsets_hours": (24, 24)}, "reminder_offsets_hours"),
    ({"reminder_offsets_hours": (0,)}, "reminder_offsets_hours"),
    ({"reminder_offsets_hours": (169,)}, "reminder_offsets_hours"),
    ({"form_reminder_days": 0}, "form_reminder_days"),
    ({"form_reminder_days": 7}, "form_reminder_days"),
    ({"quiet_hours": QuietHours("24:00", "08:00")}, "quiet_hours"),  # P-QUIET
    ({"quiet_hours": QuietHours("9:00", "08:00")}, "quiet_hours"),
    ({"quiet_hours": QuietHours("21:00", 8)}, "quiet_hours"),
])
def test_validation_names_the_field(changes, field):
    errors = validate_policy(dataclasses.replace(SitePolicy(), **changes))
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])


def test_validation_reports_every_bad_field_at_once():
    policy = dataclasses.replace(SitePolicy(), spo2_min=50, slot_minutes=60, form_reminder_days=9)
    assert set(validate_policy(policy)) == {"spo2_min", "slot_minutes", "form_reminder_days"}


@pytest.mark.parametrize("changes", [
    {"bp_hold": BloodPressure(141, 91), "bp_alert": BloodPressure(141, 91)},
    {"spo2_min": 80}, {"spo2_min": 100}, {"slot_minutes": 120}, {"slot_minutes": 480},
    {"reminder_offsets_hours": ()}, {"reminder_offsets_hours": (168, 1)},
    {"form_reminder_days": 6},
    {"quiet_hours": QuietHours("00:00", "23:59")}, {"quiet_hours": QuietHours("12:00", "12:00")},
])
def test_boundaries_are_valid(changes):
    assert validate_policy(dataclasses.replace(SitePolicy(), **changes)) == {}
