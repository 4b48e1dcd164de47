"""P-HOURS through the API: bookings inside the opening hours only, closures, and the sessions
that new hours leave outside (GET /sites/{id}/conflicts), which stay where they are."""
import pytest
from freezegun import freeze_time

from .booking_setup import NOW, START, body, clinic, local

HOURS = {"weekly": {day: [["08:00", "12:30"], ["13:00", "18:00"]]
                    for day in ("mon", "tue", "wed", "thu", "fri")},
         "closures": [{"date": "2026-03-05", "reason": "Staff training"}]}


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):
        yield


@pytest.fixture
def place(make, client, auth):
    place = clinic(make)
    answer = client.put(f"/api/v1/sites/{place.site.id}/policy", json={"opening_hours": HOURS},
                        headers=auth("admin"))
    assert answer.status_code == 200, answer.json
    assert answer.json["opening_hours"]["closures"] == HOURS["closures"]
    return place


def book(client, headers, payload):
    return client.post("/api/v1/sessions", json=payload, headers=headers)


def course_of(make):
    return make.course(start_date=START)


@pytest.mark.parametrize(("day", "hour", "minute", "code"), [
    (1, 10, 0, None),  # Tuesday 10:00-12:30: fits the morning
    (1, 11, 0, "outside_opening_hours"),  # runs into the lunch break
    (1, 16, 0, "outside_opening_hours"),  # past 18:00
    (3, 9, 0, "site_closed"),  # Thursday 5 March: staff training
    (5, 9, 0, "site_closed"),  # Saturday
])
def test_p_hours_bookings_fit_the_opening_hours(client, make, auth, place, day, hour, minute,
                                                code):
    answer = book(client, auth("scheduler"),
                  body(place, course_of(make), when=local(day, hour, minute)))
    if code is None:
        assert answer.status_code == 201, answer.json
        return
    assert answer.status_code == 409
    [violation] = answer.json["violations"]
    assert (violation["rule"], violation["code"], violation["override_allowed"]) == (
        "P-HOURS", code, False)


def test_p_hours_new_hours_leave_sessions_where_they_are_and_list_them(client, make, auth, place):
    scheduler, admin = auth("scheduler"), auth("admin")
    early = book(client, scheduler, body(place, course_of(make), when=local(1, 8, 0))).json
    late = book(client, scheduler, body(place, course_of(make), chair=1,
                                        when=local(1, 15, 0))).json
    later_hours = {**HOURS, "weekly": {**HOURS["weekly"], "tue": [["09:00", "18:00"]]}}
    assert client.put(f"/api/v1/sites/{place.site.id}/policy",
                      json={"opening_hours": later_hours}, headers=admin).status_code == 200
    conflicts = client.get(f"/api/v1/sites/{place.site.id}/conflicts", headers=scheduler)
    assert conflicts.status_code == 200
    assert [c["session_id"] for c in conflicts.json] == [early["id"]]
    assert conflicts.json[0]["violations"][0]["code"] == "outside_opening_hours"
    stored = client.get(f"/api/v1/sessions/{early['id']}", headers=scheduler).json
    assert stored["state"] == "scheduled" and stored["scheduled_start"] == early["scheduled_start"]
    assert late["id"] not in [c["session_id"] for c in conflicts.json]


def test_p_hours_conflicts_are_for_the_schedulers(client, place, auth):
    url = f"/api/v1/sites/{place.site.id}/conflicts"
    assert client.get(url, headers=auth("front_desk")).status_code == 403
    assert client.get(url, headers=auth("nurse")).status_code == 403
    assert client.get("/api/v1/sites/999999/conflicts", headers=auth("admin")).status_code == 404
