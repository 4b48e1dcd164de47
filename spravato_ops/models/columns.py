"""What a column says beyond its type: whether the service sets it, whether the rules read it.

The request schemas (schemas/tables.py) take the columns a person enters, the
services copy those columns from the request, and the read layer
(services/records.py) fetches the columns the rules read: all of them ask the
table, so a column is described once, where it is declared.
"""
from sqlmodel import Field

# Column.info flags.
SET_BY_SERVICE = "set_by_service"  # ids, who and when, a device's number: never in a request
READ_BY_RULES = "read_by_rules"  # fetched by the read-only entries query for the domain rules


def flagged(*flags):
    """Column keyword arguments (`info`) that carry `flags`; for Column(...) or sa_column_kwargs."""
    return {"info": dict.fromkeys(flags, True)}


def tagged(*flags, **field_kwargs):
    """A SQLModel Field whose column carries `flags`, e.g. tagged(SET_BY_SERVICE, default=None)."""
    return Field(sa_column_kwargs=flagged(*flags), **field_kwargs)


def entered_columns(model):
    """The names of the columns of `model` that a person enters, in table order."""
    return tuple(c.name for c in model.__table__.columns if not c.info.get(SET_BY_SERVICE))


def rule_columns(model):
    """The names of the columns of `model` that the domain rules read, in table order."""
    return tuple(c.name for c in model.__table__.columns if c.info.get(READ_BY_RULES))
