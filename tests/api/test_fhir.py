"""FHIR R4 export: a session's Bundle (full, withheld, amended), the NDJSON bulk export, roles."""
import json
from datetime import date, timedelta

import pytest

from spravato_ops.fhir import codes as c
from spravato_ops.fhir.mapping import Ids
from spravato_ops.models import DeviceAdministration, Patient, TreatmentSession, VitalsEntry
from spravato_ops.services import views

from ..fhir_checks import bundle_resources, codes, unresolved, validated
from .treatment_support import API, at, iso, observation, vitals

LOINC, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
OVERRIDE = {"reason": "Stable on review; the prescriber saw the patient."}


def bundle_of(day, headers=None):
    response = day.get("/fhir", headers=headers)
    assert response.status_code == 200, response.json
    assert response.mimetype == "application/fhir+json"
    return validated(json.loads(response.data))


def status_of(client, url, headers):
    """The status of a GET, its (streamed) response closed so that it lets go of the database."""
    with client.get(url, headers=headers) as response:
        return response.status_code


def by_code(observations, system, code):
    return [o for o in observations if (system, code) in codes(o["code"])]


def test_full_session_bundle_validates_and_every_reference_resolves(day, app, db):
    day.to_observing(pre_dose=(132, 84))
    day.at(15)
    day.ok(day.post("/observations", observation(15, moaas=3, dissociation="moderate",
                                                 cadss_total=12, symptoms=["severe_headache"])))
    day.at(40)
    day.ok(day.post("/vitals", vitals(40, 138, 86, respiratory_rate=14)))
    day.at(121)
    day.ok(day.post("/discharge", {"clinically_stable": True, "ready_to_leave_at": iso(at(95)),
                                   "override": OVERRIDE}, headers=day.prescriber))
    bundle = bundle_of(day)
    assert (bundle["type"], bundle["timestamp"]) == ("collection", iso(at(121)))
    found = bundle_resources(bundle)
    assert {kind: len(items) for kind, items in found.items()} == {
        "Patient": 1, "Location": 1, "Practitioner": 2, "Encounter": 1,
        "MedicationAdministration": 2, "Observation": 12}

    patient = found["Patient"][0]
    identifier = patient["identifier"][0]
    assert identifier["system"] == app.config["FHIR_IDENTIFIER_BASE"] + "/mrn"
    assert identifier["value"] == db.get(Patient, day.session.patient_id).mrn
    assert (patient["birthDate"], patient["gender"]) == ("1980-05-17", "female")
    assert patient["name"][0]["family"].startswith("Rivera")

    encounter = found["Encounter"][0]
    assert (encounter["status"], encounter["class"]["code"]) == ("finished", "AMB")
    assert encounter["period"] == {"start": iso(at(-20)), "end": iso(at(121))}
    assert found["Location"][0]["name"] == day.site.name

    first, second = found["MedicationAdministration"]
    assert (first["effectiveDateTime"], second["effectiveDateTime"]) == (iso(at(0)), iso(at(5)))
    medication = first["contained"][0]
    assert (c.RXNORM, "2201625") in codes(medication["code"])
    assert medication["batch"] == {"lotNumber": "LOT-1"}
    assert first["dosage"]["dose"] == {"value": 28, "unit": "mg", "system": UCUM, "code": "mg"}
    assert first["performer"][0]["actor"]["reference"] in {
        f"urn:uuid:{p['id']}" for p in found["Practitioner"]}

    observations = found["Observation"]
    panels = by_code(observations, LOINC, "85354-9")
    assert [[(codes(part["code"]), part["valueQuantity"]["value"],
              part["valueQuantity"]["code"]) for part in panel["component"]]
            for panel in panels] == [
        [({(LOINC, "8480-6")}, 132, "mm[Hg]"), ({(LOINC, "8462-4")}, 84, "mm[Hg]")],
        [({(LOINC, "8480-6")}, 138, "mm[Hg]"), ({(LOINC, "8462-4")}, 86, "mm[Hg]")]]
    assert len(by_code(observations, LOINC, "8867-4")) == 2
    spo2 = by_code(observations, LOINC, "59408-5")
    assert len(spo2) == 3 and all((LOINC, "2708-6") in codes(o["code"]) for o in spo2)
    assert [o["valueQuantity"]["value"] for o in by_code(observations, LOINC, "9279-1")] == [14]
    moaas = by_code(observations, c.MONITORING, "moaas")
    assert [(o["valueInteger"], o["effectiveDateTime"]) for o in moaas] == [(3, iso(at(15)))]
    dissociation = by_code(observations, c.MONITORING, "dissociation")[0]
    assert codes(dissociation["valueCodeableConcept"]) == {(c.DISSOCIATION_LEVEL, "moderate")}
    assert dissociation["component"][0]["valueInteger"] == 12
    symptom = by_code(observations, c.MONITORING, "emergency-symptom")[0]
    assert codes(symptom["valueCodeableConcept"]) == {(c.EMERGENCY_SYMPTOM, "severe_headache")}
    assert all(o["status"] == "final" for o in observations)


