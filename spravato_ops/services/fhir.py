"""FHIR R4 of treatment sessions: one session's collection Bundle, a site's sessions as NDJSON.

Both read through the read layer (views, records) and carry the corrections in place of what
they correct (fhir/mapping.py builds the resources). The bulk export reads BATCH_SIZE sessions
at a time (keyset pages) with their entries, and closes its database session before the
client reads each page's lines: memory stays bounded whatever the range (only the ids of the
patients and staff already sent are kept), and no read transaction or lock is held meanwhile.
"""
import json

from ..fhir import mapping
from ..models import Site
from . import views
from .common import get_existing
from .failures import InvalidInput
from .records import current, originals, read_entries

# The entry kinds the export shows (adverse events and checklists are not part of it).
KINDS = ("vitals", "devices", "observations", "discharges")
BATCH_SIZE = 200
MAX_EXPORT_DAYS = 366


def session_bundle(session, *, session_id, identifier_base, now):
    """The `collection` Bundle of one session: its patient, site and staff, the encounter,
    the doses and every current reading. Every reference resolves inside the bundle."""
    place = views.session_place(session, session_id)
    facts = _facts(place.session, place.site,
                   read_entries(session, [session_id], KINDS, every_column=True)[session_id])
    ids = mapping.Ids(identifier_base)
    resources = [mapping.patient(ids, place.patient), mapping.location(ids, place.site),
                 *(mapping.practitioner(ids, user)
                   for user in views.staff_members(session, facts.staff_ids())),
                 *mapping.session_resources(ids, facts)]
    return mapping.bundle(resources, timestamp=now)


def site_export(session, *, site_id, first_day, last_day, identifier_base,
                batch_size=BATCH_SIZE):
    """The NDJSON lines (one resource each) of a site's sessions on the site-local days
    first_day..last_day: the site's Location first, then each patient and staff member before
    the first resource that refers to them. The site and the range are checked here, before
    the lines are read, so that a stream once started does not fail on the request's input."""
    site = get_existing(session, Site, site_id, "Site")
    check_range(first_day, last_day)
    ids = mapping.Ids(identifier_base, in_bundle=False)
    return _export_lines(session, site, first_day, last_day, ids, batch_size)


def check_range(first_day, last_day):
    """422 for a range that ends before it starts or spans more than MAX_EXPORT_DAYS days."""
    if last_day < first_day:
        raise InvalidInput({"to": ["Must not be before `from`."]})
    if (last_day - first_day).days >= MAX_EXPORT_DAYS:
        raise InvalidInput({"to": [f"The range may span at most {MAX_EXPORT_DAYS} days."]})


def _export_lines(session, site, first_day, last_day, ids, batch_size):
    """The lines of site_export; the stream outlives the request, so it closes `session` when it
    ends or is closed (a client gone), whoever else closed it before."""
    try:
        yield _line(mapping.location(ids, site))
        yield from _session_lines(session, site, first_day, last_day, ids, batch_size)
    finally:
        session.close()


def _session_lines(session, site, first_day, last_day, ids, batch_size):
    sent_patients, sent_staff, after = set(), set(), None
    while page := views.site_sessions_page(session, site_id=site.id, first_day=first_day,
                                           last_day=last_day, limit=batch_size, after=after):
        entries = read_entries(session, [record.id for record, _ in page], KINDS,
                               every_column=True)
        read = [(_facts(record, site, entries[record.id]), patient) for record, patient in page]
        staff_ids = set().union(*(facts.staff_ids() for facts, _ in read)) - sent_staff
        staff = views.staff_members(session, staff_ids)
        session.close()  # the rows read stay usable; the connection goes back meanwhile
        sent_staff |= staff_ids
        for user in staff:
            yield _line(mapping.practitioner(ids, user))
        for facts, patient in read:
            if patient.id not in sent_patients:
                sent_patients.add(patient.id)
                yield _line(mapping.patient(ids, patient))
            for resource in mapping.session_resources(ids, facts):
                yield _line(resource)
        last = page[-1][0]
        after = (last.local_day, last.id)


def _facts(treatment_session, site, entries):
    """A session's entries as mapping.SessionFacts: the current ones and their originals."""
    return mapping.SessionFacts(
        treatment_session, site,
        entries={kind: current(rows) for kind, rows in entries.items()},
        originals={kind: originals(rows) for kind, rows in entries.items()})


def _line(resource):
    return json.dumps(resource, separators=(",", ":")) + "\n"
