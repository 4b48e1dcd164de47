"""The open alerts on a staff page (templates/_alerts.html): each names its patient, links to
where it is acted on, and says since when in the site's time."""
from flask import url_for

from ..domain.calendar import zone
from ..domain.sweep_alerts import REMS_FORM_KINDS, is_follow_up
from ..services.alert_views import site_alerts

# Who the follow-ups a page leaves to others are for (an alert's role; none: clinical staff).
ROLE_NAMES = {"scheduler": "schedulers", "prescriber": "prescribers", "nurse": "nurses",
              "admin": "admins", None: "clinical staff"}


def alert_lists(session, *, site, follow_ups_of, now):
    """The template's `alerts` (now, follow-ups, for others) with its `alert_link` and
    `alert_since` helpers."""
    today = now.astimezone(zone(site.timezone)).date()

    def alert_since(instant):
        local = instant.astimezone(zone(site.timezone))
        return f"{local:%H:%M}" if local.date() == today else f"{local:%m/%d %H:%M}"

    return {"alerts": site_alerts(session, site_id=site.id, follow_ups_of=follow_ups_of),
            "alert_link": alert_link, "alert_since": alert_since, "role_names": ROLE_NAMES}


def alert_link(listed):
    """Where staff act on an alert: the session screen for a patient in a chair, the REMS
    forms queue for a form, the patient's page for the rest of the course; or none."""
    alert = listed.alert
    if not is_follow_up(alert.kind) and alert.session_id is not None:
        return url_for("web.nurse_session", session_id=alert.session_id)
    if alert.kind in REMS_FORM_KINDS:
        return url_for("web.rems_forms", site_id=alert.site_id, _anchor=f"form-{alert.session_id}")
    if listed.patient_id is not None:
        return url_for("web.patient", patient_id=listed.patient_id)
    return None
