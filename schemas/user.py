"""Users and tokens."""
from marshmallow import Schema, fields, validate

from spravato_ops.domain.enums import Role

from .common import UTCDateTime, enum_field, id_field, not_blank


class TokenIn(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class TokenOut(Schema):
    token = fields.String()
    expires_at = UTCDateTime()


class UserIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=[not_blank, validate.Length(max=200)])
    role = enum_field(Role, required=True)
    password = fields.String(required=True, load_only=True,
                             validate=validate.Length(min=10, max=200))
    site_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=100))


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    site_ids = fields.List(fields.Integer())
    created_at = UTCDateTime()
