"""Every read of a patient's clinical record leaves an audit row (who saw what, when).

The reads are named here once, by operation (API.md's spelling, `auth.operation_name`) or by
page endpoint; a successful answer to one of them is audited after the view has run, on the
request's own database session (a streamed answer, whose reading goes on after this, gets a
session of its own). Writes audit themselves (services/audit.record).
"""
from flask import g, request

from .auth import operation_name
from .db import get_session
from .services.audit import record_read

# Operation or page endpoint -> (audited entity, URL argument naming its id).
CLINICAL_READS = {
    "GET /sessions/{}/record": ("session_record", "session_id"),
    "GET /sessions/{}/fhir": ("session_record", "session_id"),
    "GET /sessions/{}/rems-form": ("rems_form", "session_id"),
    "GET /sessions/{}/rems-form.html": ("rems_form", "session_id"),
    "GET /sessions/{}/rems-form.pdf": ("rems_form", "session_id"),
    "GET /fhir/$export": ("fhir_export", "site_id"),
    "GET /rems-forms": ("rems_form_queue", "site_id"),
    "web.rems_forms": ("rems_form_queue", "site_id"),
    "GET /patients/{}/screening": ("screening", "patient_id"),
    "web.nurse_session": ("session_record", "session_id"),
    "web.patient": ("patient_record", "patient_id"),
    "web.ride": ("ride_home", "session_id"),  # the checklist's ride home (R3.5)
    "web.day_list": ("day_list", "site_id"),  # the day's sessions, to print
}
# Query arguments kept with the row (what range an export covered); never a search term.
KEPT_ARGUMENTS = ("site_id", "from", "to")


def _read_name():
    if request.url_rule is None or request.method not in ("GET", "HEAD"):
        return None
    if request.endpoint in CLINICAL_READS:
        return request.endpoint
    return operation_name("GET", request.url_rule.rule)


def audit_clinical_read(response):
    """After a successful read of a clinical record, add its audit row."""
    name = _read_name()
    user = g.get("current_user")
    if name not in CLINICAL_READS or response.status_code != 200 or user is None:
        return response
    entity, argument = CLINICAL_READS[name]
    entity_id = (request.view_args or {}).get(argument, request.args.get(argument))
    details = {key: request.args[key] for key in KEPT_ARGUMENTS if key in request.args} or None
    record_read(get_session(), entity=entity, entity_id=entity_id, actor=user, details=details)
    return response


def init_app(app):
    app.after_request(audit_clinical_read)
