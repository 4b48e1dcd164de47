"""A session's stored records as FHIR R4 resources (plain dicts), one function per resource.

Resource ids are UUIDs derived from the deployment's identifier base and the record's key, so
every export names a record the same way: a correction keeps the id of the entry it corrects
(status `amended`), and carries its values, never the struck ones. Inside a Bundle references
are the `urn:uuid:` full URLs; in the NDJSON export they are `Type/id`.
"""
import uuid
from dataclasses import dataclass
from datetime import timezone
from functools import lru_cache

from ..domain.enums import SessionState as S
from . import codes as c

# Session state -> Encounter.status (R4: planned, arrived, in-progress, finished, cancelled...).
ENCOUNTER_STATUS = {
    S.SCHEDULED: "planned", S.ARRIVED: "arrived", S.CHECKED_IN: "arrived",
    S.DOSING: "in-progress", S.OBSERVING: "in-progress", S.DISCHARGED: "finished",
    S.WITHHELD: "finished", S.CANCELLED: "cancelled", S.NO_SHOW: "cancelled",
}
ENCOUNTER_CLASS = {"outpatient": c.AMBULATORY, "inpatient": c.INPATIENT}
DISCHARGER = c.concept(c.coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "DIS", "discharger"))
MEDICATION_ID = "device"  # the contained Medication of a MedicationAdministration


@dataclass(frozen=True)
class Ids:
    """Ids, references and identifiers of one export (`in_bundle`: urn:uuid: references)."""

    identifier_base: str
    in_bundle: bool = True

    def id(self, resource_type, key):
        return _uuid(f"{self.identifier_base}/{resource_type}/{key}")

    def ref(self, resource_type, key):
        found = self.id(resource_type, key)
        return {"reference": f"urn:uuid:{found}" if self.in_bundle else f"{resource_type}/{found}"}

    def identifier(self, name, value):
        return {"system": f"{self.identifier_base}/{name}", "value": str(value)}


@lru_cache(maxsize=1024)  # a session's resources name its patient, encounter and staff often
def _uuid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


@dataclass(frozen=True)
class SessionFacts:
    """A session, its site, its current entries by kind (corrections in place of what they
    correct) and, by kind, each entry's original: the id its corrections started from."""

    session: object
    site: object
    entries: dict
    originals: dict

    def rows(self, kind):
        return self.entries.get(kind, [])

    def staff_ids(self):
        return {entry.recorded_by for rows in self.entries.values() for entry in rows}


def instant(value):
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _resource(ids, resource_type, key, **fields):
    return {"resourceType": resource_type, "id": ids.id(resource_type, key), **fields}


def _quantity(value, unit):
    return {"value": value, "unit": unit, "system": c.UCUM, "code": unit}


