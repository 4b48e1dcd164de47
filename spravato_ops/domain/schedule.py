"""Chair slot and patient reminder times of a booked session (P-SLOT, P-REMINDERS)."""
from datetime import datetime, timedelta

from .policy import MINUTE_RANGES, SitePolicy

# No chair block is longer than the largest P-SLOT a site may set.
LONGEST_SLOT = timedelta(minutes=MINUTE_RANGES["slot_minutes"][1])


def slot_end(scheduled_start: datetime, policy: SitePolicy) -> datetime:
    """End of the chair block reserved for a session (P-SLOT; fits the 120 min of R3.1)."""
    return scheduled_start + policy.slot


def reminder_times(scheduled_start: datetime, policy: SitePolicy) -> tuple[datetime, ...]:
    """Instants to send patient reminders (P-REMINDERS), earliest first."""
    return tuple(sorted(scheduled_start - timedelta(hours=h)
                        for h in policy.reminder_offsets_hours))
