"""Frozen dataclasses to JSON-ready values and back, for results kept as they were (a signed
form's fields): dates and instants as ISO 8601, tuples as lists, nested dataclasses as dicts."""
import types
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Union, get_args, get_origin, get_type_hints


def to_plain(value):
    """A dataclass (or a value inside one) as JSON-ready values."""
    if is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_plain(item) for item in value]
    if isinstance(value, date):  # a datetime is a date
        return value.isoformat()
    return value


def from_plain(kind, value):
    """The value of type `kind` (a dataclass, tuple[X, ...], X | None, date, ...) that to_plain
    turned into `value`."""
    if value is None:
        return None
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, types.UnionType):
        return from_plain(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        return tuple(from_plain(args[0], item) for item in value)
    if is_dataclass(kind):
        hints = get_type_hints(kind)
        return kind(**{f.name: from_plain(hints[f.name], value.get(f.name)) for f in fields(kind)})
    if isinstance(value, str) and hasattr(kind, "fromisoformat"):
        return kind.fromisoformat(value)  # date, datetime (compared by name, not identity)
    return value
