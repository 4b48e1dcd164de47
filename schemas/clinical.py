"""The treatment day: checklist, vitals, devices, observations, adverse events, discharge.

Each entry kind is its table in models/clinical.py: a request schema adds to the columns a
person enters only the ranges and enums the input keeps to (R2.1, R3.2); the response schemas
are the table's columns.
"""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from marshmallow_sqlalchemy import auto_field

from spravato_ops.domain.enums import Dissociation, Symptom, VitalsTimepoint
from spravato_ops.models import (
    AdverseEvent, ChecklistEntry, DeviceAdministration, Discharge, ObservationEntry, VitalsEntry,
)

from .common import OverrideSchema, Partial, UTCDateTime, WarningSchema, enum_field, not_blank
from .tables import RequestSchema, ResponseSchema, column_of, column_within

REASON = [not_blank, validate.Length(max=1000)]


def _unanswered_allowed(**kwargs):
    """A checklist answer: stored true or false, but a missing one is a soft stop, not a 422."""
    return auto_field(required=False, allow_none=True, load_default=None, **kwargs)


class EntryIn(RequestSchema):
    """A correction names the entry it replaces (`amends`) and says why (`reason`)."""

    amends = fields.Integer(strict=True, metadata={
        "description": "id of an entry of the same kind and session that this one corrects"})
    reason = fields.String(validate=REASON, metadata={"description": "required with amends"})

    @validates_schema
    def _reason_with_amends(self, data, **kwargs):
        if data.get("amends") is not None and not data.get("reason"):
            raise ValidationError("A correction needs a reason.", "reason")


class ChecklistIn(EntryIn):
    """R1.6 pre-dose preparation and R3.5 ride home; a missing or false item is a soft stop."""

    class Meta(EntryIn.Meta):
        model = ChecklistEntry

    no_food_2h = _unanswered_allowed()
    no_liquids_30m = _unanswered_allowed()
    nasal_medication_ok = _unanswered_allowed(metadata={
        "description": "no nasal corticosteroid/decongestant within 1 hour"})
    override = fields.Nested(OverrideSchema,
                             metadata={"description": "prescriber only: soft stops"})


class VitalsIn(EntryIn):
    class Meta(EntryIn.Meta):
        model = VitalsEntry

    timepoint = column_of(VitalsTimepoint)
    systolic = column_within(50, 300)
    diastolic = column_within(20, 200)
    heart_rate = column_within(20, 250)
    # Stored rows may lack it; every new reading has one (R3.3: pulse oximetry every session).
    spo2 = column_within(50, 100, required=True, allow_none=False)
    respiratory_rate = column_within(4, 60)

    @validates_schema
    def _diastolic_below_systolic(self, data, **kwargs):
        if "systolic" in data and "diastolic" in data and data["diastolic"] >= data["systolic"]:
            raise ValidationError("Must be below the systolic pressure.", "diastolic")


class DeviceIn(EntryIn):
    class Meta(EntryIn.Meta):
        model = DeviceAdministration

    deviation_reason = auto_field(metadata={"description": "R1.5: required under 5 minutes"})
    override = fields.Nested(OverrideSchema, metadata={
        "description": "prescriber only: R2.1 pre-dose BP above P-BP-ELEVATED, first device"})


class ObservationIn(EntryIn):
    class Meta(EntryIn.Meta):
        model = ObservationEntry

    moaas = column_within(0, 5, metadata={"description": "MOAA/S, 5 = alert"})
    dissociation = column_of(Dissociation)
    cadss_total = column_within(0, 92)
    spo2 = column_within(50, 100, required=True, allow_none=False)
    symptoms = fields.List(enum_field(Symptom), load_default=list,
                           metadata={"description": "R2.3 emergency symptoms"})


class AdverseEventIn(EntryIn):
    class Meta(EntryIn.Meta):
        model = AdverseEvent


class AdverseEventPatch(Partial, RequestSchema):
    """Resolve or correct an event: stored as a new entry that amends this one."""

    class Meta(RequestSchema.Meta):
        model = AdverseEvent

    reason = fields.String(validate=REASON, metadata={"description": "default: what changed"})


class DischargeIn(RequestSchema):
    class Meta(RequestSchema.Meta):
        model = Discharge

    clinically_stable = auto_field(metadata={
        "description": "the nurse's attestation; must be true (R3.4)"})
    ready_to_leave_at = auto_field(metadata={
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


class EntryOut(ResponseSchema):
    """A stored entry, every column; `amended` marks one that a later entry corrects."""

    amended = fields.Boolean(metadata={"description": "a later entry corrects this one"})
    amended_by_id = fields.Integer(allow_none=True)


class WriteOut(Schema):
    """What a write adds to the entry it stored."""

    session_state = fields.String()
    warnings = fields.List(fields.Nested(WarningSchema))


class ChecklistEntryOut(EntryOut):
    class Meta(EntryOut.Meta):
        model = ChecklistEntry


class VitalsEntryOut(EntryOut):
    class Meta(EntryOut.Meta):
        model = VitalsEntry


class DeviceEntryOut(EntryOut):
    class Meta(EntryOut.Meta):
        model = DeviceAdministration


class ObservationEntryOut(EntryOut):
    class Meta(EntryOut.Meta):
        model = ObservationEntry

    symptoms = fields.List(fields.String())


class AdverseEventEntryOut(EntryOut):
    class Meta(EntryOut.Meta):
        model = AdverseEvent


class DischargeEntryOut(EntryOut):
    class Meta(EntryOut.Meta):
        model = Discharge

    unmet_criteria = fields.List(fields.Dict())


class ChecklistOut(ChecklistEntryOut, WriteOut):
    pass


class VitalsOut(VitalsEntryOut, WriteOut):
    alerts = fields.List(fields.Nested(AlertRaisedOut))


class DeviceOut(DeviceEntryOut, WriteOut):
    pass


class ObservationOut(ObservationEntryOut, WriteOut):
    alerts = fields.List(fields.Nested(AlertRaisedOut))


class AdverseEventOut(AdverseEventEntryOut, WriteOut):
    alerts = fields.List(fields.Nested(AlertRaisedOut))


class DischargeOut(DischargeEntryOut, WriteOut):
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
    ride_arrived_at = UTCDateTime(allow_none=True)
    version = fields.Integer()
