"""The terminology of the FHIR export: the standard code systems, and the service's own.

The service's own codes (MOAA/S, dissociation, emergency symptoms) have no LOINC or SNOMED
code that says the same, so they live in code systems of the service, fixed here and listed
in docs/api.md. Identifier systems (MRN, sessions, staff) belong to each deployment: they are
built from the FHIR_IDENTIFIER_BASE setting.
"""
from ..domain.enums import Dissociation, Symptom

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC = "http://hl7.org/fhir/sid/ndc"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

SERVICE = "https://spravato-ops.org/fhir/CodeSystem"
MONITORING = f"{SERVICE}/monitoring"
DISSOCIATION_LEVEL = f"{SERVICE}/dissociation-level"
EMERGENCY_SYMPTOM = f"{SERVICE}/emergency-symptom"


def coding(system, code, display=None):
    found = {"system": system, "code": code}
    return {**found, "display": display} if display else found


def concept(*codings, text=None):
    found = {"coding": list(codings)}
    return {**found, "text": text} if text else found


# LOINC vital signs (the FHIR R4 vital signs profile's codes) and their UCUM units.
BP_PANEL = coding(LOINC, "85354-9", "Blood pressure panel with all children optional")
SYSTOLIC = coding(LOINC, "8480-6", "Systolic blood pressure")
DIASTOLIC = coding(LOINC, "8462-4", "Diastolic blood pressure")
HEART_RATE = coding(LOINC, "8867-4", "Heart rate")
SPO2 = (coding(LOINC, "2708-6", "Oxygen saturation in Arterial blood"),
        coding(LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"))
RESPIRATORY_RATE = coding(LOINC, "9279-1", "Respiratory rate")
MM_HG, PER_MINUTE, PERCENT, MG = "mm[Hg]", "/min", "%", "mg"

# R3.2 monitoring, in the service's code system.
MOAAS = coding(MONITORING, "moaas", "Modified Observer's Assessment of Alertness/Sedation")
DISSOCIATION = coding(MONITORING, "dissociation", "Dissociation")
CADSS_TOTAL = coding(MONITORING, "cadss-total",
                     "Clinician-Administered Dissociative States Scale total")
RESPIRATORY_DEPRESSION = coding(MONITORING, "respiratory-depression", "Respiratory depression")
EMERGENCY = coding(MONITORING, "emergency-symptom", "Emergency symptom (R2.3)")
DISSOCIATION_LEVELS = {level.value: coding(DISSOCIATION_LEVEL, level.value, level.value.title())
                       for level in Dissociation}
SYMPTOMS = {symptom.value: coding(EMERGENCY_SYMPTOM, symptom.value,
                                  symptom.value.replace("_", " ").capitalize())
            for symptom in Symptom}

# The SPRAVATO 28 mg device. RxNorm (NLM, release of 2026-05-04 as listed by ndclist.com):
# RxCUI 2201625 "esketamine Nasal Spray [Spravato]" (SBDF); the NDC of one 28 mg device in
# its blister is 50458-028-00 (prescribing information, How Supplied).
ESKETAMINE_DEVICE = concept(
    coding(RXNORM, "2201625", "esketamine Nasal Spray [Spravato]"),
    coding(NDC, "50458-028-00", "SPRAVATO (esketamine) 28 mg nasal spray device"),
    text="esketamine 28 mg nasal spray device (SPRAVATO)")
NASAL_SPRAY = concept(coding(SNOMED, "385157007", "Nasal spray"))
NASAL_ROUTE = concept(coding(SNOMED, "46713006", "Nasal route"))
DEVICE_MG = 28  # R1.5: each device is 28 mg

MEDICAL_RECORD_NUMBER = concept(coding(IDENTIFIER_TYPE, "MR", "Medical record number"))
AMBULATORY = coding(ACT_CODE, "AMB", "ambulatory")
INPATIENT = coding(ACT_CODE, "IMP", "inpatient encounter")
VITAL_SIGNS = concept(coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"))
SURVEY = concept(coding(OBSERVATION_CATEGORY, "survey", "Survey"))
EXAM = concept(coding(OBSERVATION_CATEGORY, "exam", "Exam"))
