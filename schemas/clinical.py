"""The treatment day: checklist, vitals, devices, observations, adverse events, discharge."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from spravato_ops.domain.enums import Dissociation, Symptom, VitalsTimepoint

from .common import OverrideSchema, UTCDateTime, WarningSchema, enum_field, not_blank

REASON = [not_blank, validate.Length(max=1000)]


def _bool(**kwargs):
    """A JSON boolean only: "yes" or "0" is not an answer to a clinical question."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


def _int(low, high, **kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=low, max=high), **kwargs)


class AmendableIn(Schema):
    """A correction names the entry it replaces (`amends`) and says why (`reason`)."""

    amends = fields.Integer(strict=True, metadata={
        "description": "id of an entry of the same kind and session that this one corrects"})
    reason = fields.String(validate=REASON, metadata={"description": "required with amends"})

    @validates_schema
    def _reason_with_amends(self, data, **kwargs):
        if data.get("amends") is not None and not data.get("reason"):
            raise ValidationError("A correction needs a reason.", "reason")


class ChecklistIn(AmendableIn):
    """R1.6 pre-dose preparation and R3.5 ride home; a missing or false item is a soft stop."""

    no_food_2h = _bool(allow_none=True, load_default=None)
    no_liquids_30m = _bool(allow_none=True, load_default=None)
    nasal_medication_ok = _bool(allow_none=True, load_default=None, metadata={
        "description": "no nasal corticosteroid/decongestant within 1 hour"})
    transport_name = fields.String(allow_none=True, validate=validate.Length(max=200))
    transport_phone = fields.String(allow_none=True, validate=validate.Length(max=40))
    override = fields.Nested(OverrideSchema,
                             metadata={"description": "prescriber only: soft stops"})


class VitalsIn(AmendableIn):
    timepoint = enum_field(VitalsTimepoint, required=True)
    systolic = _int(50, 300, required=True)
    diastolic = _int(20, 200, required=True)
    heart_rate = _int(20, 250, required=True)
    spo2 = _int(50, 100, required=True)
    respiratory_rate = _int(4, 60, allow_none=True)
    taken_at = UTCDateTime(required=True)

    @validates_schema
    def _diastolic_below_systolic(self, data, **kwargs):
        if "systolic" in data and "diastolic" in data and data["diastolic"] >= data["systolic"]:
            raise ValidationError("Must be below the systolic pressure.", "diastolic")


class DeviceIn(AmendableIn):
    administered_at = UTCDateTime(required=True)
    lot_number = fields.String(required=True, validate=[not_blank, validate.Length(max=64)])
    deviation_reason = fields.String(allow_none=True, validate=validate.Length(max=1000),
                                     metadata={"description": "R1.5: required under 5 minutes"})
    override = fields.Nested(OverrideSchema, metadata={
        "description": "prescriber only: R2.1 pre-dose BP above P-BP-ELEVATED, first device"})


class ObservationIn(AmendableIn):
    observed_at = UTCDateTime(required=True)
    moaas = _int(0, 5, required=True, metadata={"description": "MOAA/S, 5 = alert"})
    dissociation = enum_field(Dissociation, required=True)
    cadss_total = _int(0, 92, allow_none=True)
    respiratory_depression = _bool(required=True)
    spo2 = _int(50, 100, required=True)
    symptoms = fields.List(enum_field(Symptom), load_default=list,
                           metadata={"description": "R2.3 emergency symptoms"})


class AdverseEventIn(AmendableIn):
    description = fields.String(required=True, validate=[not_blank, validate.Length(max=2000)])
    serious = _bool(required=True)
    resolved_at = UTCDateTime(allow_none=True)


class AdverseEventPatch(Schema):
    """Resolve or correct an event: stored as a new entry that amends this one."""

    description = fields.String(validate=[not_blank, validate.Length(max=2000)])
    serious = _bool()
    resolved_at = UTCDateTime(allow_none=True)
    reason = fields.String(validate=REASON, metadata={"description": "default: what changed"})


class DischargeIn(Schema):
    clinically_stable = _bool(required=True, metadata={
        "description": "the nurse's attestation; must be true (R3.4)"})
    ready_to_leave_at = UTCDateTime(required=True, metadata={
        "description": "R3.6: when the patient would have been ready without the 2-hour rule"})
    override = fields.Nested(OverrideSchema, metadata={
        "description": "prescriber only: unmet criteria other than min_observation"})


class ReadinessQuery(Schema):
    at = UTCDateTime(metadata={"description": "RFC 3339 with offset; default now"})


class AlertRaisedOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    severity = fields.String()
    rule = fields.String(allow_none=True)
    message = fields.String()


