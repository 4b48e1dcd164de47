"""Site-local calendar days and course weeks from UTC instants (zoneinfo, DST-safe)."""
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from .label import DAYS_PER_WEEK


@lru_cache(maxsize=64)
def zone(tz_name: str) -> ZoneInfo:
    """Return the IANA zone (cached; raises ZoneInfoNotFoundError for unknown names)."""
    return ZoneInfo(tz_name)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware")


def local_date(instant: datetime, tz_name: str) -> date:
    """Return the site-local calendar day of an aware instant (R1.8 same day)."""
    _require_aware(instant)
    return instant.astimezone(zone(tz_name)).date()


def local_instant(day: date, clock: time, tz_name: str) -> datetime:
    """Return the UTC instant of a site-local date and wall-clock time (the same wall time on
    either side of a DST change). A time that a spring-forward skips maps past the gap."""
    return datetime.combine(day, clock, tzinfo=zone(tz_name)).astimezone(timezone.utc)


def local_day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """Return [start, end) of a site-local day in UTC; 23 or 25 hours on DST days.

    A midnight that does not exist (DST at 00:00) resolves to the first instant of the day.
    """
    tz = zone(tz_name)
    start = datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return start, end


def course_week(start_date: date, day: date) -> int:
    """Return the course week of a day (R1.1): week 1 = days 0-6; 0 before the start."""
    offset = (day - start_date).days
    if offset < 0:
        return 0
    return offset // DAYS_PER_WEEK + 1


def week_bounds(start_date: date, week: int) -> tuple[date, date]:
    """Return the first and last day (inclusive) of a course week (R1.1)."""
    if week < 1:
        raise ValueError("course weeks start at 1")
    first = start_date + timedelta(days=(week - 1) * DAYS_PER_WEEK)
    return first, first + timedelta(days=DAYS_PER_WEEK - 1)
