"""GET /sites/{id}/capacity and /needs-booking against a seeded clinic whose figures are worked
out by hand below (P-HOURS, P-SLOT, R1.1, R1.3, R1.7)."""
from datetime import date, datetime, time

import pytest
from freezegun import freeze_time

from .booking_setup import NEW_YORK, NOW

HOURS = {"weekly": {**{day: [["08:00", "12:30"], ["13:00", "18:00"]]  # 9.5 h
                       for day in ("mon", "tue", "wed", "thu", "fri")},
                    "sat": [["09:00", "12:00"]]},  # 3 h; Sunday closed
         "closures": [{"date": "2026-03-05", "reason": "Staff training"}]}
# The clinic below, day by day from Monday 2 March 2026 (today): 3 active chairs (a 4th is
# inactive), so 28.5 chair-hours on a weekday, 9 on Saturday, none on Sunday or the Thursday
# closure. Booked and expected sessions are 2.5 h each (P-SLOT 150 min); letters name the
# patients whose sessions they are.
FIGURES = {  # day: (open chair-hours, booked, expected)
    "2026-03-02": (28.5, "H", "BCL"),  # F's no-show does not count; L is late: due today
    "2026-03-03": (28.5, "A", "C"),  # G's session is at another site
    "2026-03-04": (28.5, "", ""),  # F's session was cancelled
    "2026-03-05": (0, "", ""),  # closed: D's course starts, its first session waits a day
    "2026-03-06": (28.5, "A", "D"),
    "2026-03-07": (9, "IJK", "D"),  # 7.5 + 2.5 > 9: over capacity
    "2026-03-08": (0, "", ""),
    "2026-03-09": (28.5, "", "ABCEHL"),
    "2026-03-10": (28.5, "", "AC"),
    "2026-03-11": (28.5, "", ""),
    "2026-03-12": (28.5, "", "D"),
    "2026-03-13": (28.5, "", "D"),
    "2026-03-14": (9, "", ""),
    "2026-03-15": (0, "", ""),
}
HELD, BOOKED = "discharged", "scheduled"


@pytest.fixture(autouse=True)
def frozen():
    with freeze_time(NOW):  # Monday 2 March 2026, 07:00 in New York
        yield


def d(text):
    return date.fromisoformat(text)


class Clinic:
    """The site, its chairs, and patients with their courses and sessions."""

    def __init__(self, make, client, auth):
        self.make, self.site = make, make.site(name="Riverside", timezone="America/New_York")
        self.chairs = [make.chair(self.site, label=f"Chair {n}") for n in (1, 2, 3)]
        make.chair(self.site, label="Chair 4", active=False)
        answer = client.put(f"/api/v1/sites/{self.site.id}/policy",
                            json={"opening_hours": HOURS}, headers=auth("admin"))
        assert answer.status_code == 200, answer.json
        self.courses, self.patients = {}, {}

    def course(self, letter, start, sessions=(), site=None, chair=0, **fields):
        """Patient `letter` (new, or the one of that letter) with a course and its sessions,
        each at 09:00 on a chair of its own from `chair` on."""
        patient = self.patients.get(letter) or self.make.patient(first_name=letter,
                                                                 last_name=f"Patient{letter}")
        self.patients[letter] = patient
        course = self.make.course(patient=patient, start_date=d(start), **fields)
        self.courses[letter] = course
        for n, (day, state) in enumerate(sessions):
            where = dict(site=site) if site else dict(site=self.site,
                                                      chair=self.chairs[(chair + n) % 3])
            self.make.session(course=course, scheduled_start=datetime.combine(
                d(day), time(9), NEW_YORK), state=state, **where)
        return course