class EntryOut(Schema):
    id = fields.Integer()
    session_id = fields.Integer()
    recorded_by = fields.Integer()
    recorded_at = UTCDateTime()
    amends_id = fields.Integer(allow_none=True)
    amend_reason = fields.String(allow_none=True)
    amended = fields.Boolean(metadata={"description": "a later entry corrects this one"})
    amended_by_id = fields.Integer(allow_none=True)


class WriteOut(EntryOut):
    session_state = fields.String()
    warnings = fields.List(fields.Nested(WarningSchema))


class ChecklistFields(Schema):
    no_food_2h = fields.Boolean()
    no_liquids_30m = fields.Boolean()
    nasal_medication_ok = fields.Boolean()
    transport_name = fields.String(allow_none=True)
    transport_phone = fields.String(allow_none=True)
    override_reason = fields.String(allow_none=True)


class VitalsFields(Schema):
    timepoint = fields.String()
    systolic = fields.Integer()
    diastolic = fields.Integer()
    heart_rate = fields.Integer()
    spo2 = fields.Integer(allow_none=True)
    respiratory_rate = fields.Integer(allow_none=True)
    taken_at = UTCDateTime()


class DeviceFields(Schema):
    device_number = fields.Integer()
    administered_at = UTCDateTime()
    lot_number = fields.String()
    deviation_reason = fields.String(allow_none=True)
    spacing_flagged = fields.Boolean()
    override_reason = fields.String(allow_none=True)


class ObservationFields(Schema):
    observed_at = UTCDateTime()
    moaas = fields.Integer()
    dissociation = fields.String()
    cadss_total = fields.Integer(allow_none=True)
    respiratory_depression = fields.Boolean()
    spo2 = fields.Integer(allow_none=True)
    symptoms = fields.List(fields.String())


class AdverseEventFields(Schema):
    description = fields.String()
    serious = fields.Boolean()
    resolved_at = UTCDateTime(allow_none=True)


class DischargeFields(Schema):
    discharged_at = UTCDateTime()
    clinically_stable = fields.Boolean()
    ready_to_leave_at = UTCDateTime()
    override_reason = fields.String(allow_none=True)
    unmet_criteria = fields.List(fields.Dict())


class ChecklistOut(WriteOut, ChecklistFields):
    pass


class VitalsOut(WriteOut, VitalsFields):
    alerts = fields.List(fields.Nested(AlertRaisedOut))


class DeviceOut(WriteOut, DeviceFields):
    pass


class ObservationOut(WriteOut, ObservationFields):
    alerts = fields.List(fields.Nested(AlertRaisedOut))


class AdverseEventOut(WriteOut, AdverseEventFields):
    alerts = fields.List(fields.Nested(AlertRaisedOut))


class DischargeOut(WriteOut, DischargeFields):
    pass


class ChecklistEntryOut(EntryOut, ChecklistFields):
    pass


class VitalsEntryOut(EntryOut, VitalsFields):
    pass


class DeviceEntryOut(EntryOut, DeviceFields):
    pass


class ObservationEntryOut(EntryOut, ObservationFields):
    pass


class AdverseEventEntryOut(EntryOut, AdverseEventFields):
    pass


class DischargeEntryOut(EntryOut, DischargeFields):
    pass


class SessionRecordOut(Schema):
    """Every entry of a session, corrections included (`amended` marks the replaced ones)."""

    session_id = fields.Integer()
    state = fields.String()
    checklist = fields.List(fields.Nested(ChecklistEntryOut))
    vitals = fields.List(fields.Nested(VitalsEntryOut))
    devices = fields.List(fields.Nested(DeviceEntryOut))
    observations = fields.List(fields.Nested(ObservationEntryOut))
    adverse_events = fields.List(fields.Nested(AdverseEventEntryOut))
    discharges = fields.List(fields.Nested(DischargeEntryOut))


class TimerOut(Schema):
    code = fields.String()
    due_at = UTCDateTime(allow_none=True)
    overdue_at = UTCDateTime(allow_none=True)
    state = fields.String(metadata={"description": "upcoming, due, overdue or done"})


class CriterionOut(Schema):
    code = fields.String()
    met = fields.Boolean()
    detail = fields.String()
    met_at = UTCDateTime(allow_none=True)


class ReadinessOut(Schema):
    ready = fields.Boolean()
    evaluated_at = UTCDateTime()
    earliest_ready_at = UTCDateTime(allow_none=True)
    criteria = fields.List(fields.Nested(CriterionOut))


class ArrivalOut(Schema):
    """The arrival as the front desk may see it: where and when, nothing clinical."""

    id = fields.Integer()
    site_id = fields.Integer()
    chair_id = fields.Integer()
    patient_id = fields.Integer()
    scheduled_start = UTCDateTime()
    state = fields.String()
    arrived_at = UTCDateTime(allow_none=True)
    version = fields.Integer()
