"""Patient reminder times (P-REMINDERS, P-QUIET), retry backoff, and what a reminder never says.

Reminders go to shared phones and inboxes: their text names no drug, diagnosis or anything
clinical, and they are not sent in the site's quiet hours.
"""
import re
from datetime import datetime, timedelta, timezone

from .calendar import local_instant, zone
from .policy import QuietHours, SitePolicy

HOURS_PER_DAY = 24

# Words that would tell whoever reads a shared phone or inbox what the appointment is for.
PRIVATE_TERMS = re.compile(
    r"\b(spravato|esketamine|ketamine|rems|depress\w*|antidepress\w*|suicid\w*|mdsi|trd|mdd"
    r"|psychiatr\w*|dissociat\w*|sedat\w*|dos(?:e|es|ed|ing)|\d*\s*mg|milligrams?)\b",
    re.IGNORECASE,
)


def offset_instant(start: datetime, offset_hours: int, tz_name: str) -> datetime:
    """The instant `offset_hours` (P-REMINDERS) before `start`.

    Whole days count on the site's calendar, so "24 h" is the same local time the day
    before even across a DST change; the remaining hours are elapsed time. A local time
    that a spring-forward skips maps to the instant after the gap.
    """
    days, hours = divmod(offset_hours, HOURS_PER_DAY)
    if days:
        tz = zone(tz_name)
        wall = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=days)
        start = wall.replace(tzinfo=tz)
    return start.astimezone(timezone.utc) - timedelta(hours=hours)


def quiet_window(instant: datetime, quiet: QuietHours,
                 tz_name: str) -> tuple[datetime, datetime] | None:
    """The quiet window (start, end) that holds `instant` strictly inside, else None (P-QUIET).

    A window whose end is not after its start runs across midnight.
    """
    if quiet.start == quiet.end:
        return None
    overnight = quiet.end_time <= quiet.start_time
    today = instant.astimezone(zone(tz_name)).date()
    for first_day in (today - timedelta(days=1), today):
        begin = local_instant(first_day, quiet.start_time, tz_name)
        end_day = first_day + timedelta(days=1) if overnight else first_day
        end = local_instant(end_day, quiet.end_time, tz_name)
        if begin < instant < end:
            return begin, end
    return None


def send_time(planned: datetime, appointment: datetime, now: datetime, policy: SitePolicy,
              tz_name: str) -> datetime | None:
    """When a reminder planned for `planned` goes (P-QUIET).

    Outside quiet hours: as planned. Inside them: at the end of the window if that is still
    before the appointment, else at its start. None when that time has already passed or
    is not before the appointment: such a reminder is not sent at all.
    """
    window = quiet_window(planned, policy.quiet_hours, tz_name)
    if window is not None:
        begin, end = window
        planned = end if end < appointment else begin
    if planned < now or planned >= appointment:
        return None
    return planned


def outside_quiet_hours(instant: datetime, policy: SitePolicy, tz_name: str) -> datetime:
    """`instant`, or the end of the P-QUIET window holding it: when a message that has no
    appointment (a booking nudge) may go."""
    window = quiet_window(instant, policy.quiet_hours, tz_name)
    return window[1] if window is not None else instant


def planned_reminders(appointment: datetime, policy: SitePolicy, tz_name: str,
                      now: datetime) -> tuple[tuple[int, datetime], ...]:
    """(offset hours, send time) of each P-REMINDERS reminder still to come, earliest first.

    Two offsets that P-QUIET moves to the same instant make one reminder (the larger offset).
    """
    found: dict[datetime, int] = {}
    for hours in sorted(policy.reminder_offsets_hours, reverse=True):
        at = send_time(offset_instant(appointment, hours, tz_name), appointment, now, policy,
                       tz_name)
        if at is not None and at not in found:
            found[at] = hours
    return tuple((hours, at) for at, hours in sorted(found.items()))


def retry_delay(attempts: int, base_seconds: int, cap_seconds: int) -> timedelta:
    """Exponential backoff after the `attempts`-th failed attempt: base, 2x base, 4x ... cap."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def private_terms(text: str) -> list[str]:
    """The words of `text` that a patient reminder must never contain (sorted, lower case)."""
    return sorted({match.group(0).lower() for match in PRIVATE_TERMS.finditer(text)})
