"""Sites, chairs and site policy."""
from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate

from spravato_ops.domain.enums import SettingType
from spravato_ops.domain.opening_hours import WEEKDAYS

from .common import Partial, StrictBoolean, UTCDateTime, ViolationSchema, enum_field, not_blank

TIMEZONES = frozenset(available_timezones())


def known_timezone(value):
    if value not in TIMEZONES:
        raise ValidationError("Not an IANA time zone (e.g. America/New_York).")


class SiteIn(Schema):
    name = fields.String(required=True, validate=[not_blank, validate.Length(max=200)])
    timezone = fields.String(required=True, validate=known_timezone)
    setting_type = enum_field(SettingType, required=True)
    rems_certification_id = fields.String(allow_none=True, validate=validate.Length(max=64))
    rems_certified_until = fields.Date(allow_none=True)
    address = fields.String(allow_none=True, validate=validate.Length(max=500))
    phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    prescriber_on_site = StrictBoolean()
    pulse_oximeter_available = StrictBoolean()
    rems_enrollment_required = StrictBoolean()
    rems_forms_required = StrictBoolean()
    rems_forms_for_withheld = StrictBoolean(metadata={
        "description": "R4.3: a session whose dose was withheld files a form too"})


class SitePatch(Partial, SiteIn):
    """Any subset of a site's fields."""


class SiteOut(SiteIn):
    id = fields.Integer()
    version = fields.Integer()
    rems_certified = fields.Boolean(metadata={"description": "R4.1: certification active today"})
    created_at = UTCDateTime()


class ChairIn(Schema):
    label = fields.String(required=True, validate=[not_blank, validate.Length(max=60)])


class ChairOut(ChairIn):
    id = fields.Integer()
    site_id = fields.Integer()
    active = fields.Boolean()


class ChairPatch(Schema):
    """A chair renamed, or taken out of use (no new booking on it) and back."""

    label = fields.String(validate=[not_blank, validate.Length(max=60)])
    active = StrictBoolean(metadata={"description": "false: out of use; the sessions booked "
                                                    "on it stay, for the schedulers to move"})


class ChairChangedOut(ChairOut):
    still_booked = fields.Integer(metadata={
        "description": "sessions still booked on the chair from now on (to move once it is "
                       "out of use)"})


class BloodPressureField(Schema):
    systolic = fields.Integer(required=True, strict=True)
    diastolic = fields.Integer(required=True, strict=True)


class CadenceGapSchema(Schema):
    induction = fields.Integer(strict=True)
    weekly = fields.Integer(strict=True)
    every_2_weeks = fields.Integer(strict=True)


class QuietHoursSchema(Schema):
    start = fields.String(required=True, metadata={"description": "site-local HH:MM"})
    end = fields.String(required=True, metadata={"description": "site-local HH:MM"})


class StoredDate(fields.Date):
    """A date that may come as its ISO text already (the policy as stored, in JSON)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            return value
        return super()._serialize(value, attr, obj, **kwargs)


class ClosureSchema(Schema):
    date = StoredDate(required=True, metadata={"description": "site-local day closed"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class OpeningHoursSchema(Schema):
    weekly = fields.Dict(
        keys=fields.String(validate=validate.OneOf(WEEKDAYS)),
        values=fields.List(fields.List(fields.String(), validate=validate.Length(equal=2))),
        allow_none=True, load_default=None, metadata={
            "description": 'per weekday ("mon".."sun") its open spans [["08:00", "12:00"], '
                           '...] site-local; a weekday left out is closed; null: no hours set'})
    closures = fields.List(fields.Nested(ClosureSchema), load_default=list)


class PolicyIn(Schema):
    """The P-ids of DOMAIN.md; a key left out keeps the default."""

    bp_elevated = fields.Nested(BloodPressureField, metadata={"description": "P-BP-ELEVATED"})
    bp_hold = fields.Nested(BloodPressureField, metadata={"description": "P-BP-HOLD"})
    bp_alert = fields.Nested(BloodPressureField, metadata={"description": "P-BP-ALERT"})
    bp_recheck_minutes = fields.Integer(strict=True, metadata={"description": "P-BP-RECHECK"})
    observation_interval_minutes = fields.Integer(strict=True, metadata={"description": "P-OBS"})
    observation_grace_minutes = fields.Integer(strict=True, metadata={"description": "P-OBS-GRACE"})
    fresh_minutes = fields.Integer(strict=True, metadata={"description": "P-FRESH"})
    spo2_min = fields.Integer(strict=True, metadata={"description": "P-SPO2-MIN"})
    slot_minutes = fields.Integer(strict=True, metadata={"description": "P-SLOT"})
    cadence_gap_days = fields.Nested(CadenceGapSchema, metadata={"description": "P-CADENCE"})
    reminder_offsets_hours = fields.List(
        fields.Integer(strict=True), validate=validate.Length(min=1, max=5),
        metadata={"description": "P-REMINDERS"},
    )
    form_reminder_days = fields.Integer(strict=True, metadata={"description": "P-FORM-REMIND"})
    quiet_hours = fields.Nested(QuietHoursSchema, metadata={
        "description": "P-QUIET: no patient reminder from start to end (across midnight when "
                       "end is earlier); equal times: none"})
    opening_hours = fields.Nested(OpeningHoursSchema, metadata={
        "description": "P-HOURS: a session's P-SLOT block must lie in one open span of an open "
                       "day; dated closures"})


class PolicyOut(PolicyIn):
    site_id = fields.Integer()
    version = fields.Integer()


class ConflictOut(Schema):
    """A session to come that the site's opening hours leave outside (P-HOURS)."""

    session_id = fields.Integer()
    chair_id = fields.Integer()
    chair = fields.String(metadata={"description": "chair label"})
    patient_initials = fields.String()
    scheduled_start = UTCDateTime()
    scheduled_end = UTCDateTime()
    violations = fields.List(fields.Nested(ViolationSchema))
