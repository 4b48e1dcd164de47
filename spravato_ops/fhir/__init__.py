"""FHIR R4 resources of a treatment session, built from stored records (no database, no Flask)."""
