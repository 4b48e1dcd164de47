"""Every staff alert of the sweeps raised once while its condition holds, and resolved when it
clears, with the clock moved by freezegun (R1.1, R1.3, R1.7, R2.2, R2.3, R3.2, R3.4, R4.3)."""
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from sqlmodel import select

from scheduler import course_alerts, rems_form_alerts, treatment_day_alerts
from spravato_ops.models import (
    ChecklistEntry, DeviceAdministration, Discharge, ObservationEntry, RemsForm, VitalsEntry,
)

from .conftest import alerts, settings

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)  # first device, 09:00 in New York


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def clock():
    with freeze_time(T0 - timedelta(hours=1)) as frozen:
        yield frozen


class Day:
    """One session in the chair, its entries written as a nurse's tablet would."""

    def __init__(self, db, make, state="observing"):
        self.db, self.make = db, make
        self.site = make.site()
        self.session = make.session(site=self.site, scheduled_start=at(-10), state=state)
        self.nurse = make.user("nurse")

    def add(self, entry, when):
        entry.session_id, entry.recorded_by, entry.recorded_at = (self.session.id,
                                                                  self.nurse.id, when)
        self.db.add(entry)
        self.db.commit()

    def devices(self, count=2):
        for number in range(count):
            self.add(DeviceAdministration(device_number=number + 1, administered_at=at(5 * number),
                                          lot_number="LOT-1"), at(5 * number))

    def vitals(self, minutes, systolic=128, diastolic=80, timepoint="post_dose"):
        self.add(VitalsEntry(timepoint=timepoint, systolic=systolic, diastolic=diastolic,
                             heart_rate=70, spo2=98, taken_at=at(minutes)), at(minutes))

    def observe(self, *minutes):
        for minute in minutes:
            self.add(ObservationEntry(observed_at=at(minute), moaas=5, dissociation="none",
                                      respiratory_depression=False, spo2=98), at(minute))

    def state(self, state, **fields):
        self.session.state = state
        for name, value in fields.items():
            setattr(self.session, name, value)
        self.db.add(self.session)
        self.db.commit()


def sweep(context, job):
    return job.run(context(settings()))


def open_kinds(db):
    return sorted(a.kind for a in alerts(db) if a.resolved_at is None)


def test_waiting_without_check_in_alerts_after_15_minutes_then_resolves(db, make, context,
                                                                        clock):
    day = Day(db, make, state="arrived")
    day.state("arrived", arrived_at=at(-30))
    clock.move_to(at(-20))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == []
    clock.move_to(at(-14))
    report = sweep(context, treatment_day_alerts)
    assert (report.raised, report.resolved) == (1, 0)
    [alert] = alerts(db)
    assert (alert.kind, alert.role, alert.site_id, alert.session_id) == (
        "waiting_for_check_in", "nurse", day.site.id, day.session.id)
    assert "16 min ago" in alert.message
    assert sweep(context, treatment_day_alerts).raised == 0  # once per condition
    day.state("checked_in")
    assert sweep(context, treatment_day_alerts).resolved == 1
    assert open_kinds(db) == []


def test_r2_2_post_dose_bp_due_then_overdue_then_resolved(db, make, context, clock):
    day = Day(db, make)
    day.devices()
    day.vitals(-5, timepoint="pre_dose")
    day.observe(15, 30, 45)
    clock.move_to(at(41))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == ["post_dose_bp_due"]
    clock.move_to(at(50))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == ["post_dose_bp_overdue"]
    [overdue] = alerts(db, "post_dose_bp_overdue")
    assert overdue.rule == "R2.2" and "due by 09:50" in overdue.message
    day.vitals(51)
    clock.move_to(at(52))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == []
    assert all(a.resolved_at is not None for a in alerts(db))


def test_r2_3_bp_recheck_due_until_a_reading_declines(db, make, context, clock):
    day = Day(db, make)
    day.devices()
    day.vitals(-5, timepoint="pre_dose")
    day.vitals(40, systolic=170, diastolic=104)
    day.observe(15, 30, 45)
    clock.move_to(at(56))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == ["bp_recheck_due"]
    assert alerts(db, "bp_recheck_due")[0].rule == "R2.3"
    day.vitals(57, systolic=132, diastolic=84, timepoint="recheck")
    clock.move_to(at(58))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == []


