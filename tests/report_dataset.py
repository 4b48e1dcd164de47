"""A small clinic fortnight whose report figures are worked out by hand (see EXPECTED).

Site "Report Clinic", America/New_York, chairs A and B; the report runs Monday 2025-03-03 to
Sunday 2025-03-16 (DST starts on 9 March) and is read on Tuesday 2025-03-18 at 11:00 local.
Every dosed session gets its first device at 09:00 site-local; minutes below count from it.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlmodel import select

from spravato_ops.domain.state_machine import TERMINAL
from spravato_ops.models import (
    DeviceAdministration, Discharge, ObservationEntry, RemsForm, TreatmentSession, VitalsEntry,
)
from spravato_ops.services.report_facts import keep_facts

TZ = ZoneInfo("America/New_York")
FIRST_DAY, LAST_DAY = date(2025, 3, 3), date(2025, 3, 16)
NOW = datetime(2025, 3, 18, 15, 0, tzinfo=timezone.utc)  # 11:00 EDT


def local(day, hour=9, minute=0):
    return datetime.combine(day, datetime.min.time().replace(hour=hour, minute=minute),
                            tzinfo=TZ).astimezone(timezone.utc)


class Clinic:
    """Writes the sessions and their entries straight into the database."""

    def __init__(self, make):
        self.make, self.db = make, make.db
        self.site = make.site(name="Report Clinic", timezone="America/New_York")
        self.other_site = make.site(name="Elsewhere", timezone="America/New_York")
        self.chair_a = make.chair(self.site, label="Chair A")
        self.chair_b = make.chair(self.site, label="Chair B")
        self.nurse = make.user("nurse")

    def course(self, **fields):
        return self.make.course(prescriber=self.nurse, **fields)

    def session(self, course, day, chair, state="discharged", site=None):
        site = site or self.site
        chair = chair if site is self.site else self.make.chair(site)
        return self.make.session(course=course, chair=chair, site=site,
                                 scheduled_start=local(day, 8, 45), state=state)

    def _add(self, model, treatment_session, **fields):
        entry = model(session_id=treatment_session.id, recorded_by=self.nurse.id,
                      recorded_at=local(treatment_session.local_day, 12), **fields)
        self.db.add(entry)
        self.db.commit()
        return entry

    def amend(self, entry, treatment_session, **changes):
        """A correction of `entry`: the report must read it in place of the original."""
        kept = entry.model_dump(exclude={"id", "session_id", "recorded_by", "recorded_at",
                                         "amends_id", "amend_reason"})
        return self._add(type(entry), treatment_session, **{**kept, **changes},
                         amends_id=entry.id, amend_reason="typo")

    def devices(self, treatment_session, *minutes):
        return [self._add(DeviceAdministration, treatment_session, device_number=n,
                          administered_at=self.at(treatment_session, m), lot_number="LOT")
                for n, m in enumerate(minutes, start=1)]

    def vitals(self, treatment_session, minute, timepoint, bp, spo2=97):
        systolic, diastolic = bp
        return self._add(VitalsEntry, treatment_session, timepoint=timepoint, systolic=systolic,
                         diastolic=diastolic, heart_rate=72, spo2=spo2,
                         taken_at=self.at(treatment_session, minute))

    def observe(self, treatment_session, minute, moaas=5, dissociation="none", spo2=97):
        return self._add(ObservationEntry, treatment_session, moaas=moaas,
                         dissociation=dissociation, respiratory_depression=False, spo2=spo2,
                         observed_at=self.at(treatment_session, minute))

    def discharge(self, treatment_session, minute):
        at = self.at(treatment_session, minute)
        return self._add(Discharge, treatment_session, discharged_at=at, clinically_stable=True,
                         ready_to_leave_at=at)

    def form(self, treatment_session, submitted_at=None):
        form = RemsForm(session_id=treatment_session.id, site_id=treatment_session.site_id,
                        status="submitted" if submitted_at else "draft",
                        deadline=treatment_session.local_day + timedelta(days=7),
                        submitted_at=submitted_at, created_at=NOW, updated_at=NOW)
        self.db.add(form)
        self.db.commit()
        return form

    @staticmethod
    def at(treatment_session, minute):
        return local(treatment_session.local_day) + timedelta(minutes=minute)


def seed_fortnight(make):
    """The fortnight's sessions; returns the Clinic. Comments give what each adds to EXPECTED."""
    c = Clinic(make)
    # Course X: TRD induction from 3 March (P-CADENCE 4 days): 3, 5, 11 (a 6-day gap), 17 March.
    x = c.course(start_date=date(2025, 3, 3))
    # Course Y: TRD weekly continuation (week 9 on 3 March, 9 days): 24 Feb, 4 and 10 March.
    y = c.course(start_date=date(2025, 1, 6))
    # Course Z: MDSI from 6 March (4 days): withheld on 12, no-show on 14 March, nothing
    # counted: more than 4 days after its start by the 16th is a gap.
    z = c.course(start_date=date(2025, 3, 6), indication="MDSI", oral_antidepressant="sertraline")
    # Course W: TRD every 2 weeks (17 days): 27 Feb, cancelled 13 March, booked 15 March.
    w = c.course(start_date=date(2024, 11, 4), continuation_interval_weeks=2)

    # S1, Mon 3 March, chair A: discharged 125 min after the first device. The first device
    # was first stamped 08:50 and corrected to 09:00; the pre-dose BP 150/95 corrected to
    # 120/80, so the post-dose 165/100 is a rise (45/20) and above 160/100; the recheck
    # 150/90 is neither. Sedated (MOAA/S 3) and dissociated (mild) at 15 min; dissociation
    # gone at 30, MOAA/S back to 5 at 45. Form submitted 23:30 on its deadline day, 10 March
    # (already 11 March in UTC): on time.
    s1 = c.session(x, date(2025, 3, 3), c.chair_a)
    first, _ = c.devices(s1, -10, 5)
    c.amend(first, s1, administered_at=c.at(s1, 0))
    pre = c.vitals(s1, -5, "pre_dose", (150, 95))
    c.amend(pre, s1, systolic=120, diastolic=80)
    c.vitals(s1, 40, "post_dose", (165, 100))
    c.vitals(s1, 55, "recheck", (150, 90))
    c.observe(s1, 15, moaas=3, dissociation="mild")
    c.observe(s1, 30, moaas=4)
    c.observe(s1, 45)
    c.observe(s1, 60)
    c.discharge(s1, 125)
    c.form(s1, submitted_at=local(date(2025, 3, 10), 23, 30))

    # S2, Tue 4 March, chair A: 130 min. Pre 130/85, post 140/112: a diastolic rise of 27 and
    # above 160/100. MOAA/S 2 then 3 (severe, moderate dissociation) at 15 and 30 min; no
    # dissociation at 45; MOAA/S 5 at 75. SpO2 90 at 15 min. Form submitted 12 March: late.
    s2 = c.session(y, date(2025, 3, 4), c.chair_a)
    c.devices(s2, 0, 5)
    c.vitals(s2, -5, "pre_dose", (130, 85))
    c.vitals(s2, 40, "post_dose", (140, 112))
    c.observe(s2, 15, moaas=2, dissociation="severe", spo2=90)
    c.observe(s2, 30, moaas=3, dissociation="moderate")
    c.observe(s2, 45, moaas=4)
    c.observe(s2, 60, moaas=4)
    c.observe(s2, 75)
    c.discharge(s2, 130)
    c.form(s2, submitted_at=local(date(2025, 3, 12), 10))

    # S3, Wed 5 March, chair B: 140 min. Pre 118/76 (SpO2 91), post 150/95: neither. A form
    # not submitted, deadline 12 March: overdue.
    s3 = c.session(x, date(2025, 3, 5), c.chair_b)
    c.devices(s3, 0, 5, 10)
    c.vitals(s3, -5, "pre_dose", (118, 76), spo2=91)
    c.vitals(s3, 40, "post_dose", (150, 95))
    c.observe(s3, 15)
    c.discharge(s3, 140)
    c.form(s3)

    # S4, Mon 10 March (after DST), chair A: 150 min. Pre 150/90, post 161/95: above 160/100,
    # no rise. MOAA/S 3 at 20, 4 at 35, never back to 5: sedation unresolved. No form row.
    s4 = c.session(y, date(2025, 3, 10), c.chair_a)
    c.devices(s4, 0, 5)
    c.vitals(s4, -5, "pre_dose", (150, 90))
    c.vitals(s4, 40, "post_dose", (161, 95))
    c.observe(s4, 20, moaas=3)
    c.observe(s4, 35, moaas=4)
    c.discharge(s4, 150)

    # S5, Tue 11 March, chair B: 190 min. Pre 120/80, post 125/82. An observation of MOAA/S 2
    # corrected to 5: no sedation. A form not submitted, deadline 18 March (today): open.
    s5 = c.session(x, date(2025, 3, 11), c.chair_b)
    c.devices(s5, 0, 5)
    c.vitals(s5, -5, "pre_dose", (120, 80))
    c.vitals(s5, 40, "post_dose", (125, 82))
    c.amend(c.observe(s5, 15, moaas=2), s5, moaas=5)
    c.discharge(s5, 190)
    c.form(s5)

    c.session(z, date(2025, 3, 12), c.chair_a, state="withheld")  # S6
    c.session(w, date(2025, 3, 13), c.chair_b, state="cancelled")  # S7
    c.session(z, date(2025, 3, 14), c.chair_a, state="no_show")  # S8
    c.session(w, date(2025, 3, 15), c.chair_b, state="scheduled")  # S9

    # Outside the report: before and after the range, and at another site in it.
    c.session(y, date(2025, 2, 24), c.chair_a)
    c.session(w, date(2025, 2, 27), c.chair_b)
    after = c.session(x, date(2025, 3, 17), c.chair_a)
    c.devices(after, 0)
    c.discharge(after, 500)
    c.form(after)
    elsewhere = c.session(c.course(start_date=date(2025, 3, 1)), date(2025, 3, 4), None,
                          site=c.other_site)
    c.devices(elsewhere, 0)
    c.vitals(elsewhere, 40, "post_dose", (200, 120), spo2=80)
    c.observe(elsewhere, 15, moaas=1, dissociation="severe", spo2=80)
    c.discharge(elsewhere, 400)
    return c


