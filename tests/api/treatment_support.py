"""A treatment day driven through the HTTP API, for the workflow tests."""
from datetime import datetime, timedelta, timezone

# The session's scheduled start and first device: 09:00 in New York on a Monday.
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)
API = "/api/v1"


def at(minutes):
    return T0 + timedelta(minutes=minutes)


def iso(instant):
    return instant.isoformat().replace("+00:00", "Z")


CHECKLIST = {"no_food_2h": True, "no_liquids_30m": True, "nasal_medication_ok": True,
             "transport_name": "Sam Rivera", "transport_phone": "555-0199"}


def vitals(minutes, systolic=128, diastolic=80, timepoint="post_dose", spo2=98, **extra):
    return {"timepoint": timepoint, "systolic": systolic, "diastolic": diastolic,
            "heart_rate": 72, "spo2": spo2, "taken_at": iso(at(minutes)), **extra}


def observation(minutes, moaas=5, dissociation="none", spo2=98, **extra):
    return {"observed_at": iso(at(minutes)), "moaas": moaas, "dissociation": dissociation,
            "respiratory_depression": False, "spo2": spo2, "symptoms": [], **extra}


def device(minutes, lot="LOT-1", **extra):
    return {"administered_at": iso(at(minutes)), "lot_number": lot, **extra}


class Day:
    """One site, one chair, one scheduled session, and a user of each role."""

    def __init__(self, client, make, clock, planned_dose_mg=56):
        self.client, self.make, self.clock = client, make, clock
        self.site = make.site()
        self.chair = make.chair(self.site, label="A")
        self.session = make.session(chair=self.chair, site=self.site, scheduled_start=T0,
                                    planned_dose_mg=planned_dose_mg)
        self.sid = self.session.id
        self.nurse = make.auth_headers("nurse", site=self.site)
        self.prescriber = make.auth_headers("prescriber", site=self.site)
        self.desk = make.auth_headers("front_desk", site=self.site)

    def url(self, tail=""):
        return f"{API}/sessions/{self.sid}{tail}"

    def at(self, minutes):
        self.clock.move_to(at(minutes))

    def post(self, tail, body=None, headers=None, **kwargs):
        return self.client.post(self.url(tail), json=body if body is not None else {},
                                headers=headers or self.nurse, **kwargs)

    def put(self, tail, body, headers=None):
        return self.client.put(self.url(tail), json=body, headers=headers or self.nurse)

    def get(self, tail, headers=None, **kwargs):
        return self.client.get(self.url(tail), headers=headers or self.nurse, **kwargs)

    def ok(self, response, status=201):
        assert response.status_code == status, response.json
        return response.json

    def to_checked_in(self, minutes=-20):
        self.at(minutes)
        self.ok(self.post("/arrival", headers=self.desk), 200)
        self.ok(self.put("/checklist", CHECKLIST), 200)

    def to_dosing(self, pre_dose=(128, 80)):
        """Arrive, check in, pre-dose BP at -5, first device at 0."""
        self.to_checked_in()
        self.at(-5)
        self.ok(self.post("/vitals", vitals(-5, *pre_dose, timepoint="pre_dose")))
        self.at(0)
        return self.ok(self.post("/devices", device(0)))

    def to_observing(self, pre_dose=(128, 80)):
        self.to_dosing(pre_dose)
        self.at(5)
        return self.ok(self.post("/devices", device(5)))

    def codes(self, response):
        return [v["code"] for v in response.json["violations"]]


def stored(db, model, record_id):
    """Read a row as it is now, as a dict, without holding a transaction (SQLite's write lock)."""
    db.expire_all()
    data = db.get(model, record_id).model_dump()
    db.rollback()
    return data


def stored_rows(db, query):
    """Run a query and end the transaction; rows come back as dicts or plain values."""
    rows = [row.model_dump() if hasattr(row, "model_dump") else row for row in db.exec(query)]
    db.rollback()
    return rows
