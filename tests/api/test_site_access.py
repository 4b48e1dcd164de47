"""Staff assigned to sites work at those sites only; admins and unassigned staff everywhere."""
from datetime import timedelta

import pytest
from sqlmodel import select

from spravato_ops.clock import utcnow
from spravato_ops.domain.calendar import local_date
from spravato_ops.models import StaffAlert, VitalsEntry

from .booking_setup import rows

API = "/api/v1"


@pytest.fixture
def two_sites(make):
    here, there = make.site(), make.site()
    return here, there, make.session(site=here), make.session(site=there)


def _alert(db, site):
    alert = StaffAlert(site_id=site.id, kind="bp_high", message="BP high",
                       dedupe_key=f"test:{site.id}", raised_at=utcnow())
    db.add(alert)
    db.commit()
    return alert


@pytest.mark.parametrize("role, path", [
    ("nurse", "/board?site_id={there}"),
    ("front_desk", "/board?site_id={there}"),
    ("front_desk", "/sessions?site_id={there}"),
    ("nurse", "/alerts?site_id={there}"),
    ("nurse", "/sessions/{other}/discharge-readiness"),
    ("nurse", "/sessions/{other}/timers"),
    ("scheduler", "/sessions/{other}"),
    ("scheduler", "/sites/{there}/chairs"),
    ("prescriber", "/sites/{there}/policy"),
])
def test_staff_of_one_site_cannot_read_another(client, make, two_sites, role, path):
    here, there, mine, other = two_sites
    headers = make.auth_headers(role, site=here)
    url = API + path.format(there=there.id, other=other.id)
    refused = client.get(url, headers=headers)
    assert refused.status_code == 403, refused.json
    assert f"not assigned to site {there.id}" in refused.json["message"]
    own = API + path.format(there=here.id, other=mine.id)
    assert client.get(own, headers=headers).status_code == 200


def test_a_nurse_of_one_site_cannot_record_at_another_and_nothing_is_written(client, make, db,
                                                                             two_sites):
    here, _there, _mine, other = two_sites
    response = client.post(f"{API}/sessions/{other.id}/vitals", headers=make.auth_headers(
        "nurse", site=here), json={"timepoint": "pre_dose", "systolic": 120, "diastolic": 80,
                                   "heart_rate": 70, "spo2": 98,
                                   "taken_at": utcnow().isoformat()})
    assert response.status_code == 403
    assert rows(db, select(VitalsEntry)) == []


def test_a_scheduler_books_only_at_the_sites_assigned(client, make, two_sites):
    here, there, _mine, _other = two_sites
    headers = make.auth_headers("scheduler", site=here)
    start = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    course = make.course(start_date=local_date(start, here.timezone))
    body = dict(course_id=course.id, scheduled_start=start.isoformat(), planned_dose_mg=56)
    refused = client.post(f"{API}/sessions", headers=headers, json=dict(
        body, site_id=there.id, chair_id=make.chair(there).id))
    assert refused.status_code == 403, refused.json
    booked = client.post(f"{API}/sessions", headers=headers, json=dict(
        body, site_id=here.id, chair_id=make.chair(here).id))
    assert booked.status_code == 201, booked.json


def test_alerts_of_another_site_cannot_be_acknowledged(client, make, db, two_sites):
    here, there, _mine, _other = two_sites
    alert = _alert(db, there)
    url = f"{API}/alerts/{alert.id}/acknowledge"
    assert client.post(url, headers=make.auth_headers("nurse", site=here)).status_code == 403
    assert client.post(url, headers=make.auth_headers("nurse", site=there)).status_code == 200


@pytest.mark.parametrize("role", ["admin", "nurse"])
def test_admins_and_staff_without_sites_work_everywhere(client, make, two_sites, role):
    here, there, _mine, _other = two_sites
    site = here if role == "admin" else None  # an admin's sites do not limit them
    headers = make.auth_headers(role, site=site)
    assert client.get(f"{API}/board?site_id={there.id}", headers=headers).status_code == 200


def test_a_missing_record_is_still_a_404(client, make, two_sites):
    here = two_sites[0]
    headers = make.auth_headers("nurse", site=here)
    assert client.get(f"{API}/sessions/999999/timers", headers=headers).status_code == 404
    assert client.get(f"{API}/board?site_id=999999", headers=headers).status_code == 404


def test_a_body_too_deep_to_read_its_site_from_is_a_400_for_staff_with_sites(
        client, make, two_sites):
    headers = {**make.auth_headers("scheduler", site=two_sites[0]),
               "Content-Type": "application/json"}
    response = client.post(f"{API}/sessions", headers=headers, data=b"[" * 100_000)
    assert response.status_code == 400, response.json
