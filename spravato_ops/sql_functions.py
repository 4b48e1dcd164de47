"""SQL expressions that PostgreSQL and SQLite spell differently, for queries that aggregate.

PostgreSQL has them natively. SQLite (development and tests) has no time zones, so it gets a
`spravato_local_date` function of its own on every connection (db.make_engine).
"""
from datetime import date, datetime, timezone

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from .domain.calendar import zone


class seconds_between(FunctionElement):
    """Whole seconds from the first instant to the second (rounded)."""

    type = Integer()
    inherit_cache = True


class days_between(FunctionElement):
    """Days from the first date to the second."""

    type = Integer()
    inherit_cache = True


class iso_weekday(FunctionElement):
    """The ISO weekday of a date: 1 = Monday ... 7 = Sunday."""

    type = Integer()
    inherit_cache = True


class local_date(FunctionElement):
    """The calendar date of an instant in an IANA time zone (a second argument)."""

    type = Date()
    inherit_cache = True


def _arguments(element, compiler, **kw):
    return [compiler.process(argument, **kw) for argument in element.clauses]


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    first, second = _arguments(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({second} - {first}))) AS INTEGER)"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    first, second = _arguments(element, compiler, **kw)
    return f"CAST(ROUND((julianday({second}) - julianday({first})) * 86400) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    first, second = _arguments(element, compiler, **kw)
    return f"(CAST({second} AS DATE) - CAST({first} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    first, second = _arguments(element, compiler, **kw)
    return f"CAST(ROUND(julianday({second}) - julianday({first})) AS INTEGER)"


@compiles(iso_weekday, "postgresql")
def _weekday_pg(element, compiler, **kw):
    (day,) = _arguments(element, compiler, **kw)
    return f"CAST(EXTRACT(ISODOW FROM {day}) AS INTEGER)"


@compiles(iso_weekday, "sqlite")
def _weekday_sqlite(element, compiler, **kw):
    (day,) = _arguments(element, compiler, **kw)
    return f"((CAST(strftime('%w', {day}) AS INTEGER) + 6) % 7 + 1)"


@compiles(local_date, "postgresql")
def _local_date_pg(element, compiler, **kw):
    instant, tz_name = _arguments(element, compiler, **kw)
    return f"CAST(timezone({tz_name}, {instant}) AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    instant, tz_name = _arguments(element, compiler, **kw)
    return f"spravato_local_date({instant}, {tz_name})"


def sqlite_local_date(stored, tz_name):
    """SQLite's spravato_local_date: a stored UTC instant's date in `tz_name`, as ISO text."""
    if stored is None or tz_name is None:
        return None
    instant = datetime.fromisoformat(stored).replace(tzinfo=timezone.utc)
    return date.isoformat(instant.astimezone(zone(tz_name)).date())


def add_sqlite_functions(dbapi_connection):
    """Give a new SQLite connection the functions the expressions above call."""
    dbapi_connection.create_function("spravato_local_date", 2, sqlite_local_date,
                                     deterministic=True)
