"""Small constructors for domain test values."""
from datetime import date, datetime, timedelta, timezone

from spravato_ops.domain import (
    BloodPressure, BookedSession, CourseFacts, DeviceDose, Dissociation, ObservationEntry,
    SessionRecord, SessionState, VitalsReading, VitalsTimepoint,
)

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)  # first device of the standard session
START = date(2026, 1, 5)  # a Monday


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def at(offset_minutes: float) -> datetime:
    return T0 + minutes(offset_minutes)


def vitals(offset: float, systolic=120, diastolic=80, timepoint=VitalsTimepoint.POST_DOSE,
           spo2=98, heart_rate=70) -> VitalsReading:
    bp = BloodPressure(systolic, diastolic)
    return VitalsReading(timepoint, bp, heart_rate, spo2, at(offset))


def obs(offset: float, moaas=5, dissociation=Dissociation.NONE, cadss=None, resp=False, spo2=98,
        symptoms=()) -> ObservationEntry:
    return ObservationEntry(at(offset), moaas, dissociation, cadss, resp, spo2, tuple(symptoms))


def devices(*offsets: float) -> tuple[DeviceDose, ...]:
    return tuple(DeviceDose(i + 1, at(o)) for i, o in enumerate(offsets))


def good_record(**changes) -> SessionRecord:
    """A 56 mg session going well: pre-dose 130/80, BP at 40 min, observations every 15 min."""
    fields = dict(
        planned_dose_mg=56,
        vitals=(vitals(-10, 130, 80, VitalsTimepoint.PRE_DOSE), vitals(40, 135, 82),
                vitals(115, 128, 80, VitalsTimepoint.PRE_DISCHARGE)),
        devices=devices(0, 5),
        observations=tuple(obs(m) for m in range(15, 121, 15)),
        transport_confirmed=True,
    )
    fields.update(changes)
    return SessionRecord(**fields)


def trd(start=START, interval=1) -> CourseFacts:
    return CourseFacts("TRD", start, interval, None)


def mdsi(start=START, oral="sertraline") -> CourseFacts:
    return CourseFacts("MDSI", start, 1, oral)


def booked(day: date, dose=56, state=SessionState.DISCHARGED, session_id=None) -> BookedSession:
    return BookedSession(session_id, day, dose, state)


def day_of(week: int, weekday: int = 0, start=START) -> date:
    """Day `weekday` (0-6) of course week `week`."""
    return start + timedelta(days=(week - 1) * 7 + weekday)


def codes(violations) -> list[str]:
    return [v.code for v in violations]