def test_withheld_session_bundle_says_the_dose_was_not_given(day):
    day.to_checked_in()
    day.at(-5)
    day.ok(day.post("/vitals", vitals(-5, 186, 112, timepoint="pre_dose")))
    day.ok(day.post("/withhold", {"reason": "R2.1 BP at the hold level"}), 200)
    found = bundle_resources(bundle_of(day))
    encounter = found["Encounter"][0]
    assert encounter["status"] == "finished"
    assert encounter["period"] == {"start": iso(at(-20)), "end": iso(at(-5))}
    [withheld] = found["MedicationAdministration"]
    assert withheld["status"] == "not-done"
    assert withheld["statusReason"] == [{"text": "R2.1 BP at the hold level"}]
    assert withheld["dosage"]["dose"]["value"] == 56
    assert "batch" not in withheld["contained"][0]
    assert len(by_code(found["Observation"], LOINC, "85354-9")) == 1


def test_amended_reading_carries_the_correction_not_the_struck_value(day, app):
    day.to_checked_in()
    day.at(-5)
    wrong = day.ok(day.post("/vitals", vitals(-5, 171, 99, timepoint="pre_dose", spo2=93)))
    fixed = day.ok(day.post("/vitals", vitals(-5, 131, 83, timepoint="pre_dose", amends=wrong["id"],
                                              reason="misread the cuff")))
    bundle = bundle_of(day)
    [panel] = by_code(bundle_resources(bundle)["Observation"], LOINC, "85354-9")
    assert [part["valueQuantity"]["value"] for part in panel["component"]] == [131, 83]
    assert panel["status"] == "amended"
    assert panel["note"] == [{"text": "Correction: misread the cuff"}]
    # The correction keeps the id of what it corrects: receivers replace the struck reading.
    ids = Ids(app.config["FHIR_IDENTIFIER_BASE"])
    assert panel["id"] == ids.id("Observation", f"vitals-{wrong['id']}-bp") != \
        ids.id("Observation", f"vitals-{fixed['id']}-bp")
    text = json.dumps(bundle)
    assert '"value": 171' not in text and '"value": 93' not in text


def test_inpatient_sessions_are_inpatient_encounters(client, make):
    site = make.site(setting_type="inpatient")
    record = make.session(site=site)
    response = client.get(f"{API}/sessions/{record.id}/fhir", headers=make.auth_headers("admin"))
    found = bundle_resources(validated(json.loads(response.data)))
    assert found["Encounter"][0]["class"]["code"] == "IMP"
    assert found["Encounter"][0]["status"] == "planned" and "period" not in found["Encounter"][0]
    assert "MedicationAdministration" not in found


# --- the bulk export --------------------------------------------------------------------------

FIRST_DAY = date(2026, 1, 5)


