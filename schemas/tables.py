"""Request and response schemas derived from the SQLModel tables, so no column is typed twice.

A request schema has a field for every column a person enters (models/columns.py) with the
table's type, nullability, default and length; a schema declares only what the table cannot
say: a range, an enum, an answer required where storage allows none. A response schema has a
field for every column, types only. Set `Meta.model` in a subclass's
`class Meta(RequestSchema.Meta)`.
"""
from datetime import datetime

from marshmallow import Schema, fields, validate
from marshmallow_sqlalchemy import ModelConverter, SQLAlchemyAutoSchema, auto_field
from sqlalchemy import String

from spravato_ops.models.columns import entered_columns

from .common import StrictBoolean, UTCDateTime, not_blank


class StrictInteger(fields.Integer):
    """A JSON integer only: "12" and 1.5 are refused."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


def _holds_text(column):
    # SQLModel's str columns are AutoString, a TypeDecorator over String.
    return isinstance(getattr(column.type, "impl", column.type), String)


class RequestConverter(ModelConverter):
    """Fields for the columns a person enters: a required text must not be blank, and a column's
    default is the field's (a PATCH, loaded partial, takes no defaults)."""

    def fields_for_model(self, model, **kwargs):
        found = super().fields_for_model(model, **kwargs)
        entered = entered_columns(model)
        return {name: field for name, field in found.items() if name in entered}

    def _add_column_kwargs(self, kwargs, column):
        super()._add_column_kwargs(kwargs, column)
        if kwargs["required"] and _holds_text(column):
            kwargs["validate"].insert(0, not_blank)
        if column.default is not None and column.default.is_scalar:
            kwargs["load_default"] = column.default.arg


class ResponseConverter(ModelConverter):
    """Fields for every column, to dump: a type and whether it may be null, nothing to check."""

    def _add_column_kwargs(self, kwargs, column):
        super()._add_column_kwargs(kwargs, column)
        kwargs.update(required=False, validate=[])


class _TableSchema(SQLAlchemyAutoSchema):
    """A column's field is strict: a JSON boolean, a JSON integer, a timestamp with an offset."""

    TYPE_MAPPING = {**Schema.TYPE_MAPPING, bool: StrictBoolean, int: StrictInteger,
                    datetime: UTCDateTime}

    class Meta:
        load_instance = False
        include_fk = True

    # These schemas load plain dicts (load_instance is off): marshmallow's own load, without
    # marshmallow-sqlalchemy's wrapper, which reads the installed marshmallow's version from
    # its package metadata on every call (a file parsed per request).
    def load(self, data, **kwargs):
        return Schema.load(self, data, **kwargs)

    def validate(self, data, **kwargs):
        return Schema.validate(self, data, **kwargs)


class RequestSchema(_TableSchema):
    class Meta(_TableSchema.Meta):
        model_converter = RequestConverter


class ResponseSchema(_TableSchema):
    class Meta(_TableSchema.Meta):
        model_converter = ResponseConverter


def column_within(low, high, **kwargs):
    """The table's integer column, between `low` and `high` inclusive."""
    return auto_field(validate=validate.Range(min=low, max=high), **kwargs)


def column_of(enum_cls, **kwargs):
    """The table's text column, limited to an enum's values (the enums live in domain/)."""
    return auto_field(validate=validate.OneOf([member.value for member in enum_cls]), **kwargs)
