"""P-HOURS: a site's opening hours per weekday and its dated closures, and the booking rule
that a session's P-SLOT block lies inside one open span of an open day (site-local time)."""
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Mapping

from .calendar import zone
from .violations import Violation, hard_stop

RULE = "P-HOURS"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOCK_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]|24:00")
MAX_SPANS_PER_DAY = 4
MAX_CLOSURES = 400
MAX_REASON = 200


@dataclass(frozen=True)
class Closure:
    """A day the site is closed (a holiday, a training day), with the reason staff read."""

    day: date
    reason: str


@dataclass(frozen=True)
class OpeningHours:
    """P-HOURS. `weekly`: per weekday ("mon".."sun") its open spans ("HH:MM", "HH:MM"), a
    weekday left out being closed; None (the default) sets no hours. `closures`: dated
    closed days, whether or not hours are set."""

    weekly: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None = None
    closures: tuple[Closure, ...] = ()

    def spans(self, day: date) -> tuple[tuple[time, time], ...] | None:
        """The open spans of a day as times (24:00 as time.max), () when closed, None when
        no hours are set."""
        if self.weekly is None:
            return None
        spans = dict(self.weekly).get(WEEKDAYS[day.weekday()], ())
        return tuple((_clock(start), _clock(end)) for start, end in spans)

    def closure(self, day: date) -> Closure | None:
        return next((c for c in self.closures if c.day == day), None)

    def to_mapping(self) -> dict[str, Any]:
        return {"weekly": None if self.weekly is None
                else {name: [list(span) for span in spans] for name, spans in self.weekly},
                "closures": [{"date": c.day.isoformat(), "reason": c.reason}
                             for c in self.closures]}


def _clock(text: str) -> time:
    return time.max if text == "24:00" else time.fromisoformat(text)


def opening_hours_from(value: Any) -> OpeningHours:
    """Build OpeningHours from its JSON shape ({"weekly": {...} | null, "closures": [...]})."""
    if isinstance(value, OpeningHours):
        return value
    if not isinstance(value, Mapping) or not set(value) <= {"weekly", "closures"}:
        raise ValueError("opening_hours must be an object with weekly and closures")
    weekly = value.get("weekly")
    if weekly is not None:
        if not isinstance(weekly, Mapping) or not set(weekly) <= set(WEEKDAYS):
            raise ValueError(f"opening_hours.weekly keys must be among {list(WEEKDAYS)}")
        try:
            weekly = tuple((name, tuple(tuple(span) for span in weekly[name]))
                           for name in WEEKDAYS if name in weekly)
        except TypeError as exc:
            raise ValueError("opening_hours.weekly: each day is a list of [open, close]") from exc
    try:
        closures = tuple(Closure(_day(c["date"]), c["reason"])
                         for c in value.get("closures", ()))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("opening_hours.closures: each is {date: YYYY-MM-DD, reason}") from exc
    return OpeningHours(weekly, closures)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def opening_hours_errors(hours: OpeningHours) -> list[str]:
    """What is wrong with a site's P-HOURS (empty when valid)."""
    errors = []
    for name, spans in hours.weekly or ():
        if len(spans) > MAX_SPANS_PER_DAY:
            errors.append(f"{name}: at most {MAX_SPANS_PER_DAY} spans")
        previous_end = None
        for span in spans:
            if (len(span) != 2 or not all(isinstance(t, str) and CLOCK_TIME.fullmatch(t)
                                          for t in span)):
                errors.append(f"{name}: each span is [open, close] as HH:MM")
                break
            start, end = span
            if start >= end:
                errors.append(f"{name}: {start}-{end} must open before it closes")
            elif previous_end is not None and start < previous_end:
                errors.append(f"{name}: spans must be in order and not overlap")
            previous_end = end
    days = [c.day for c in hours.closures]
    if len(days) != len(set(days)):
        errors.append("closures: one entry per date")
    if len(days) > MAX_CLOSURES:
        errors.append(f"closures: at most {MAX_CLOSURES}")
    if any(not isinstance(c.reason, str) or not c.reason.strip() or len(c.reason) > MAX_REASON
           for c in hours.closures):
        errors.append(f"closures: each needs a reason of 1-{MAX_REASON} characters")
    return errors


def open_at(hours: OpeningHours, day: date, moment: time) -> bool:
    """Is the site open at a site-local time of a day (P-HOURS; no hours set: always)?"""
    if hours.closure(day) is not None:
        return False
    spans = hours.spans(day)
    return spans is None or any(start <= moment < end for start, end in spans)


def _hhmm(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def opening_violations(hours: OpeningHours, start: datetime, end: datetime,
                       tz_name: str) -> list[Violation]:
    """P-HOURS: refuse (hard stop) a session on a closed day, or whose block from `start` to
    `end` (UTC; its P-SLOT) is not inside one open span of its site-local day."""
    local_start = start.astimezone(zone(tz_name))
    local_end = end.astimezone(zone(tz_name))
    day = local_start.date()
    closed = hours.closure(day)
    if closed is not None:
        return [hard_stop(RULE, "site_closed",
                          f"The site is closed on {day.isoformat()} ({closed.reason}).")]
    spans = hours.spans(day)
    if spans is None:
        return []
    weekday = WEEKDAY_NAMES[day.weekday()]
    if not spans:
        return [hard_stop(RULE, "site_closed", f"The site is closed on {weekday}s.")]
    block = (local_start.time(), local_end.time() if local_end.date() == day else time.max)
    if local_end.date() > day and local_end.time() != time(0):
        block = (block[0], None)  # runs past midnight: fits no span
    if any(block[1] is not None and open_ <= block[0] and block[1] <= close
           for open_, close in spans):
        return []
    shown = ", ".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in spans)
    return [hard_stop(RULE, "outside_opening_hours",
                      f"The block {local_start:%H:%M}-{local_end:%H:%M} does not fit the "
                      f"opening hours of {weekday}: {shown}.")]
