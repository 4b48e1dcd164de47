"""A site's open alerts as the staff pages list them: named, split, for whose role (R1.7, R4.3)."""
from spravato_ops.clock import utcnow
from spravato_ops.domain.sweep_alerts import SCHEDULING_FOLLOW_UPS, clinical_follow_ups
from spravato_ops.services import alerts
from spravato_ops.services.alert_views import site_alerts
from spravato_ops.statement_count import StatementCount

NURSE = clinical_follow_ups("nurse")


def _raise(db, session, kind, role=None, with_session=True):
    alerts.raise_alert(db, site_id=session.site_id, kind=kind, message=f"{kind} here",
                       session_id=session.id if with_session else None,
                       patient_id=None if with_session else session.patient_id,
                       role=role, dedupe_key=f"test:{kind}:{session.id}")
    db.commit()


def test_alerts_are_split_into_now_and_the_viewers_follow_ups_each_with_its_patient(
        engine, make, db):
    site = make.site()
    chair = make.chair(site, label="Chair 2")
    today = make.session(chair=chair, site=site, scheduled_start=utcnow())
    patient = today.patient_id
    _raise(db, today, "observation_overdue", role="nurse")
    _raise(db, today, "respiratory_depression")
    _raise(db, today, "rems_form_overdue", role="nurse")  # R4.3
    _raise(db, today, "cadence_gap", role="scheduler", with_session=False)  # R1.7
    _raise(db, today, "induction_ending", role="prescriber", with_session=False)  # R1.1
    make.session(site=make.site())  # another site's alerts stay there
    with StatementCount(engine) as count:
        nurse = site_alerts(db, site_id=site.id, follow_ups_of=NURSE)
    assert len(count.queries) == 1
    assert [(a.alert.kind, a.chair) for a in nurse.now] == [  # the emergency first
        ("respiratory_depression", "Chair 2"), ("observation_overdue", "Chair 2")]
    assert [a.alert.kind for a in nurse.follow_ups] == ["rems_form_overdue"]
    assert dict(nurse.for_others) == {"scheduler": 1, "prescriber": 1}
    first = nurse.now[0]
    assert first.patient_id == patient and first.patient_name.startswith("Alex ")
    scheduler = site_alerts(db, site_id=site.id, follow_ups_of=SCHEDULING_FOLLOW_UPS)
    assert [(a.alert.kind, a.patient_id, a.chair) for a in scheduler.follow_ups] == [
        ("cadence_gap", patient, None)]  # named through the alert's patient alone
    prescriber = site_alerts(db, site_id=site.id,
                             follow_ups_of=clinical_follow_ups("prescriber"))
    assert [a.alert.kind for a in prescriber.follow_ups] == ["rems_form_overdue",
                                                             "induction_ending"]
    assert dict(prescriber.for_others) == {"scheduler": 1}


def test_acknowledged_and_resolved_alerts_are_not_listed(make, db):
    session = make.session(scheduled_start=utcnow())
    _raise(db, session, "observation_overdue")
    [listed] = site_alerts(db, site_id=session.site_id, follow_ups_of=NURSE).now
    alerts.acknowledge(db, alert_id=listed.alert.id, actor=make.user("nurse"))
    assert site_alerts(db, site_id=session.site_id, follow_ups_of=NURSE).now == []
