"""Apply rule outcomes to a request: refuse stops, allow a prescriber's override, keep warnings."""
from ..clock import utcnow
from ..domain.enums import ViolationKind
from ..domain.violations import split
from ..permissions import OVERRIDE_ROLES
from .failures import NotPermitted, RuleRefusal


def enforce(violations, *, actor, override=None):
    """Refuse the request unless only soft stops remain and a prescriber overrode them.

    Returns `(warnings, override_record)`: the warnings to show, and the override
    to store on the record (None when nothing was overridden). Hard stops refuse
    the request whatever the override; every violation is reported at once.
    """
    stops, warnings = split(violations)
    if override is not None and actor.role not in OVERRIDE_ROLES:
        raise NotPermitted("Only a prescriber may override a soft stop.")
    hard = [v for v in stops if v.kind is ViolationKind.HARD_STOP]
    soft = [v for v in stops if v.kind is ViolationKind.SOFT_STOP]
    if hard or (soft and override is None):
        raise RuleRefusal(stops + warnings if hard else stops)
    record = None
    if soft:
        record = {
            "reason": override["reason"].strip(),
            "by": actor.id,
            "by_name": actor.name,
            "at": utcnow().isoformat().replace("+00:00", "Z"),
            "rules": [{"rule": v.rule, "code": v.code, "message": v.message} for v in soft],
        }
    return [w.as_dict() for w in warnings], record
