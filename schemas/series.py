"""Series booking: the preview's request and proposals, the chosen sessions and what was booked."""
from datetime import time

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from spravato_ops.domain.label import ALLOWED_DOSES
from spravato_ops.domain.opening_hours import CLOCK_TIME, WEEKDAYS
from spravato_ops.domain.series import MAX_SEARCH_MINUTES, MAX_SERIES_SESSIONS, MAX_SERIES_WEEKS

from .common import OverrideSchema, StrictBoolean, UTCDateTime, ViolationSchema, WarningSchema
from .common import id_field
from .session import SessionOut

DEFAULT_WINDOW_MINUTES = 60


class Weekday(fields.String):
    """"mon".."sun" in JSON, 0 (Monday) to 6 once loaded."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if text not in WEEKDAYS:
            raise ValidationError(f"Must be one of: {', '.join(WEEKDAYS)}.")
        return WEEKDAYS.index(text)


class ClockTime(fields.String):
    """A site-local wall-clock time "HH:MM" (00:00-23:59)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not CLOCK_TIME.fullmatch(text) or text == "24:00":
            raise ValidationError("Must be a time HH:MM, 00:00 to 23:59.")
        return time.fromisoformat(text)


def _distinct(values):
    if len(set(values)) != len(values):
        raise ValidationError("Name each weekday once.")


class SpanIn(Schema):
    """How far the series runs: the rest of the current phase, or a number of weeks."""

    rest_of_phase = StrictBoolean(metadata={"description": "to the end of the current phase "
                                            f"(at most {MAX_SERIES_WEEKS} weeks)"})
    weeks = fields.Integer(strict=True, validate=validate.Range(1, MAX_SERIES_WEEKS))

    @validates_schema
    def one_span(self, data, **kwargs):
        if (data.get("rest_of_phase") is True) == ("weeks" in data):
            raise ValidationError('Give either {"rest_of_phase": true} or {"weeks": N}.')


class SeriesPreviewIn(Schema):
    site_id = id_field(required=True)
    chair_id = id_field(required=True, metadata={"description": "the preferred chair"})
    weekdays = fields.List(Weekday(), required=True,
                           validate=[validate.Length(min=1, max=7), _distinct],
                           metadata={"description": 'e.g. ["mon", "thu"]'})
    start_time = ClockTime(required=True, metadata={"description": "site-local HH:MM"})
    span = fields.Nested(SpanIn, required=True)
    dose_mg = fields.Integer(strict=True, allow_none=True, load_default=None,
                             validate=validate.OneOf(ALLOWED_DOSES), metadata={
                                 "description": "none: per R1.2, 56 mg first, then the last "
                                                "dose (MDSI: 84 mg first, R1.3)"})
    window_minutes = fields.Integer(
        strict=True, load_default=DEFAULT_WINDOW_MINUTES,
        validate=validate.Range(0, MAX_SEARCH_MINUTES),
        metadata={"description": "how far a start may move, earlier or later, to find a free "
                                 "chair inside the opening hours"})


class ProposalOut(Schema):
    date = fields.Date(metadata={"description": "site-local day"})
    week = fields.Integer(metadata={"description": "course week"})
    phase = fields.String()
    scheduled_start = UTCDateTime()
    scheduled_end = UTCDateTime()
    local_time = fields.String(metadata={"description": "site-local HH:MM of the start"})
    requested_time = fields.String()
    moved = fields.Boolean(metadata={"description": "the start differs from the time asked"})
    placed = fields.Boolean(metadata={
        "description": "false: no chair was free inside the hours within the window"})
    chair_id = fields.Integer()
    chair_label = fields.String()
    planned_dose_mg = fields.Integer()
    bookable = fields.Boolean(metadata={"description": "no rule stops it"})
    violations = fields.List(fields.Nested(ViolationSchema))
    warnings = fields.List(fields.Nested(WarningSchema))


class SkippedOut(Schema):
    date = fields.Date()
    rule = fields.String()
    reason = fields.String()


class SeriesPreviewOut(Schema):
    course_id = fields.Integer()
    site_id = fields.Integer()
    timezone = fields.String()
    first_day = fields.Date()
    last_day = fields.Date()
    proposals = fields.List(fields.Nested(ProposalOut))
    skipped = fields.List(fields.Nested(SkippedOut), metadata={
        "description": "weekdays of the span with no proposal, and the rule why"})


class SeriesSessionIn(Schema):
    scheduled_start = UTCDateTime(required=True)
    chair_id = id_field(required=True)
    planned_dose_mg = fields.Integer(required=True, strict=True)


class SeriesIn(Schema):
    site_id = id_field(required=True)
    sessions = fields.List(fields.Nested(SeriesSessionIn), required=True,
                           validate=validate.Length(min=1, max=MAX_SERIES_SESSIONS))
    override = fields.Nested(OverrideSchema, metadata={
        "description": "prescriber only: the soft stops of every session"})


class SeriesOut(Schema):
    course_id = fields.Integer()
    sessions = fields.List(fields.Nested(SessionOut))