def seed_sessions(make, site, count, *, per_day=3, patients=10):
    """`count` discharged sessions at `site`, `per_day` a day from FIRST_DAY on, each with one
    device and one pre-dose reading, written in one transaction."""
    chair, nurse = make.chair(site), make.user("nurse")
    courses = [make.course() for _ in range(patients)]
    rows = []
    for n in range(count):
        day, slot = FIRST_DAY + timedelta(days=n // per_day), n % per_day
        start = at(0).replace(year=day.year, month=day.month, day=day.day) + \
            timedelta(hours=3 * slot)
        course = courses[n % patients]
        rows.append(TreatmentSession(
            course_id=course.id, patient_id=course.patient_id, site_id=site.id, chair_id=chair.id,
            scheduled_start=start, scheduled_end=start + timedelta(minutes=150), local_day=day,
            planned_dose_mg=56, state="discharged", arrived_at=start, created_by=nurse.id,
            created_at=start, updated_at=start))
    make.db.add_all(rows)
    make.db.flush()
    common = dict(recorded_by=nurse.id)
    for row in rows:
        make.db.add(VitalsEntry(session_id=row.id, recorded_at=row.scheduled_start,
                                timepoint="pre_dose", systolic=128, diastolic=80, heart_rate=70,
                                spo2=98, taken_at=row.scheduled_start, **common))
        make.db.add(DeviceAdministration(session_id=row.id, recorded_at=row.scheduled_start,
                                         device_number=1, administered_at=row.scheduled_start,
                                         lot_number="LOT-7", **common))
    make.db.commit()
    return rows


def export_url(site, first=FIRST_DAY, last=FIRST_DAY + timedelta(days=365)):
    return f"{API}/fhir/$export?site_id={site.id}&from={first}&to={last}"


def test_export_of_1000_sessions_streams_page_by_page_and_every_line_validates(
        client, make, monkeypatch):
    site = make.site()
    seed_sessions(make, site, 1000)
    pages, read_page = [], views.site_sessions_page

    def counted(*args, **kwargs):
        found = read_page(*args, **kwargs)
        pages.append(len(found))
        return found

    monkeypatch.setattr(views, "site_sessions_page", counted)
    response = client.get(export_url(site), headers=make.auth_headers("nurse", site=site))
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/fhir+ndjson"
    lines = iter(response.response)
    first = json.loads(next(lines))
    assert first["resourceType"] == "Location" and pages == []  # nothing read ahead
    known, kinds = {f"Location/{first['id']}"}, {}
    for line in lines:
        resource = validated(json.loads(line))
        assert unresolved(resource, known) == []  # what it names came on an earlier line
        known.add(f"{resource['resourceType']}/{resource['id']}")
        kinds[resource["resourceType"]] = kinds.get(resource["resourceType"], 0) + 1
    response.close()
    assert pages == [200] * 5 + [0]
    assert kinds == {"Practitioner": 1, "Patient": 10, "Encounter": 1000,
                     "MedicationAdministration": 1000, "Observation": 3000}


def test_export_keeps_to_the_range_and_the_site(client, make):
    site, other = make.site(), make.site()
    rows = seed_sessions(make, site, 9, patients=3)
    seed_sessions(make, other, 3, patients=3)
    headers = make.auth_headers("admin")
    response = client.get(export_url(site, FIRST_DAY + timedelta(days=1),
                                     FIRST_DAY + timedelta(days=1)), headers=headers)
    resources = [json.loads(line) for line in response.data.decode().splitlines()]
    encounters = [r for r in resources if r["resourceType"] == "Encounter"]
    assert [e["identifier"][0]["value"] for e in encounters] == [str(r.id) for r in rows[3:6]]
    assert {r["name"] for r in resources if r["resourceType"] == "Location"} == {site.name}


@pytest.mark.parametrize(("query", "field"), [
    ("from=2026-01-10&to=2026-01-09", "to"),
    ("from=2026-01-01&to=2027-01-02", "to"),
    ("from=2026-01-01", "to"),
    ("from=2026-02-30&to=2026-03-01", "from"),
])
def test_export_refuses_a_bad_range(client, make, query, field):
    site = make.site()
    response = client.get(f"{API}/fhir/$export?site_id={site.id}&{query}",
                          headers=make.auth_headers("admin"))
    assert response.status_code == 422 and field in response.json["errors"]


def test_a_whole_year_is_accepted(client, make):
    site = make.site()
    response = client.get(f"{API}/fhir/$export?site_id={site.id}&from=2024-01-01&to=2024-12-31",
                          headers=make.auth_headers("admin"))
    assert response.status_code == 200
    assert [json.loads(line)["resourceType"] for line in response.data.splitlines()] == \
        ["Location"]


def test_export_of_an_unknown_site_is_a_404(client, make):
    url = f"{API}/fhir/$export?site_id=999999&from=2026-01-01&to=2026-01-02"
    assert status_of(client, url, make.auth_headers("admin")) == 404


# --- roles and sites --------------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("admin", 200), ("scheduler", 200), ("nurse", 200), ("prescriber", 200), ("front_desk", 403),
])
def test_clinical_roles_read_fhir_and_front_desk_does_not(client, make, role, status):
    site = make.site()
    record = make.session(site=site)
    headers = make.auth_headers(role, site=site)
    assert status_of(client, f"{API}/sessions/{record.id}/fhir", headers) == status
    assert status_of(client, export_url(site), headers) == status


def test_staff_of_another_site_are_refused(client, make):
    site, elsewhere = make.site(), make.site()
    record = make.session(site=site)
    headers = make.auth_headers("nurse", site=elsewhere)
    assert status_of(client, f"{API}/sessions/{record.id}/fhir", headers) == 403
    assert status_of(client, export_url(site), headers) == 403
    assert status_of(client, export_url(elsewhere), headers) == 200
