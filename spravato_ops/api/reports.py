"""The medical director's report of a site and date range, as JSON and as CSV tables."""
from flask import Response
from flask_smorest import Blueprint

from schemas.report import ReportCsvQuery, ReportOut, ReportQuery

from ..clock import utcnow
from ..db import get_session
from ..services.report_tables import csv_text, report_table
from ..services.reports import clinic_report

bp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Reports")


def _report(query):
    return clinic_report(get_session(), site_id=query["site_id"], first_day=query["from_"],
                         last_day=query["to"], now=utcnow())


@bp.get("/reports")
@bp.arguments(ReportQuery(), location="query")
@bp.response(200, ReportOut)
def get_report(query):
    """Sessions, discharge times, BP rises, sedation, dissociation, SpO2, course gaps, REMS
    forms and chair utilisation of one site over site-local days `from`..`to`."""
    return _report(query)


@bp.get("/reports.csv")
@bp.arguments(ReportCsvQuery(), location="query")
@bp.doc(responses={"200": {"description": "one table of the report as CSV",
                           "content": {"text/csv": {"schema": {"type": "string"}}}}})
def get_report_csv(query):
    """One table of the report (`table`) as CSV, a header row first."""
    table = report_table(_report(query), query["table"])
    name = f"report-{query['site_id']}-{query['from_']}-{query['to']}-{table.name}.csv"
    return Response(csv_text(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