def test_r3_2_observation_overdue_resolves_and_a_later_one_is_a_new_alert(db, make, context,
                                                                          clock):
    day = Day(db, make)
    day.devices()
    clock.move_to(at(21))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == ["observation_overdue"]
    day.observe(22)
    clock.move_to(at(23))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == []
    clock.move_to(at(43))
    sweep(context, treatment_day_alerts)
    assert [a.resolved_at is None for a in alerts(db, "observation_overdue")] == [False, True]


def test_r3_4_eligible_for_discharge_then_resolved_at_discharge(db, make, context, clock):
    day = Day(db, make)
    day.add(ChecklistEntry(no_food_2h=True, no_liquids_30m=True, nasal_medication_ok=True,
                           transport_name="Sam", transport_phone="555-0199"), at(-20))
    day.vitals(-5, timepoint="pre_dose")
    day.devices()
    day.vitals(40)
    day.observe(15, 30, 45, 60, 75, 90, 105, 119)
    day.vitals(115, timepoint="pre_discharge")
    clock.move_to(at(110))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == []
    clock.move_to(at(121))
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == ["discharge_eligible"]
    assert alerts(db)[0].rule == "R3.4"
    day.add(Discharge(discharged_at=at(122), clinically_stable=True,
                      ready_to_leave_at=at(100)), at(122))
    day.state("discharged")
    sweep(context, treatment_day_alerts)
    assert open_kinds(db) == []


def course_day(db, make, indication="TRD", start=date(2026, 3, 2), **fields):
    course = make.course(start_date=start, indication=indication,
                         oral_antidepressant="sertraline" if indication == "MDSI" else None)
    site = make.site()

    def session(day, state="scheduled"):
        start_at = datetime.combine(day, datetime.min.time(), tzinfo=timezone.utc)
        return make.session(course=course, site=site, state=state,
                            scheduled_start=start_at + timedelta(hours=15))

    return course, site, session


def test_r1_7_no_session_within_p_cadence_alerts_the_scheduler(db, make, context):
    course, site, session = course_day(db, make)
    session(date(2026, 3, 2), state="discharged")
    with freeze_time("2026-03-06 18:00:00") as clock:  # 4 days: within induction's P-CADENCE
        sweep(context, course_alerts)
        assert open_kinds(db) == []
        clock.move_to("2026-03-07 18:00:00")
        sweep(context, course_alerts)
        [gap] = alerts(db)
        assert (gap.kind, gap.rule, gap.role, gap.site_id) == ("cadence_gap", "R1.7",
                                                               "scheduler", site.id)
        assert "2026-03-02" in gap.message and "allows 4 days" in gap.message
        session(date(2026, 3, 7))
        sweep(context, course_alerts)
        assert open_kinds(db) == []


def test_r1_7_a_no_show_alerts_until_a_later_session_is_booked(db, make, context):
    course, site, session = course_day(db, make)
    session(date(2026, 3, 2), state="discharged")
    missed = session(date(2026, 3, 4), state="no_show")
    with freeze_time("2026-03-04 22:00:00"):
        sweep(context, course_alerts)
        [alert] = alerts(db, "missed_session")
        assert (alert.session_id, alert.rule, alert.role) == (missed.id, "R1.7", "scheduler")
        session(date(2026, 3, 5))
        sweep(context, course_alerts)
        assert open_kinds(db) == []


@pytest.mark.parametrize(("indication", "kind", "rule"), [
    ("TRD", "induction_ending", "R1.1"), ("MDSI", "mdsi_course_ending", "R1.3")])
def test_end_of_induction_and_of_mdsi_weeks_alert_the_prescriber(db, make, context, indication,
                                                                 kind, rule):
    course, site, session = course_day(db, make, indication=indication, start=date(2026, 2, 2))
    session(date(2026, 2, 23), state="discharged")
    session(date(2026, 2, 26))
    with freeze_time("2026-02-20 18:00:00") as clock:
        sweep(context, course_alerts)
        assert alerts(db, kind) == []
        clock.move_to("2026-02-24 18:00:00")
        sweep(context, course_alerts)
        [alert] = alerts(db, kind)
        assert (alert.rule, alert.role) == (rule, "prescriber")
        assert "2026-03-01" in alert.message
        clock.move_to("2026-03-02 18:00:00")
        sweep(context, course_alerts)
        assert alerts(db, kind)[0].resolved_at is not None


