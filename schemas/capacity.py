"""A site's chair capacity per day and the courses that need booking."""
from marshmallow import Schema, fields

from .common import DateWithin, years_from_today
from .course import DueWindowOut

plausible_day = DateWithin(years_from_today(-5), years_from_today(5),
                           error="Must be within 5 years of today: between {earliest} and "
                                 "{latest}.")


def _hours(minutes):
    return round(minutes / 60, 2)


class CapacityQuery(Schema):
    from_ = fields.Date(data_key="from", validate=plausible_day,
                        metadata={"description": "first site-local day; default today"})
    to = fields.Date(validate=plausible_day, metadata={
        "description": "last site-local day (inclusive); default 4 weeks from `from`; at most "
                       "62 days in all"})


class CapacityDayOut(Schema):
    date = fields.Date(attribute="day")
    open_chair_hours = fields.Function(lambda day: _hours(day.open_minutes), metadata={
        "description": "active chairs x the opening hours (P-HOURS; none set: 08:00-18:00)"})
    booked_chair_hours = fields.Function(lambda day: _hours(day.booked_minutes), metadata={
        "description": "sessions booked, not cancelled or no-show, P-SLOT each"})
    expected_chair_hours = fields.Function(lambda day: _hours(day.expected_minutes), metadata={
        "description": "sessions the active courses will need and have not booked, each on the "
                       "first open day of its due window from today on, P-SLOT each"})
    booked_sessions = fields.Integer()
    expected_sessions = fields.Integer()
    over_capacity = fields.Boolean(metadata={"description": "booked + expected > open"})
    closure = fields.String(allow_none=True, metadata={"description": "a dated closure's reason"})


class CapacityOut(Schema):
    site_id = fields.Integer()
    timezone = fields.String()
    today = fields.Date(metadata={"description": "the site-local date of the forecast"})
    from_ = fields.Date(data_key="from", attribute="first_day")
    to = fields.Date(attribute="last_day")
    chairs = fields.Integer(metadata={"description": "active chairs"})
    slot_minutes = fields.Integer(metadata={"description": "P-SLOT"})
    opening_hours_set = fields.Boolean(metadata={
        "description": "false: the site sets no P-HOURS and 08:00-18:00 is assumed"})
    days = fields.List(fields.Nested(CapacityDayOut))


class BookingPatientOut(Schema):
    id = fields.Integer()
    first_name = fields.String()
    last_name = fields.String()
    mrn = fields.String()
    date_of_birth = fields.Date()


class NeedsBookingCourseOut(Schema):
    course_id = fields.Integer()
    indication = fields.String()
    course_start_date = fields.Date()
    phase = fields.String(metadata={"description": "the phase of the due window's first day"})
    due = fields.Nested(DueWindowOut, metadata={"description": "the next due window (R1.7)"})
    late = fields.Boolean(metadata={"description": "the window's latest day has passed"})
    last_session_day = fields.Date(allow_none=True)
    patient = fields.Nested(BookingPatientOut)


class NeedsBookingOut(Schema):
    site_id = fields.Integer()
    today = fields.Date()
    courses = fields.List(fields.Nested(NeedsBookingCourseOut))
