"""Users and tokens."""
from marshmallow import Schema, fields, validate

from spravato_ops.domain.enums import Role

from .common import StrictBoolean, UTCDateTime, enum_field, id_field, not_blank


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
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200),
                             metadata={"description": "at least 12 characters, not a common or "
                                                      "breached password, not guessable from "
                                                      "the name or email"})
    site_ids = fields.List(id_field(), load_default=list, validate=validate.Length(max=100))


class UserPatch(Schema):
    """What an admin may change of a user; `active: false` stops their tokens at once."""

    name = fields.String(validate=[not_blank, validate.Length(max=200)])
    role = enum_field(Role)
    active = StrictBoolean()
    password = fields.String(load_only=True, validate=validate.Length(max=200), metadata={
        "description": "a new password for someone who forgot theirs (the policy of POST "
                       "/users); every token and browser session of theirs ends"})
    site_ids = fields.List(id_field(), validate=validate.Length(max=100), metadata={
        "description": "the sites they work at, replacing the ones they had (empty: every "
                       "site, as for POST /users); in effect on their next request"})


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, load_only=True,
                                     validate=validate.Length(max=200))
    new_password = fields.String(required=True, load_only=True,
                                 validate=validate.Length(max=200), metadata={
                                     "description": "the policy of new accounts (POST /users)"})


class PasswordChangedOut(Schema):
    other_tokens_ended = fields.Integer(metadata={
        "description": "the user's other live tokens and browser sessions, ended at once"})


class RevokedOut(Schema):
    revoked = fields.Integer(metadata={"description": "live tokens revoked"})


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    site_ids = fields.List(fields.Integer())
    created_at = UTCDateTime()
