"""A site's REMS certification as its admin sees it (R4.1): the sessions booked past its last
day are counted once it is ending or lapsed, those still to come and still scheduled only."""
from datetime import timedelta

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date
from spravato_ops.services.sites import certification_outlook

ZONE = "America/New_York"


def test_r4_1_sessions_booked_past_the_last_certified_day_are_counted(make, db):
    now = utcnow()
    last_day = local_date(now, ZONE) + timedelta(days=10)
    site = make.site(timezone=ZONE, rems_certified_until=last_day)
    for days in (3, 12, 20):  # covered, then two past the last day
        make.session(site=site, scheduled_start=now + timedelta(days=days))
    make.session(site=site, scheduled_start=now + timedelta(days=15), state="cancelled")
    make.session(site=make.site(timezone=ZONE, rems_certified_until=last_day),
                 scheduled_start=now + timedelta(days=15))  # another site's
    status, booked_after = certification_outlook(db, site, now=now)
    assert (status.state, status.days_left, booked_after) == ("ending", 10, 2)


def test_r4_1_an_active_certification_counts_nothing_and_a_lapsed_one_only_whats_to_come(
        make, db):
    now = utcnow()
    today = local_date(now, ZONE)
    far = make.site(timezone=ZONE, rems_certified_until=today + timedelta(days=400))
    make.session(site=far, scheduled_start=now + timedelta(days=100))
    assert certification_outlook(db, far, now=now)[0].state == "active"
    assert certification_outlook(db, far, now=now)[1] == 0
    lapsed = make.site(timezone=ZONE, rems_certified_until=today - timedelta(days=3))
    make.session(site=lapsed, scheduled_start=now - timedelta(hours=2))  # today, begun
    make.session(site=lapsed, scheduled_start=now + timedelta(days=2))
    status, booked_after = certification_outlook(db, lapsed, now=now)
    assert (status.state, status.days_left, booked_after) == ("lapsed", -3, 1)
