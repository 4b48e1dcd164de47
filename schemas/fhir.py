"""FHIR R4 export: the bulk export's query and, for the OpenAPI document, the Bundle's shape.

The resources themselves are FHIR JSON (spravato_ops/fhir/mapping.py); the document describes
only the Bundle around them.
"""
from marshmallow import Schema, fields, validate

from spravato_ops.db import MAX_ID


class ExportQuery(Schema):
    site_id = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    from_ = fields.Date(required=True, data_key="from",
                        metadata={"description": "first site-local day (inclusive)"})
    to = fields.Date(required=True, metadata={
        "description": "last site-local day (inclusive); the range spans at most 366 days"})


class BundleEntryOut(Schema):
    fullUrl = fields.String(metadata={"description": "urn:uuid: of the resource"})
    resource = fields.Dict(metadata={"description": "a FHIR R4 resource"})


class BundleOut(Schema):
    """A FHIR R4 Bundle of type `collection`."""

    resourceType = fields.String(metadata={"enum": ["Bundle"]})
    type = fields.String(metadata={"enum": ["collection"]})
    timestamp = fields.String(metadata={"description": "when the bundle was assembled (UTC)"})
    entry = fields.List(fields.Nested(BundleEntryOut))
