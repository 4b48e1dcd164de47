"""Two admins changing one person's sites at once: each change replaces the sites whole, so
the person ends with the sites of one of them, never a mix of both, and the audit's rows
follow one another (both lock the user's row first)."""
import pytest
from sqlmodel import select

from spravato_ops.models import AuditEvent, UserSite

from .booking_setup import fire_at_once

ADMINS = 6


@pytest.mark.postgres_only
def test_simultaneous_site_changes_leave_the_sites_of_one_of_them(app, make, db):
    sites = [make.site() for _ in range(ADMINS + 1)]
    nurse = make.user("nurse", site=sites[0])
    wanted = [[sites[0].id, site.id] for site in sites[1:]]  # each admin adds another site
    results = fire_at_once(app, make.auth_headers("admin"),
                           [{"site_ids": ids} for ids in wanted],
                           f"/api/v1/users/{nurse.id}", method="PATCH")
    assert [status for status, _ in results] == [200] * ADMINS, results
    db.expire_all()
    final = sorted(db.exec(select(UserSite.site_id).where(UserSite.user_id == nurse.id)).all())
    assert final in [sorted(ids) for ids in wanted]
    changes = db.exec(select(AuditEvent).where(AuditEvent.action == "sites_changed")
                      .order_by(AuditEvent.id)).all()
    assert changes[0].before == {"site_ids": [sites[0].id]}
    for earlier, later in zip(changes, changes[1:]):
        assert later.before == earlier.after  # each change saw the one before it
    assert changes[-1].after == {"site_ids": final}
