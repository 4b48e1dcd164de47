"""Writing a session's clinical entries: lock, state, timestamps, corrections, audit, alerts."""
import functools
from dataclasses import dataclass, field

from sqlalchemy import bindparam, inspect
from sqlmodel import select

from ..clock import utcnow
from ..domain.calendar import local_day_bounds
from ..domain.policy import SitePolicy
from ..domain.session_record import SessionRecord
from ..domain.enums import SessionState as S
from ..domain.state_machine import TERMINAL, check_action
from ..domain.violations import hard_stop
from ..models import Site, TreatmentSession
from . import alerts as alert_service, audit
from .common import insert_row, update_record
from .failures import InvalidInput, NotFound, RuleRefusal
from .records import ENTRY_MODELS, build_record, read_entries
from .report_facts import keep_facts, one_session, renew_after_entry
from .rems_form_rows import reopen_signed_form
from .sites import policy_from, with_policy

# In the session's InstanceState.info: (its site's id, that site's time zone), read with it.
TIMEZONE_KEY = "site_timezone"
# A correction may be made from arrival on, including after discharge (late corrections).
AMENDABLE_STATES = frozenset({S.ARRIVED, S.CHECKED_IN, S.DOSING, S.OBSERVING, S.DISCHARGED,
                              S.WITHHELD})


@dataclass
class Written:
    """What a treatment-day write returns to the view."""

    entry: object
    session: TreatmentSession
    warnings: list = field(default_factory=list)
    alerts: list = field(default_factory=list)


def rolls_back(func):
    """Roll the session back when a service refuses, so no half-written row survives."""

    @functools.wraps(func)
    def wrapper(session, **kwargs):
        try:
            return func(session, **kwargs)
        except BaseException:
            session.rollback()
            raise

    return wrapper


def lock_session(session, session_id):
    """Load the session row locked to commit (see session_with_policy); 404 when unknown."""
    return session_with_policy(session, session_id, lock=True)[0]


def check_state(treatment_session, action, *, explain=None):
    """Refuse (409, naming the state) an action the session's state does not allow.

    `explain()` may name the rule behind the refusal (e.g. R1.5 too_many_devices when
    the dose is complete); its violations are reported first.
    """
    problem = check_action(treatment_session.state, action)
    if problem is not None:
        raise RuleRefusal([*(explain() if explain else ()), problem])


def check_amend_state(treatment_session):
    if S(treatment_session.state) not in AMENDABLE_STATES:
        raise RuleRefusal([hard_stop("state", "invalid_state", "Cannot correct an entry: the "
                                     f"session is {treatment_session.state}.")])


def validate_times(session, treatment_session, times, *, clock_skew, now=None):
    """422 per field for an instant in the future (beyond `clock_skew` after `now`, default
    the clock) or before the day."""
    skew = clock_skew
    latest = (now or utcnow()) + skew
    timezone = site_timezone(session, treatment_session)
    day_start, _ = local_day_bounds(treatment_session.local_day, timezone)
    errors = {}
    for name, value in times.items():
        if value is None:
            continue
        if value > latest:
            errors[name] = [f"Must not be in the future (more than {int(skew.total_seconds())} s "
                            "ahead of the server clock)."]
        elif value < day_start:
            errors[name] = [f"Must not be before the session's day "
                            f"({treatment_session.local_day.isoformat()}, {timezone})."]
    if errors:
        raise InvalidInput(errors)


def refuse_mistimed(problem):
    """422 for a time a rule puts on the wrong side of the first device (domain.entry_times)."""
    if problem is not None:
        raise InvalidInput({problem.field: [problem.message]})


def site_timezone(session, treatment_session):
    """The time zone of the session's site: the one session_with_policy read with it, else
    from the database.

    Kept on the session's ORM state because the identity map holds rows only while they are
    referenced elsewhere, so a second read could query again.
    """
    kept = inspect(treatment_session).info.get(TIMEZONE_KEY)
    if kept is not None and kept[0] == treatment_session.site_id:
        return kept[1]
    return session.exec(select(Site.timezone).where(Site.id == treatment_session.site_id)).one()


@dataclass(frozen=True)
class Prepared:
    """A session ready for a new entry: locked, its state checked, with its record, its
    entries (read-only rows of the columns the rules read), its site's policy and (for a
    correction) the stored entry of `kind` it amends. The entries and the record hold the
    kinds prepare was told to read; the others are empty."""

    session: TreatmentSession
    record: SessionRecord
    entries: dict
    policy: SitePolicy
    original: object = None


