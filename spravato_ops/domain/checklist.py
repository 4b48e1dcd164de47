"""Pre-dose preparation checklist and ride home (R1.6, R3.5)."""
from datetime import datetime
from typing import Iterable, Protocol

from .violations import Violation, soft_stop


class ChecklistAnswers(Protocol):
    """A stored checklist as the R3.5 rule reads it."""

    id: int
    recorded_at: datetime
    transport_name: str | None
    transport_phone: str | None


def ride_home_recorded(transport_name: str | None, transport_phone: str | None) -> bool:
    """R3.5: a ride home is recorded when it names a driver and a phone."""
    return bool((transport_name or "").strip() and (transport_phone or "").strip())


def transport_confirmed(checklists: Iterable[ChecklistAnswers]) -> bool:
    """R3.5: the latest checklist (by recorded_at, then id) records a ride home."""
    latest = max(checklists, key=lambda c: (c.recorded_at, c.id), default=None)
    return latest is not None and ride_home_recorded(latest.transport_name,
                                                     latest.transport_phone)


def check_checklist(no_food_2h: bool | None, no_liquids_30m: bool | None,
                    nasal_medication_ok: bool | None, transport_name: str | None,
                    transport_phone: str | None) -> list[Violation]:
    """Return a soft stop for every failed or missing item (R1.6) and a missing ride home (R3.5)."""
    found = []
    if no_food_2h is not True:
        found.append(soft_stop("R1.6", "no_food_2h", "The patient has eaten within 2 hours."
                               if no_food_2h is False else "No-food-for-2-hours not confirmed."))
    if no_liquids_30m is not True:
        found.append(soft_stop("R1.6", "no_liquids_30m", "The patient drank within 30 minutes."
                               if no_liquids_30m is False
                               else "No-liquids-for-30-minutes not confirmed."))
    if nasal_medication_ok is not True:
        found.append(soft_stop("R1.6", "nasal_medication",
                               "A nasal corticosteroid or decongestant must be used at least "
                               "1 hour before dosing."))
    if not ride_home_recorded(transport_name, transport_phone):
        found.append(soft_stop("R3.5", "transport_missing",
                               "Record a ride home (name and phone): the patient must not drive "
                               "until the next day after restful sleep."))
    return found