def test_course_alerts_go_to_the_latest_sessions_site_and_count_only_sessions_that_count(
        db, make, context):
    """R1.7 and no-shows read the counted sessions only (R1.1); the alert goes to the site of
    the latest session whatever its state; courses not active, or without a session, none."""
    gap, first_site, session = course_day(db, make)
    session(date(2026, 3, 2), state="discharged")
    elsewhere = make.site()
    make.session(course=gap, site=elsewhere, state="cancelled",
                 scheduled_start=datetime(2026, 3, 9, 15, tzinfo=timezone.utc))
    missed, _, booked = course_day(db, make, start=date(2026, 3, 3))
    booked(date(2026, 3, 3), state="discharged")
    no_show = booked(date(2026, 3, 5), state="no_show")
    booked(date(2026, 3, 6), state="withheld")
    booked(date(2026, 3, 9), state="cancelled")
    ended = make.course(start_date=date(2026, 3, 2), status="completed")
    make.session(course=ended, site=first_site, state="discharged",
                 scheduled_start=datetime(2026, 3, 2, 15, tzinfo=timezone.utc))
    make.course(start_date=date(2026, 3, 2))  # no session yet
    with freeze_time("2026-03-07 18:00:00"):
        sweep(context, course_alerts)
    found = {(a.kind, a.patient_id): a for a in alerts(db)}
    assert sorted(found) == sorted([("cadence_gap", gap.patient_id),
                                    ("missed_session", missed.patient_id)])
    assert found["cadence_gap", gap.patient_id].site_id == elsewhere.id != first_site.id
    assert "none is booked" in found["cadence_gap", gap.patient_id].message
    assert found["missed_session", missed.patient_id].session_id == no_show.id


def test_r4_3_form_due_then_overdue_then_resolved_when_submitted(db, make, context):
    site = make.site()
    treated = make.session(site=site, state="discharged",
                           scheduled_start=datetime(2026, 3, 2, 15, tzinfo=timezone.utc))
    inpatient = make.site(setting_type="inpatient")
    make.session(site=inpatient, state="discharged",
                 scheduled_start=datetime(2026, 3, 2, 15, tzinfo=timezone.utc))
    with freeze_time("2026-03-06 18:00:00") as clock:
        sweep(context, rems_form_alerts)
        assert open_kinds(db) == []
        clock.move_to("2026-03-07 18:00:00")  # P-FORM-REMIND: 2 days before 9 March
        sweep(context, rems_form_alerts)
        assert open_kinds(db) == ["rems_form_due"]
        clock.move_to("2026-03-10 18:00:00")
        sweep(context, rems_form_alerts)
        assert open_kinds(db) == ["rems_form_overdue"]
        [overdue] = alerts(db, "rems_form_overdue")
        assert (overdue.session_id, overdue.rule, overdue.role) == (treated.id, "R4.3", "nurse")
        # The sweep wrote the session's form; its submission ends the alerts.
        form = db.exec(select(RemsForm).where(RemsForm.session_id == treated.id)).one()
        assert (form.status, form.deadline) == ("draft", date(2026, 3, 9))
        form.status, form.submitted_at = "submitted", datetime.now(timezone.utc)
        db.add(form)
        db.commit()
        sweep(context, rems_form_alerts)
        assert open_kinds(db) == []


def test_an_acknowledged_alert_is_not_raised_again_while_its_condition_holds(
        db, make, context, clock):
    day = Day(db, make)
    day.devices()
    clock.move_to(at(21))
    sweep(context, treatment_day_alerts)
    [alert] = alerts(db)
    alert.acknowledged_at = at(21)
    db.add(alert)
    db.commit()
    assert sweep(context, treatment_day_alerts).raised == 0
    assert len(alerts(db)) == 1
