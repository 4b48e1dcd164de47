"""Fields and small schemas shared by the resources."""
from datetime import timezone

from marshmallow import Schema, ValidationError, fields, missing, validate

from spravato_ops.clock import utcnow
from spravato_ops.db import MAX_ID


class UTCDateTime(fields.AwareDateTime):
    """RFC 3339 with an offset on input (naive refused), UTC with `Z` on output."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.astimezone(timezone.utc)


class StrictBoolean(fields.Boolean):
    """JSON true or false only: "no", "off", "true", 0 or 1 answer no yes/no question.

    marshmallow's own truthy and falsy sets take these; a set of {True} still takes 1 (1 == True).
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def years_after(day, years):
    """The date `years` whole years after `day` (before if negative); 29 February gives the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def years_from_today(years):
    """A DateWithin bound: today's date moved by whole `years` (0: today)."""
    return lambda today: years_after(today, years)


TODAY = years_from_today(0)


class DateWithin(validate.Validator):
    """A date between `earliest` and `latest`, each a date or a function of today's date.

    Today is read through the clock on every call, never at import, so the bounds move with it.
    `error` may name `{earliest}` and `{latest}`.
    """

    def __init__(self, earliest, latest, *, error):
        self.earliest, self.latest, self.error = earliest, latest, error

    def __call__(self, value):
        today = utcnow().date()
        low, high = (bound(today) if callable(bound) else bound
                     for bound in (self.earliest, self.latest))
        if not low <= value <= high:
            raise ValidationError(self.error.format(earliest=low, latest=high))
        return value


def enum_field(enum_cls, **kwargs):
    """A string field limited to an enum's values (the enums live in domain/)."""
    return fields.String(validate=validate.OneOf([member.value for member in enum_cls]), **kwargs)


def id_field(**kwargs):
    """A record id: a strict positive integer the database can hold (never a 500 on 10**30)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class Partial:
    """Mix into a PATCH schema: every field optional (marshmallow has no `Meta.partial`).

    A partial load fills in no defaults, so none is documented either.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.load_default = missing


def not_blank(value):
    if not value or not value.strip():
        raise ValidationError("Must not be blank.")


class OverrideSchema(Schema):
    reason = fields.String(required=True, validate=[not_blank, validate.Length(max=1000)])


class ViolationSchema(Schema):
    rule = fields.String()
    code = fields.String()
    message = fields.String()
    override_allowed = fields.Boolean()
    override_role = fields.String(allow_none=True)


class WarningSchema(Schema):
    rule = fields.String()
    code = fields.String()
    message = fields.String()


class ErrorSchema(Schema):
    """Every error under /api/ (errors.py `error_body`): all five keys, always."""

    code = fields.Integer(required=True, metadata={"description": "the HTTP status code"})
    status = fields.String(required=True, metadata={"description": "the status name"})
    message = fields.String(required=True)
    errors = fields.Dict(required=True, metadata={"description": "messages per field (422)"})
    violations = fields.List(fields.Nested(ViolationSchema), required=True,
                             metadata={"description": "the rules that refuse the request (409)"})


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=[not_blank, validate.Length(max=1000)])
