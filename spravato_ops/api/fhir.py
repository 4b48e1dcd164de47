"""FHIR R4: a session's collection Bundle, and a site's sessions as NDJSON (bulk export)."""
import json

from flask import Response, current_app, stream_with_context
from flask_smorest import Blueprint

from schemas.fhir import BundleOut, ExportQuery

from ..clock import utcnow
from ..db import get_session
from ..services import fhir as service

bp = Blueprint("fhir", __name__, url_prefix="/api/v1",
               description="FHIR R4 export: sessions as Bundles and as NDJSON (no front desk)")
FHIR_JSON = "application/fhir+json"
FHIR_NDJSON = "application/fhir+ndjson"


@bp.get("/sessions/<int:session_id>/fhir")
@bp.response(200, BundleOut, content_type=FHIR_JSON)
def session_bundle(session_id):
    """The session as a FHIR R4 `collection` Bundle.

    Patient, Location, Practitioners, Encounter, a MedicationAdministration per device (one
    `not-done` for a withheld dose) and the Observations; corrections replace what they
    correct. Codes and systems: docs/api.md.
    """
    bundle = service.session_bundle(get_session(), session_id=session_id, now=utcnow(),
                                    identifier_base=current_app.config["FHIR_IDENTIFIER_BASE"])
    return Response(json.dumps(bundle), mimetype=FHIR_JSON)


@bp.get("/fhir/$export")
@bp.arguments(ExportQuery(), location="query")
@bp.doc(responses={"200": {
    "description": "one FHIR R4 resource per line: the site's Location, then each session's "
                   "Patient and Practitioners (once), Encounter, MedicationAdministrations "
                   "and Observations, by day; references are `Type/id`",
    "content": {FHIR_NDJSON: {"schema": {"type": "string"}}}}})
def bulk_export(query):
    """A site's sessions on the site-local days `from`..`to` as NDJSON, streamed.

    The range spans at most 366 days; the resources are those of the session Bundle.
    """
    lines = service.site_export(get_session(), site_id=query["site_id"],
                                first_day=query["from_"], last_day=query["to"],
                                identifier_base=current_app.config["FHIR_IDENTIFIER_BASE"],
                                batch_size=current_app.config["FHIR_EXPORT_BATCH_SIZE"])
    return Response(stream_with_context(lines), mimetype=FHIR_NDJSON)
