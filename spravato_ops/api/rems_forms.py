"""REMS Patient Monitoring Forms (R4.3): a session's form, printable and as PDF, its signing
and submission, and the work queue of forms."""
from flask import Response, g, render_template
from flask_smorest import Blueprint

from schemas.rems_form import RemsFormOut, RemsFormQuery, RemsFormSummaryOut, SubmissionIn

from ..clock import utcnow
from ..db import get_session
from ..printing import html_to_pdf, site_time
from ..services import rems_form_views as views, rems_forms as service
from ..services.sites import sites_of
from .common import clock_skew, if_match_version, with_etag

bp = Blueprint("rems_forms", __name__, url_prefix="/api/v1",
               description="REMS Patient Monitoring Forms (R4.3)")
FORM = "/sessions/<int:session_id>/rems-form"


def _document(mimetype, description):
    return bp.doc(responses={"200": {"description": description,
                                     "content": {mimetype: {"schema": {"type": "string"}}}}})


@bp.get(FORM)
@bp.response(200, RemsFormOut)
def get_form(session_id):
    """The form's fields from the chart (as signed, once signed), the check naming each field
    missing or inconsistent, its status and deadline, and its signatures."""
    view = views.form_view(get_session(), session_id=session_id, now=utcnow())
    return with_etag(view, view["version"])


def _printable(session_id):
    view = views.form_view(get_session(), session_id=session_id, now=utcnow())
    return render_template("rems_form.html", form=view, fields=view["fields"],
                           local=lambda instant: site_time(instant, view["site_timezone"]))


@bp.get(FORM + ".html")
@_document("text/html", "the form laid out on one US Letter page (print it from the browser)")
def get_form_html(session_id):
    return Response(_printable(session_id), mimetype="text/html")


@bp.get(FORM + ".pdf")
@_document("application/pdf", "the printable form as PDF (one US Letter page)")
def get_form_pdf(session_id):
    pdf = html_to_pdf(_printable(session_id))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="rems-form-session-{session_id}.pdf"'})


@bp.post(FORM + "/sign")
@bp.response(200, RemsFormOut)
def sign_form(session_id):
    """Prescriber only: sign a complete form (409 naming each missing field otherwise). The
    record is then locked: a correction reopens the form for a new signature."""
    view = service.sign_form(get_session(), session_id=session_id, actor=g.current_user,
                             now=utcnow(), expected_version=if_match_version())
    return with_etag(view, view["version"])


@bp.post(FORM + "/submission")
@bp.arguments(SubmissionIn())
@bp.response(201, RemsFormOut)
def record_submission(data, session_id):
    """Record how the signed form went to the REMS: `online` or `fax`, the confirmation number,
    when (default now) and who."""
    view = service.record_submission(get_session(), session_id=session_id, actor=g.current_user,
                                     now=utcnow(), clock_skew=clock_skew(), data=data,
                                     expected_version=if_match_version())
    return with_etag(view, view["version"])


@bp.get("/rems-forms")
@bp.arguments(RemsFormQuery(), location="query")
@bp.response(200, RemsFormSummaryOut(many=True))
def list_forms(query):
    """The work queue, oldest deadline first: every form not submitted (or those of `status`)
    at `site_id`, or at the sites you work at."""
    session = get_session()
    site_ids = ([query["site_id"]] if "site_id" in query
                else [site.id for site in sites_of(session, user=g.current_user)])
    return views.form_queue(session, site_ids=site_ids, now=utcnow(), status=query.get("status"),
                            limit=query["limit"], offset=query["offset"])