def prepare(session, *, session_id, action, kind=None, amends=None, explain=None, missing=None,
            reads=tuple(ENTRY_MODELS)):
    """Lock the session with its site (one query), check its state, read its entries of the
    kinds `reads`, those its rules need (one query, none for no kind; a correction reads its
    `kind` too) and load the entry a correction amends (see amended_entry; `missing` as
    there).

    `explain(record)` may name the rule behind a state refusal (see check_state).
    """
    treatment_session, policy = session_with_policy(session, session_id, lock=True)
    if amends is not None and kind not in reads:
        reads = (*reads, kind)
    entries = read_entries(session, [treatment_session.id], reads)[treatment_session.id]
    record = build_record(treatment_session, entries)
    if amends is not None:
        check_amend_state(treatment_session)
    else:
        check_state(treatment_session, action, explain=explain and (lambda: explain(record)))
    # The rules read rows of a few columns; a correction copies and audits its original whole.
    amended = (amended_entry(entries[kind], amends, missing=missing)
               if kind and amends is not None else None)
    original = session.get(ENTRY_MODELS[kind], amended.id) if amended is not None else None
    return Prepared(treatment_session, record, entries, policy, original)


def session_with_policy(session, session_id, *, lock=False):
    """Return (session, its site's SitePolicy) in one query; 404 for an unknown session.

    lock=True locks the session's row to commit, read afresh, so that writes to one session
    (its record, its state, its If-Match version) run one at a time and check what the
    previous one committed. FOR NO KEY UPDATE: it excludes the other writers all the same,
    and leaves alone the rows that only refer to the session (an alert raised meanwhile).
    The time zone of the session's site comes in the same query and stays with it
    (site_timezone).
    """
    found = session.exec(_session_with_policy_query(lock),
                         params={"session_id": session_id}).first()
    if found is None:
        raise NotFound(f"Session {session_id} not found.")
    treatment_session, timezone, settings = found
    inspect(treatment_session).info[TIMEZONE_KEY] = (treatment_session.site_id, timezone)
    return treatment_session, policy_from(settings)


@functools.cache
def _session_with_policy_query(lock):
    """The session `session_id` with its site's time zone and policy settings (built once)."""
    query = with_policy(select(TreatmentSession, Site.timezone)
                        .join(Site, Site.id == TreatmentSession.site_id)
                        .where(TreatmentSession.id == bindparam("session_id")), site_id=Site.id)
    if lock:
        query = (query.with_for_update(of=TreatmentSession, key_share=True)
                 .execution_options(populate_existing=True))
    return query


def amended_entry(entries, amends_id, *, missing=None):
    """Return the entry (of `entries`) a correction amends, refusing one that another entry
    already amends."""
    if amends_id is None:
        return None
    original = next((e for e in entries if e.id == amends_id), None)
    if original is None:
        if missing is not None:
            missing()
        raise InvalidInput({"amends": [f"No entry {amends_id} of this kind in this session."]})
    later = next((e.id for e in entries if e.amends_id == amends_id), None)
    if later is not None:
        raise RuleRefusal([hard_stop("amend", "already_amended",
                                     f"Entry {amends_id} was already corrected by entry {later}; "
                                     "correct the latest entry instead.")])
    return original


def save_entry(session, entry, *, entity, actor, original=None, reason=None):
    """Add a clinical entry (or a correction of `original`) with its audit row; a signed REMS
    form of the session reopens (R4.3), and an ended session's report facts are renewed."""
    entry.recorded_by, entry.recorded_at = actor.id, utcnow()
    if original is not None:
        entry.amends_id, entry.amend_reason = original.id, reason.strip()
    insert_row(session, entry)
    audit.record(session, action="amend" if original is not None else "create", entity=entity,
                 entity_id=entry.id, actor=actor,
                 before=audit.snapshot(original) if original is not None else None,
                 after=audit.snapshot(entry))
    reopen_signed_form(session, entry, entity=entity, actor=actor, reason=reason)
    renew_after_entry(session, entry)
    return entry


def move(session, treatment_session, state, *, actor, action="update", **changes):
    """Change the session's state (and any other fields) with its version and an audit row;
    the caller commits. A move that changes nothing (dosing to dosing) writes nothing. A
    session that ends keeps its report facts."""
    ends = S(state) in TERMINAL and S(treatment_session.state) not in TERMINAL
    update_record(session, treatment_session, {"state": S(state).value, **changes},
                  entity="session", actor=actor, action=action)
    if ends:
        keep_facts(session, one_session(treatment_session.id))


def keep_override(treatment_session, override, *, entity, entry):
    """Keep a prescriber's override on the session for the REMS form (the entry has the reason)."""
    if override is None:
        return
    treatment_session.overrides = [*treatment_session.overrides,
                                   {**override, "entity": entity, "entry_id": entry.id}]


def raise_alerts(session, treatment_session, alerts, *, source):
    """Raise the staff alerts (domain.alerts.Alert) an entry calls for; return the new ones."""
    raised = []
    for found in alerts:
        kind = found.kind.value
        alert = alert_service.raise_alert(
            session, site_id=treatment_session.site_id, session_id=treatment_session.id,
            patient_id=treatment_session.patient_id, kind=kind, rule=found.rule,
            message=found.message, dedupe_key=f"{source}:{kind}")
        if alert is not None:
            raised.append(alert)
    session.flush()
    return raised
