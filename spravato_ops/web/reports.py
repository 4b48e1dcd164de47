"""The medical director's report page: site and date pickers, charts, tables, CSV, print."""
from datetime import date, timedelta

from flask import render_template, request, url_for
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..domain.calendar import local_date
from ..domain.label import BP_RISE_DIASTOLIC, BP_RISE_SYSTOLIC
from ..domain.reports import MAX_REPORT_DAYS, range_errors
from ..services.report_tables import (
    TABLE_NAMES, WEEKDAY_NAMES, display_value, report_tables,
)
from ..services.reports import clinic_report
from ..services.sites import sites_of
from .access import page
from .board import chosen_site
from .charts import bar_chart, column_chart, histogram_position
from .views import bp

# Without dates the page shows the 4 weeks up to today (site-local).
DEFAULT_DAYS = 28


@bp.get("/reports")
@page("reports")
def reports():
    """Render the report of the chosen site and range; a bad range shows what to correct."""
    session = get_session()
    sites = sites_of(session, user=current_user)
    site = chosen_site(sites, request.args.get("site_id", type=int))
    now = clock.utcnow()
    today = local_date(now, site.timezone)
    first, first_error = _date_argument("from", today - timedelta(days=DEFAULT_DAYS - 1))
    last, last_error = _date_argument("to", today)
    errors = {**range_errors(first, last), **first_error, **last_error}
    report = None if errors else clinic_report(session, site_id=site.id, first_day=first,
                                               last_day=last, now=now)
    page_html = render_template(
        "reports.html", site=site, sites=sites, first=first, last=last, errors=errors,
        report=report, max_days=MAX_REPORT_DAYS, rise=(BP_RISE_SYSTOLIC, BP_RISE_DIASTOLIC),
        tables={t.name: t for t in report_tables(report)} if report else {},
        charts=_charts(report) if report else {}, csv_urls=_csv_urls(site, first, last),
        display=display_value, long_date=long_date,
        days=(last - first).days + 1 if first and last else None)
    return page_html, 422 if errors else 200


def _csv_urls(site, first, last):
    """The download of each table: GET /api/v1/reports.csv with the page's site and range."""
    return {name: url_for("reports.get_report_csv", site_id=site.id, to=last, table=name,
                          **{"from": first})
            for name in TABLE_NAMES}


def _date_argument(name, default):
    """(the date given as `name`, or `default` when none; {name: [problem]} if unreadable)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default, {}
    try:
        return date.fromisoformat(raw), {}
    except ValueError:
        return None, {name: ["Give a date (YYYY-MM-DD)."]}


def long_date(day):
    """March 3, 2025."""
    return f"{day:%B} {day.day}, {day.year}"


def percent(value):
    return display_value(value, "percent")


def _axis_label(b):
    """A histogram bar's label under its column: its first minute (the table gives ranges)."""
    if b["from_minute"] is None:
        return f"<{b['to_minute']}"
    return f"{b['from_minute']}+" if b["to_minute"] is None else str(b["from_minute"])


def _charts(report):
    """The charts of the report, by section."""
    s, d, f = report["sessions"], report["discharge_times"], report["rems_forms"]
    bp, defs = report["blood_pressure"], report["definitions"]
    dosed = s["held"]
    bins = d["histogram"]
    markers = [(f"{name} {display_value(d[key], 'minutes')}", histogram_position(d[key], bins))
               for name, key in (("median", "median_minutes"), ("90th pct", "p90_minutes"))
               if d[key] is not None]

    def of_dosed(n):
        return n / dosed if dosed else 0

    return {
        "sessions": bar_chart("chart-sessions", "Sessions by outcome", [
            ("Held", s["held"]), ("Withheld", s["withheld"]), ("Cancelled", s["cancelled"]),
            ("No-show", s["no_show"]), ("Still booked", s["open"])]),
        "discharge_times": column_chart(
            "chart-discharge", "Sessions by minutes from the first device to discharge",
            [(_axis_label(b), b["sessions"]) for b in bins], markers=markers),
        "safety": bar_chart("chart-safety", "Share of dosed sessions with each finding", [
            (f"BP rise {defs['bp_rise']}+", of_dosed(bp["sessions_with_rise"])),
            (f"BP above {defs['bp_alert']}", of_dosed(bp["sessions_above_alert"])),
            ("Sedation", of_dosed(report["sedation"]["sessions"])),
            ("Dissociation", of_dosed(report["dissociation"]["sessions"])),
            (f"SpO2 below {defs['spo2_min']}%", of_dosed(report["spo2"]["sessions_below"]))],
            text=percent, maximum=1),
        "rems_forms": bar_chart("chart-forms", "REMS forms of the sessions that need one", [
            ("On time", f["on_time"]), ("Late", f["late"]), ("Not yet due", f["open"]),
            ("Overdue", f["overdue"]), ("No form", f["no_form"])]) if f["required"] else None,
        "chair_utilisation": column_chart(
            "chart-utilisation", "Utilisation of all chairs by weekday",
            [(day, cell["utilisation"] or 0) for day, cell
             in zip(WEEKDAY_NAMES, report["chair_utilisation"]["all_chairs"])],
            text=percent, maximum=1),
    }
