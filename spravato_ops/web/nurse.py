"""The nurse's tablet: the site's chairs today and the session screen."""
from pathlib import Path

from flask import abort, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..domain.calendar import local_date, zone
from ..domain.sweep_alerts import clinical_follow_ups
from ..permissions import OVERRIDE_ROLES
from ..services import nurse_day
from ..services.sites import sites_of
from .access import page, refuse_other_sites
from .alert_lists import alert_lists
from .views import bp

SITE_KEY = "nurse_site_id"


@bp.get("/nurse")
@page("nurse")
def nurse():
    """Today's chairs at the nurse's site; with several sites, the one picked (kept in session)."""
    session = get_session()
    sites = sites_of(session, user=current_user)
    site = _picked_site(sites)
    if site is None:
        return render_template("nurse.html", sites=sites, site=None, rows=[])
    now = clock.utcnow()
    alerts = alert_lists(session, site=site, now=now,
                         follow_ups_of=clinical_follow_ups(current_user.role))
    rows = nurse_day.chairs_today(session, site_id=site.id, day=local_date(now, site.timezone),
                                  now=now, alerts=[item.alert for item in alerts["alerts"].now])
    return render_template("nurse.html", sites=sites, site=site, rows=rows, **alerts)


@bp.get("/nurse/day-list")
@page("nurse")
def day_list():
    """Today's sessions at the nurse's site (`site_id`, else the one picked) on one printable
    page: for the morning's huddle, and on paper should the network fail (read-audited)."""
    session = get_session()
    sites = sites_of(session, user=current_user)
    site_id = request.args.get("site_id", type=int)
    site = next((s for s in sites if s.id == site_id), None) or _picked_site(sites)
    if site is None:
        return redirect(url_for("web.nurse"))
    today = local_date(clock.utcnow(), site.timezone)
    return render_template("nurse_day_list.html", site=site, day=today,
                           zone=zone(site.timezone),
                           rows=nurse_day.day_list(session, site_id=site.id, day=today))


@bp.get("/nurse/alerts")
@page("nurse")
def nurse_alerts():
    """The alerts about the patients in a site's chairs, as the chairs page lists them: the
    session screen shows them above the patient's record, refreshed by its script."""
    session = get_session()
    site_id = request.args.get("site_id", type=int)
    site = next((s for s in sites_of(session, user=current_user) if s.id == site_id), None)
    if site is None:
        abort(403, "This is a site you do not work at.")
    alerts = alert_lists(session, site=site, follow_ups_of=frozenset(), now=clock.utcnow())
    return render_template("nurse_alerts.html", **alerts)


@bp.get("/nurse/service-worker.js")
def service_worker():
    """The tablet's offline worker (static js/service_worker.js), served here for its scope."""
    script = Path(bp.static_folder, "js", "service_worker.js").read_text(encoding="utf-8")
    return script, {"Content-Type": "text/javascript; charset=utf-8"}


@bp.post("/nurse/site")
@page("nurse")
def pick_site():
    """Keep the site the nurse picked for this browser session."""
    browser_session[SITE_KEY] = request.form.get("site_id", type=int)
    return redirect(url_for("web.nurse"))


def _picked_site(sites):
    by_id = {site.id: site for site in sites}
    picked = by_id.get(browser_session.get(SITE_KEY))
    return picked or (sites[0] if sites else None)


@bp.get("/nurse/sessions/<int:session_id>")
@page("nurse")
def nurse_session(session_id):
    """One patient's session: checklist, vitals, devices, observations, timers, discharge."""
    header = nurse_day.session_header(get_session(), session_id=session_id)
    refuse_other_sites()
    return render_template("nurse_session.html", **header,
                           may_override=current_user.role in OVERRIDE_ROLES)
