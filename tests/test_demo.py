"""`flask --app wsgi seed-demo`: one clinic, loaded once, that every database accepts (chairs
never double-booked, one session a patient a day), with today's chairs and past sessions."""
from datetime import datetime, time

from sqlmodel import func, select

from spravato_ops import demo
from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date, zone
from spravato_ops.models import Discharge, RemsForm, Site, TreatmentSession, User
from spravato_ops.services.rems_form_rows import FORM_LOOKBACK, sync_forms
from spravato_ops.services.rems_form_views import form_queue

ZONE = zone(demo.TIMEZONE)


def test_the_demo_clinic_loads_once_with_today_and_its_past_days(db):
    first = list(demo.seed(db))
    assert first[0].startswith("Demo clinic created")
    again = list(demo.seed(db))
    assert again[0].startswith("Demo clinic already present")
    assert db.exec(select(func.count()).select_from(Site)).one() == 1
    assert db.exec(select(func.count()).select_from(User)).one() == len(demo.ROLES)
    states = dict(db.exec(select(TreatmentSession.state, func.count())
                          .group_by(TreatmentSession.state)).all())
    assert states["observing"] == 2 and states["arrived"] == 1
    assert states["discharged"] == db.exec(select(func.count()).select_from(Discharge)).one() > 20
    db.rollback()


def test_the_demo_forms_of_past_weeks_are_submitted_and_the_last_weeks_are_due_r4_3(db):
    list(demo.seed(db))
    now = utcnow()
    today = local_date(now, demo.TIMEZONE)
    sync_forms(db, now=now, lookback=FORM_LOOKBACK)  # as the scheduler's sweep writes them
    ages = {}
    for form, day in db.exec(select(RemsForm, TreatmentSession.local_day)
                             .join(TreatmentSession, TreatmentSession.id == RemsForm.session_id)):
        ages.setdefault((today - day).days, set()).add(form.status)
        if form.status == "submitted":  # signed and sent the next morning: on time
            assert form.signed_at < form.submitted_at <= datetime.combine(
                form.deadline, time.max, ZONE)
    assert ages[10] == {"submitted"}
    assert "submitted" not in ages[3] | ages[6]
    site = db.exec(select(Site)).one()
    waiting = form_queue(db, site_ids=[site.id], now=now, limit=200)
    assert waiting and not any(form["status"] == "overdue" for form in waiting)
    db.rollback()
