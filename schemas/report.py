"""The medical director's report: one site, a range of site-local days, figures only."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from spravato_ops.db import MAX_ID
from spravato_ops.domain.reports import range_errors
from spravato_ops.services.report_tables import TABLE_NAMES

from .common import UTCDateTime


class ReportQuery(Schema):
    site_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    from_ = fields.Date(required=True, data_key="from",
                        metadata={"description": "first site-local day (YYYY-MM-DD)"})
    to = fields.Date(required=True, metadata={
        "description": "last site-local day, included; at most 366 days after `from`"})

    @validates_schema
    def check_range(self, data, **kwargs):
        if "from_" in data and "to" in data:
            errors = range_errors(data["from_"], data["to"])
            if errors:
                raise ValidationError(errors)


class ReportCsvQuery(ReportQuery):
    table = fields.String(required=True, validate=validate.OneOf(TABLE_NAMES),
                          metadata={"description": "which table of the report"})


def _share(**kwargs):
    return fields.Float(allow_none=True, metadata={"description": "0-1; null: nothing to divide"},
                        **kwargs)


def _minutes(description):
    return fields.Float(allow_none=True, metadata={"description": description})


class ReportSiteOut(Schema):
    id = fields.Integer()
    name = fields.String()
    timezone = fields.String()


class DefinitionsOut(Schema):
    bp_alert = fields.String(metadata={"description": "P-BP-ALERT, systolic/diastolic"})
    bp_rise = fields.String(metadata={"description": "R2.3 rise over the pre-dose reading"})
    spo2_min = fields.Integer(metadata={"description": "P-SPO2-MIN"})
    sedation_moaas_max = fields.Integer(metadata={"description": "sedation: MOAA/S at most"})
    moaas_baseline = fields.Integer(metadata={"description": "sedation resolved: MOAA/S back"})
    open_day = fields.String(metadata={
        "description": "what utilisation divides by: the site's hours, or a default day"})
    cadence_gap_days = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                   metadata={"description": "P-CADENCE"})


class SessionCountsOut(Schema):
    total = fields.Integer()
    held = fields.Integer(metadata={"description": "dosed: dosing, observing or discharged"})
    withheld = fields.Integer()
    cancelled = fields.Integer()
    no_show = fields.Integer()
    open = fields.Integer(metadata={"description": "still scheduled, arrived or checked in"})
    by_state = fields.Dict(keys=fields.String(), values=fields.Integer())


class BinOut(Schema):
    from_minute = fields.Integer(allow_none=True, metadata={"description": "null: below"})
    to_minute = fields.Integer(allow_none=True, metadata={"description": "null: and above"})
    sessions = fields.Integer()


class DistributionOut(Schema):
    sessions = fields.Integer()
    median_minutes = _minutes("median minutes from the first device to discharge")
    p90_minutes = _minutes("90th percentile")
    histogram = fields.List(fields.Nested(BinOut))


class BloodPressureOut(Schema):
    dosed = fields.Integer()
    sessions_with_readings = fields.Integer(metadata={"description": "with a post-dose reading"})
    sessions_with_rise = fields.Integer()
    sessions_above_alert = fields.Integer()
    readings_with_rise = fields.Integer()
    readings_above_alert = fields.Integer()


class EffectOut(Schema):
    sessions = fields.Integer()
    dosed = fields.Integer()
    incidence = _share()
    resolved = fields.Integer()
    unresolved = fields.Integer(metadata={"description": "no later observation shows it gone"})
    median_minutes_to_resolution = _minutes("from the first device")
    p90_minutes_to_resolution = _minutes("from the first device")


class Spo2Out(Schema):
    dosed = fields.Integer()
    sessions_below = fields.Integer()
    readings_below = fields.Integer()


class CoursesOut(Schema):
    seen = fields.Integer(metadata={"description": "courses with a session in the range"})
    on_schedule = fields.Integer()
    with_gaps = fields.Integer()
    gaps = fields.Integer()


class FormsOut(Schema):
    required = fields.Boolean(metadata={"description": "the site files REMS forms (R4.3)"})
    sessions = fields.Integer(metadata={"description": "sessions that need a form"})
    on_time = fields.Integer()
    late = fields.Integer()
    open = fields.Integer(metadata={"description": "not submitted, deadline not passed"})
    overdue = fields.Integer(metadata={"description": "not submitted, deadline passed"})
    no_form = fields.Integer(metadata={"description": "no form started"})


class UtilisationCellOut(Schema):
    weekday = fields.Integer(metadata={"description": "ISO: 1 Monday ... 7 Sunday"})
    booked_minutes = fields.Integer()
    open_minutes = fields.Integer()
    utilisation = _share()


class ChairUtilisationOut(Schema):
    chair_id = fields.Integer()
    chair = fields.String()
    weekdays = fields.List(fields.Nested(UtilisationCellOut))


class UtilisationOut(Schema):
    open_minutes_per_weekday = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                           metadata={"description": "a chair's, in the range"})
    days_per_weekday = fields.Dict(keys=fields.String(), values=fields.Integer())
    chairs = fields.List(fields.Nested(ChairUtilisationOut))
    all_chairs = fields.List(fields.Nested(UtilisationCellOut))


class ReportOut(Schema):
    site = fields.Nested(ReportSiteOut)
    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    today = fields.Date(metadata={"description": "the site's day the report was made on"})
    generated_at = UTCDateTime()
    definitions = fields.Nested(DefinitionsOut)
    sessions = fields.Nested(SessionCountsOut)
    discharge_times = fields.Nested(DistributionOut)
    blood_pressure = fields.Nested(BloodPressureOut)
    sedation = fields.Nested(EffectOut)
    dissociation = fields.Nested(EffectOut)
    spo2 = fields.Nested(Spo2Out)
    courses = fields.Nested(CoursesOut)
    rems_forms = fields.Nested(FormsOut)
    chair_utilisation = fields.Nested(UtilisationOut)
