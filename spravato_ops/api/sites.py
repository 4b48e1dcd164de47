"""Sites, chairs and site policy."""
from flask import g
from flask_smorest import Blueprint

from schemas.capacity import CapacityOut, CapacityQuery, NeedsBookingOut
from schemas.site import (
    ChairChangedOut, ChairIn, ChairOut, ChairPatch, ConflictOut, PolicyIn, PolicyOut, SiteIn,
    SiteOut, SitePatch,
)

from ..clock import utcnow
from ..db import get_session
from ..services import capacity, sites as service
from ..services.common import get_existing
from ..models import Site
from .common import if_match_version, with_etag
from .presenters import site_view

bp = Blueprint("sites", __name__, url_prefix="/api/v1/sites", description="Sites, chairs, policy")


@bp.post("")
@bp.arguments(SiteIn())
@bp.response(201, SiteOut)
def create_site(data):
    """Register a treatment site (R4.1)."""
    return site_view(service.create_site(get_session(), data=data, actor=g.current_user))


@bp.get("")
@bp.response(200, SiteOut(many=True))
def list_sites():
    return [site_view(site) for site in service.list_sites(get_session())]


@bp.get("/<int:site_id>")
@bp.response(200, SiteOut)
def get_site(site_id):
    site = get_existing(get_session(), Site, site_id, "Site")
    return with_etag(site_view(site), site.version)


@bp.patch("/<int:site_id>")
@bp.arguments(SitePatch())
@bp.response(200, SiteOut)
def update_site(changes, site_id):
    """Change a site; send If-Match with the version you read."""
    site = service.update_site(get_session(), site_id=site_id, changes=changes,
                               actor=g.current_user, expected_version=if_match_version())
    return with_etag(site_view(site), site.version)


@bp.post("/<int:site_id>/chairs")
@bp.arguments(ChairIn())
@bp.response(201, ChairOut)
def add_chair(data, site_id):
    return service.add_chair(get_session(), site_id=site_id, label=data["label"],
                             actor=g.current_user)


@bp.patch("/<int:site_id>/chairs/<int:chair_id>")
@bp.arguments(ChairPatch())
@bp.response(200, ChairChangedOut)
def update_chair(changes, site_id, chair_id):
    """Rename a chair, or take it out of use (`active: false`: no new booking on it; the
    sessions booked on it stay, counted in `still_booked`, for the schedulers to move)."""
    session = get_session()
    chair = service.update_chair(session, site_id=site_id, chair_id=chair_id, changes=changes,
                                 actor=g.current_user)
    return dict(chair.model_dump(),
                still_booked=service.sessions_booked_on(session, chair_id=chair.id,
                                                        now=utcnow()))


@bp.get("/<int:site_id>/chairs")
@bp.response(200, ChairOut(many=True))
def list_chairs(site_id):
    return service.list_chairs(get_session(), site_id=site_id)


@bp.get("/<int:site_id>/policy")
@bp.response(200, PolicyOut)
def get_policy(site_id):
    """The site's P-ids (DOMAIN.md), defaults where none were set."""
    session = get_session()
    get_existing(session, Site, site_id, "Site")
    record = service.policy_record(session, site_id)
    version = record.version if record else 0
    body = dict(service.site_policy(session, site_id).to_mapping(), site_id=site_id,
                version=version)
    return with_etag(body, version)


@bp.put("/<int:site_id>/policy")
@bp.arguments(PolicyIn())
@bp.response(200, PolicyOut)
def replace_policy(settings, site_id):
    """Replace the site's P-ids; keys left out return to their defaults."""
    record = service.replace_policy(get_session(), site_id=site_id, settings=settings,
                                    actor=g.current_user, expected_version=if_match_version())
    return with_etag(dict(record.settings, site_id=site_id, version=record.version), record.version)


@bp.get("/<int:site_id>/conflicts")
@bp.response(200, ConflictOut(many=True))
def list_conflicts(site_id):
    """Sessions to come that the site's opening hours leave outside (P-HOURS), to move."""
    return service.opening_conflicts(get_session(), site_id=site_id, now=utcnow())


@bp.get("/<int:site_id>/capacity")
@bp.arguments(CapacityQuery(), location="query")
@bp.response(200, CapacityOut)
def get_capacity(query, site_id):
    """Chair-hours open, booked and expected per site-local day, and the days over capacity
    (P-HOURS, P-SLOT, R1.1, R1.3); 422 for a range past 62 days."""
    return capacity.site_capacity(get_session(), site_id=site_id, now=utcnow(),
                                  first_day=query.get("from_"), last_day=query.get("to"))


@bp.get("/<int:site_id>/needs-booking")
@bp.response(200, NeedsBookingOut)
def get_needs_booking(site_id):
    """Courses whose next due window is open with no session booked from today on (R1.7)."""
    return capacity.needs_booking(get_session(), site_id=site_id, now=utcnow())