@pytest.fixture
def clinic(make, client, auth):
    place = Clinic(make, client, auth)
    # A: TRD induction from 23 Feb; week 2 (2-8 Mar) has its 2 sessions booked, week 3
    # expects 2 (R1.1).
    place.course("A", "2026-02-23", [("2026-02-23", HELD), ("2026-02-26", HELD),
                                     ("2026-03-03", BOOKED), ("2026-03-06", BOOKED)])
    # B: TRD maintenance, week 6 from today, weekly: due 2-5 March, then week 7.
    place.course("B", "2026-01-26", [("2026-02-24", HELD)])
    # C: MDSI from 23 Feb, twice weekly, week 1 held: 2 and 3 March, then 9 and 10 (R1.3).
    place.course("C", "2026-02-23", [("2026-02-23", HELD), ("2026-02-25", HELD)],
                 chair=1, indication="MDSI", oral_antidepressant="sertraline")
    # D: an old course here; a new TRD course starts on the Thursday closure: its sessions
    # come on the first open days, 6 and 7 March, then 12 and 13 (course week 2).
    place.course("D", "2025-06-02", [("2025-06-02", HELD)], status="completed")
    place.course("D", "2026-03-05")
    # E: every 2 weeks from week 9 (26 Jan); blocks of weeks 13-14 (23 Feb-8 Mar) and
    # 15-16 (9-22 Mar), one session each.
    place.course("E", "2025-12-01", [("2026-02-24", HELD)], chair=2,
                 continuation_interval_weeks=2)
    # F: a finished course: a no-show today and a cancelled session count for nothing.
    place.course("F", "2025-11-03", [("2026-03-02", "no_show"), ("2026-03-04", "cancelled")],
                 status="completed")
    # G: its patient is treated at another site.
    place.course("G", "2026-02-23", [("2026-03-03", BOOKED)], site=place.make.site())
    # H: weekly from week 9, booked today (week 18): next due in week 19.
    place.course("H", "2025-11-03", [("2026-03-02", BOOKED)], chair=2)
    # I, J, K: finished courses with a session each on Saturday, one per chair.
    for n, letter in enumerate("IJK"):
        place.course(letter, "2025-06-02", [("2026-03-07", BOOKED)], chair=n,
                     status="completed")
    # L: TRD, last seen 9 Feb (week 6): due 16-18 Feb (week 7), late: expected today (week 9),
    # then weekly.
    place.course("L", "2026-01-05", [("2026-02-02", HELD), ("2026-02-09", HELD)], chair=1)
    # Z: a course with no session anywhere belongs to no site.
    place.course("Z", "2026-02-23")
    return place


def capacity(client, headers, site, query="from=2026-03-02&to=2026-03-15"):
    return client.get(f"/api/v1/sites/{site.id}/capacity?{query}", headers=headers)


def test_p_hours_p_slot_r1_1_capacity_figures_of_a_seeded_clinic(client, auth, clinic):
    answer = capacity(client, auth("scheduler"), clinic.site)
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["from"], body["to"], body["today"], body["chairs"], body["slot_minutes"],
            body["opening_hours_set"]) == ("2026-03-02", "2026-03-15", "2026-03-02", 3, 150,
                                           True)
    found = {day["date"]: (day["open_chair_hours"], day["booked_sessions"],
                           day["expected_sessions"]) for day in body["days"]}
    assert found == {day: (open_, len(booked), len(expected))
                     for day, (open_, booked, expected) in FIGURES.items()}
    for day in body["days"]:
        booked, expected = FIGURES[day["date"]][1:]
        assert day["booked_chair_hours"] == 2.5 * len(booked)
        assert day["expected_chair_hours"] == 2.5 * len(expected)
    assert [day["date"] for day in body["days"] if day["over_capacity"]] == ["2026-03-07"]
    assert {day["date"]: day["closure"] for day in body["days"] if day["closure"]} == {
        "2026-03-05": "Staff training"}


def test_the_default_range_is_four_weeks_from_today_and_past_days_expect_nothing(
        client, auth, clinic):
    days = capacity(client, auth("scheduler"), clinic.site, query="").json["days"]
    assert (days[0]["date"], days[-1]["date"], len(days)) == ("2026-03-02", "2026-03-29", 28)
    earlier = capacity(client, auth("scheduler"), clinic.site,
                       query="from=2026-02-23&to=2026-03-01").json["days"]
    assert [day["booked_sessions"] for day in earlier] == [2, 2, 1, 1, 0, 0, 0]  # AC BE C A
    assert {day["expected_sessions"] for day in earlier} == {0}