def keep_facts_of_the_ended(db):
    """The report facts the services keep when a session ends: the fortnight is written
    straight into the tables, so it has none until these are written."""
    keep_facts(db, select(TreatmentSession.id).where(TreatmentSession.state.in_(TERMINAL)))
    db.commit()


def utilisation(booked):
    """A weekday row: {ISO weekday: booked minutes}, over two of each weekday of 600 minutes."""
    return [booked.get(day, 0) for day in range(1, 8)]


# Worked out by hand from the comments of seed_fortnight.
EXPECTED = {
    "sessions": {"total": 9, "held": 5, "withheld": 1, "cancelled": 1, "no_show": 1, "open": 1},
    # 125, 130, 140, 150, 190: the median is 140; p90 at rank 0.9 * 4 = 3.6: 150 + 0.6 * 40.
    "discharge_times": {"sessions": 5, "median_minutes": 140, "p90_minutes": 174},
    "blood_pressure": {"sessions_with_readings": 5, "sessions_with_rise": 2,
                       "sessions_above_alert": 3, "readings_with_rise": 2,
                       "readings_above_alert": 3, "dosed": 5},
    # S1 (45), S2 (75), S4 (unresolved): median of 45 and 75 is 60, p90 45 + 0.9 * 30.
    "sedation": {"sessions": 3, "dosed": 5, "incidence": 0.6, "resolved": 2, "unresolved": 1,
                 "median_minutes_to_resolution": 60, "p90_minutes_to_resolution": 72},
    # S1 (30), S2 (45): median 37.5, p90 30 + 0.9 * 15.
    "dissociation": {"sessions": 2, "dosed": 5, "incidence": 0.4, "resolved": 2,
                     "unresolved": 0, "median_minutes_to_resolution": 37.5,
                     "p90_minutes_to_resolution": 43.5},
    "spo2": {"sessions_below": 2, "readings_below": 2, "dosed": 5},
    # X (3 to 5 fine, 5 to 11 a gap), Y (fine), Z (no counted session), W (fine).
    "courses": {"seen": 4, "on_schedule": 2, "with_gaps": 2, "gaps": 2},
    "rems_forms": {"required": True, "sessions": 5, "on_time": 1, "late": 1, "open": 1,
                   "overdue": 1, "no_form": 1},
    # Held chairs: A Mon S1+S4, Tue S2, Wed S6 (withheld); B Tue S5, Wed S3, Sat S9 (booked).
    "booked": {"Chair A": utilisation({1: 300, 2: 150, 3: 150}),
               "Chair B": utilisation({2: 150, 3: 150, 6: 150})},
}
