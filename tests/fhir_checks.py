"""FHIR checks for the tests: validation with the R4 models of `fhir.resources`, references.

fhir.resources 8 ships R5 at its root and R4B (4.3.0) under `fhir.resources.R4B`; its R4
(4.0.1) models need pydantic 1. R4B changed none of the resources the export uses (Patient,
Location, Practitioner, Encounter, MedicationAdministration, Medication, Observation,
Bundle), so R4B's models stand for R4's; they refuse unknown fields and malformed values.
"""
from fhir.resources.R4B import get_fhir_model_class


def validated(resource):
    """Validate a resource (a Bundle with all its entries) with its R4B model; return it."""
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def references(value):
    """Every `reference` anywhere in a resource, contained resources included."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference":
                yield item
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def unresolved(resource, known):
    """The references of `resource` that name neither one of `known` nor a resource it contains."""
    contained = {f"#{inner['id']}" for inner in resource.get("contained", [])}
    return [ref for ref in references(resource) if ref not in known and ref not in contained]


def bundle_resources(bundle):
    """{resourceType: [resources]} of a bundle, after checking that every reference resolves."""
    full_urls = {entry["fullUrl"] for entry in bundle["entry"]}
    by_type = {}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert unresolved(resource, full_urls) == [], resource["resourceType"]
        by_type.setdefault(resource["resourceType"], []).append(resource)
    return by_type


def codes(concept):
    return {(coding["system"], coding["code"]) for coding in concept["coding"]}
