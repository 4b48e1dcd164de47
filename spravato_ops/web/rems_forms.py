"""The REMS forms work queue: each form due with its days left and what is missing, and the
buttons to open, sign (prescribers) and record its submission (nurses, prescribers)."""
from flask import render_template, request
from flask_login import current_user

from .. import clock, permissions
from ..db import get_session
from ..domain.enums import FormStatus
from ..printing import site_time
from ..services.rems_form_views import form_queue
from ..services.sites import sites_of
from .access import page
from .views import bp

SIGN = "POST /sessions/{}/rems-form/sign"
SUBMIT = "POST /sessions/{}/rems-form/submission"
QUEUE_LIMIT = 200


@bp.get("/rems-forms")
@page("rems_forms")
def rems_forms():
    """The queue of the user's sites (or one of them), oldest deadline first, by status."""
    session = get_session()
    sites = sites_of(session, user=current_user)
    site = next((s for s in sites if s.id == request.args.get("site_id", type=int)), None)
    status = request.args.get("status")
    status = FormStatus(status) if status in set(FormStatus) else None
    forms = form_queue(session, site_ids=[site.id] if site else [s.id for s in sites],
                       now=clock.utcnow(), status=status, limit=QUEUE_LIMIT)
    zones = {s.id: s.timezone for s in sites}
    return render_template(
        "rems_forms.html", forms=forms, sites=sites, site=site, status=status,
        statuses=list(FormStatus), limit=QUEUE_LIMIT,
        may_sign=current_user.role in permissions.MATRIX[SIGN],
        may_submit=current_user.role in permissions.MATRIX[SUBMIT],
        local=lambda form, instant: site_time(instant, zones[form["site_id"]]))