def test_a_site_without_opening_hours_counts_the_default_day(client, make, auth):
    site = make.site()
    make.chair(site)
    make.chair(site)
    [day] = capacity(client, auth("scheduler"), site, query="from=2026-03-08&to=2026-03-08"
                     ).json["days"]
    assert (day["open_chair_hours"], day["over_capacity"]) == (20, False)  # 2 x 08:00-18:00


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-03-10&to=2026-03-09", "to"),
    ("from=2026-03-01&to=2026-05-02", "to"),  # 63 days
    ("from=2026-13-01", "from"),
    ("to=tomorrow", "to"),
    ("from=9999-12-31", "from"),
    ("from=0001-01-01&to=0001-01-02", "from"),
])
def test_a_bad_or_too_long_range_is_422(client, auth, clinic, query, field):
    answer = capacity(client, auth("scheduler"), clinic.site, query=query)
    assert answer.status_code == 422, answer.json
    assert field in str(answer.json["errors"])


def test_62_days_is_the_longest_range(client, auth, clinic):
    answer = capacity(client, auth("scheduler"), clinic.site, query="from=2026-03-01&to=2026-05-01")
    assert answer.status_code == 200 and len(answer.json["days"]) == 62


def test_r1_7_needs_booking_lists_open_windows_with_nothing_booked(client, auth, clinic):
    answer = client.get(f"/api/v1/sites/{clinic.site.id}/needs-booking",
                        headers=auth("scheduler"))
    assert answer.status_code == 200, answer.json
    rows = [(row["patient"]["first_name"], row["phase"], row["due"]["earliest"],
             row["due"]["latest"], row["late"], row["last_session_day"])
            for row in answer.json["courses"]]
    assert rows == [
        ("L", "maintenance", "2026-02-16", "2026-02-18", True, "2026-02-09"),
        ("C", "mdsi", "2026-03-02", "2026-03-02", False, "2026-02-25"),
        ("B", "maintenance", "2026-03-02", "2026-03-05", False, "2026-02-24"),
    ]
    first = answer.json["courses"][0]
    assert first["course_id"] == clinic.courses["L"].id
    assert first["patient"] == {"id": clinic.patients["L"].id, "first_name": "L",
                                "last_name": "PatientL", "mrn": clinic.patients["L"].mrn,
                                "date_of_birth": "1980-05-17"}


def test_a_booked_session_takes_a_course_off_the_list(client, auth, clinic, make):
    make.session(course=clinic.courses["B"], site=clinic.site, chair=clinic.chairs[0],
                 scheduled_start=datetime.combine(d("2026-03-04"), time(9), NEW_YORK))
    answer = client.get(f"/api/v1/sites/{clinic.site.id}/needs-booking",
                        headers=auth("scheduler"))
    assert [row["patient"]["first_name"] for row in answer.json["courses"]] == ["L", "C"]


@pytest.mark.parametrize("path", ["capacity", "needs-booking"])
def test_capacity_and_needs_booking_are_for_the_schedulers_at_their_sites(
        client, make, auth, path):
    site, other = make.site(), make.site()
    url = f"/api/v1/sites/{site.id}/{path}"
    for role in ("admin", "scheduler", "prescriber"):
        assert client.get(url, headers=auth(role)).status_code == 200, role
    for role in ("nurse", "front_desk"):
        assert client.get(url, headers=auth(role)).status_code == 403, role
    assert client.get(url, headers=auth("scheduler", site=site)).status_code == 200
    assert client.get(url, headers=auth("scheduler", site=other)).status_code == 403
    assert client.get(f"/api/v1/sites/999999/{path}", headers=auth("admin")).status_code == 404
