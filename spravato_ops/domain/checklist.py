"""Pre-dose preparation checklist and ride home (R1.6, R3.5)."""
from .violations import Violation, soft_stop


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
    if not (transport_name or "").strip() or not (transport_phone or "").strip():
        found.append(soft_stop("R3.5", "transport_missing",
                               "Record a ride home (name and phone): the patient must not drive "
                               "until the next day after restful sleep."))
    return found