def bundle(resources, *, timestamp):
    """A `collection` Bundle of `resources` (dicts with ids from Ids, in_bundle=True)."""
    return {"resourceType": "Bundle", "type": "collection", "timestamp": instant(timestamp),
            "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]}


def patient(ids, record):
    return _resource(
        ids, "Patient", record.id,
        identifier=[{"use": "usual", "type": c.MEDICAL_RECORD_NUMBER,
                     **ids.identifier("mrn", record.mrn)}],
        name=[{"use": "official", "family": record.last_name, "given": [record.first_name]}],
        gender=record.sex,  # the domain's Sex values are FHIR AdministrativeGender codes
        birthDate=record.date_of_birth.isoformat())


def location(ids, site):
    found = _resource(ids, "Location", site.id, identifier=[ids.identifier("site", site.id)],
                      status="active", name=site.name, mode="instance")
    if site.address:
        found["address"] = {"text": site.address}
    if site.phone:
        found["telecom"] = [{"system": "phone", "value": site.phone}]
    return found


def practitioner(ids, user):
    return _resource(ids, "Practitioner", user.id, identifier=[ids.identifier("staff", user.id)],
                     active=user.active, name=[{"text": user.name}])


def session_resources(ids, facts):
    """The Encounter, then a MedicationAdministration per device (one `not-done` for a
    withheld dose), then the Observations of every reading and observation."""
    yield encounter(ids, facts)
    for device in facts.rows("devices"):
        yield device_administration(ids, facts, device)
    if facts.session.state == S.WITHHELD:
        yield withheld_administration(ids, facts)
    for reading in facts.rows("vitals"):
        yield from vitals_observations(ids, facts, reading)
    for observed in facts.rows("observations"):
        yield from monitoring_observations(ids, facts, observed)


def encounter(ids, facts):
    record, site = facts.session, facts.site
    found = _resource(
        ids, "Encounter", record.id, identifier=[ids.identifier("session", record.id)],
        status=ENCOUNTER_STATUS[S(record.state)],
        type=[{"text": "SPRAVATO (esketamine) treatment session"}],
        subject=ids.ref("Patient", record.patient_id),
        location=[{"location": ids.ref("Location", site.id)}])
    found["class"] = ENCOUNTER_CLASS[site.setting_type]
    discharges = facts.rows("discharges")
    if discharges:
        found["participant"] = [{"type": [DISCHARGER],
                                 "individual": ids.ref("Practitioner", discharges[-1].recorded_by)}]
    period = _period(facts)
    if period:
        found["period"] = period
    return found


def _period(facts):
    """From arrival (else the first entry) to discharge, or to the withholding of the dose."""
    record = facts.session
    start = record.arrived_at or min(
        (entry.recorded_at for rows in facts.entries.values() for entry in rows), default=None)
    discharges = facts.rows("discharges")
    end = (discharges[-1].discharged_at if discharges
           else record.updated_at if record.state == S.WITHHELD else None)
    return {name: instant(value) for name, value in (("start", start), ("end", end)) if value}


def _medication(lot_number=None):
    found = {"resourceType": "Medication", "id": MEDICATION_ID, "code": c.ESKETAMINE_DEVICE,
             "form": c.NASAL_SPRAY}
    return {**found, "batch": {"lotNumber": lot_number}} if lot_number else found


def _administration(ids, facts, key, **fields):
    record = facts.session
    return _resource(ids, "MedicationAdministration", key,
                     medicationReference={"reference": f"#{MEDICATION_ID}"},
                     subject=ids.ref("Patient", record.patient_id),
                     context=ids.ref("Encounter", record.id), **fields)


def device_administration(ids, facts, device):
    """R1.5: one 28 mg device, its lot number, time and the person who recorded it."""
    original = facts.originals["devices"][device.id]
    found = _administration(
        ids, facts, f"device-{original}", contained=[_medication(device.lot_number)],
        identifier=[ids.identifier("device-administration", original)], status="completed",
        effectiveDateTime=instant(device.administered_at),
        performer=[{"actor": ids.ref("Practitioner", device.recorded_by)}],
        dosage={"text": f"Device {device.device_number}: one spray in each nostril",
                "route": c.NASAL_ROUTE, "dose": _quantity(c.DEVICE_MG, c.MG)})
    notes = [f"Deviation (R1.5): {device.deviation_reason}" if device.deviation_reason else None,
             _correction(device)]
    if any(notes):
        found["note"] = [{"text": text} for text in notes if text]
    return found


def withheld_administration(ids, facts):
    """The session's planned dose, not given, with the reason it was withheld."""
    record = facts.session
    found = _administration(
        ids, facts, f"withheld-{record.id}", contained=[_medication()], status="not-done",
        effectiveDateTime=instant(record.updated_at),
        dosage={"text": f"{record.planned_dose_mg} mg planned, withheld", "route": c.NASAL_ROUTE,
                "dose": _quantity(record.planned_dose_mg, c.MG)})
    if record.state_reason:
        found["statusReason"] = [{"text": record.state_reason}]
    return found


def _correction(entry):
    return f"Correction: {entry.amend_reason}" if entry.amends_id is not None else None


def _observation(ids, facts, kind, entry, what, *, category, code, effective, **value):
    original = facts.originals[kind][entry.id]
    record = facts.session
    found = _resource(
        ids, "Observation", f"{kind}-{original}-{what}",
        status="amended" if entry.amends_id is not None else "final", category=[category],
        code=code, subject=ids.ref("Patient", record.patient_id),
        encounter=ids.ref("Encounter", record.id), effectiveDateTime=instant(effective),
        issued=instant(entry.recorded_at),
        performer=[ids.ref("Practitioner", entry.recorded_by)], **value)
    if entry.amends_id is not None:
        found["note"] = [{"text": _correction(entry)}]
    return found


def _spo2(value):
    return {"code": c.concept(*c.SPO2), "valueQuantity": _quantity(value, c.PERCENT)}


def vitals_observations(ids, facts, reading):
    """R2: the BP panel (systolic and diastolic components), heart rate, SpO2, respiratory rate."""
    def vital(what, **value):
        return _observation(ids, facts, "vitals", reading, what, category=c.VITAL_SIGNS,
                            effective=reading.taken_at, **value)

    yield vital("bp", code=c.concept(c.BP_PANEL), component=[
        {"code": c.concept(c.SYSTOLIC), "valueQuantity": _quantity(reading.systolic, c.MM_HG)},
        {"code": c.concept(c.DIASTOLIC), "valueQuantity": _quantity(reading.diastolic, c.MM_HG)},
    ])
    yield vital("heart-rate", code=c.concept(c.HEART_RATE),
                valueQuantity=_quantity(reading.heart_rate, c.PER_MINUTE))
    if reading.spo2 is not None:
        yield vital("spo2", **_spo2(reading.spo2))
    if reading.respiratory_rate is not None:
        yield vital("respiratory-rate", code=c.concept(c.RESPIRATORY_RATE),
                    valueQuantity=_quantity(reading.respiratory_rate, c.PER_MINUTE))


def monitoring_observations(ids, facts, observed):
    """R3.2: MOAA/S, dissociation (with the CADSS total), respiratory depression, SpO2, and
    each R2.3 emergency symptom recorded."""
    def assessed(what, category, **value):
        return _observation(ids, facts, "observations", observed, what, category=category,
                            effective=observed.observed_at, **value)

    yield assessed("moaas", c.SURVEY, code=c.concept(c.MOAAS), valueInteger=observed.moaas)
    dissociation = assessed("dissociation", c.SURVEY, code=c.concept(c.DISSOCIATION),
                            valueCodeableConcept=c.concept(
                                c.DISSOCIATION_LEVELS[observed.dissociation]))
    if observed.cadss_total is not None:
        dissociation["component"] = [{"code": c.concept(c.CADSS_TOTAL),
                                      "valueInteger": observed.cadss_total}]
    yield dissociation
    yield assessed("respiratory-depression", c.EXAM, code=c.concept(c.RESPIRATORY_DEPRESSION),
                   valueBoolean=observed.respiratory_depression)
    if observed.spo2 is not None:
        yield assessed("spo2", c.VITAL_SIGNS, **_spo2(observed.spo2))
    for symptom in observed.symptoms or ():
        yield assessed(f"symptom-{symptom}", c.EXAM, code=c.concept(c.EMERGENCY),
                       valueCodeableConcept=c.concept(c.SYMPTOMS[symptom]))
