"""Apply rule outcomes to a request: refuse stops, allow a prescriber's override, keep warnings."""
from ..clock import utcnow
from ..domain.violations import refusal, split
from ..permissions import OVERRIDE_ROLES
from .failures import NotPermitted, RuleRefusal


def enforce(violations, *, actor, override=None):
    """Refuse the request unless only soft stops remain and a prescriber overrode them.

    Returns `(warnings, override_record)`: the warnings to show, and the override
    to store on the record (None when nothing was overridden). Hard stops refuse
    the request whatever the override; every violation is reported at once.
    """
    violations = list(violations)
    if override is not None and actor.role not in OVERRIDE_ROLES:
        raise NotPermitted("Only a prescriber may override a soft stop.")
    refused = refusal(violations, overridden=override is not None)
    if refused:
        raise RuleRefusal(refused)
    # Not refused: the stops left are soft ones, and a prescriber overrode them.
    overridden, warnings = split(violations)
    record = None
    if overridden:
        record = {
            "reason": override["reason"].strip(),
            "by": actor.id,
            "by_name": actor.name,
            "at": utcnow().isoformat().replace("+00:00", "Z"),
            "rules": [{"rule": v.rule, "code": v.code, "message": v.message}
                      for v in overridden],
        }
    return [w.as_dict() for w in warnings], record
