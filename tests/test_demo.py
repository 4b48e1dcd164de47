"""`flask --app wsgi seed-demo`: one clinic, loaded once, that every database accepts (chairs
never double-booked, one session a patient a day), with today's chairs and past sessions."""
from sqlmodel import func, select

from spravato_ops import demo
from spravato_ops.models import Discharge, Site, TreatmentSession, User


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
