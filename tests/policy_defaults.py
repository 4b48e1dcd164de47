"""The P-ids of DOMAIN.md with their defaults, as the policy's JSON carries them."""
DEFAULT_POLICY_JSON = {
    "bp_elevated": {"systolic": 140, "diastolic": 90},
    "bp_hold": {"systolic": 180, "diastolic": 110},
    "bp_alert": {"systolic": 160, "diastolic": 100},
    "bp_recheck_minutes": 15,
    "observation_interval_minutes": 15,
    "observation_grace_minutes": 5,
    "fresh_minutes": 15,
    "spo2_min": 92,
    "slot_minutes": 150,
    "cadence_gap_days": {"induction": 4, "weekly": 9, "every_2_weeks": 17},
    "reminder_offsets_hours": [24, 2],
    "form_reminder_days": 2,
    "quiet_hours": {"start": "21:00", "end": "08:00"},
    "opening_hours": {"weekly": None, "closures": []},  # P-HOURS: none set, no restriction
}
