"""Treatment days that end in a REMS Patient Monitoring Form (R4.3), driven through the API."""
from sqlmodel import select

from spravato_ops.models import Screening

from .treatment_support import Day, at, iso, observation, vitals

OVERRIDE = {"reason": "Monitored in person; readings charted on paper."}


def observe(day, minutes):
    """Observations (R3.2): sedation and dissociation at 30 minutes, resolved from 60."""
    course = {15: (4, "mild"), 30: (3, "moderate"), 45: (4, "mild")}
    for minute in minutes:
        day.at(minute)
        moaas, dissociation = course.get(minute, (5, "none"))
        day.ok(day.post("/observations", observation(minute, moaas, dissociation)))


def complete_day(day):
    """A full 56 mg session: pre-dose 128/80, 40-minute 134/84, pre-discharge 126/80 at 110,
    observations every 15 minutes, discharged by the nurse at 121, ready to leave at 95."""
    day.to_observing()
    observe(day, [15, 30])
    day.at(40)
    day.ok(day.post("/vitals", vitals(40, 134, 84, spo2=96)))
    observe(day, [45, 60, 75, 90, 105])
    day.at(110)
    day.ok(day.post("/vitals", vitals(110, 126, 80, timepoint="pre_discharge")))
    observe(day, [120])
    day.at(121)
    return day.ok(day.post("/discharge", {"clinically_stable": True,
                                          "ready_to_leave_at": iso(at(95))}))


def incomplete_day(day):
    """A session without a 40-minute or a pre-discharge BP: the prescriber discharges it over
    the unmet criteria (R3.4 soft stops)."""
    day.to_observing()
    observe(day, range(15, 121, 15))
    day.at(121)
    return day.ok(day.post("/discharge", {"clinically_stable": True,
                                          "ready_to_leave_at": iso(at(100)),
                                          "override": OVERRIDE}, headers=day.prescriber))


def take_medications(db, day, medications):
    """Record the session's patient as taking `medications` (R5.4 screening)."""
    screening = db.exec(select(Screening)
                        .where(Screening.patient_id == day.session.patient_id)).one()
    screening.concomitant_medications = list(medications)
    db.add(screening)
    db.commit()


def form(day, headers=None):
    return day.ok(day.get("/rems-form", headers=headers), 200)


def codes(body):
    return [problem["code"] for problem in body["problems"]]


__all__ = ["Day", "OVERRIDE", "codes", "complete_day", "form", "incomplete_day", "observe",
           "take_medications"]
