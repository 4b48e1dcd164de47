"""Rule outcomes (hard stop, soft stop, warning) and how they block a request."""
from dataclasses import dataclass
from typing import Iterable

from .enums import Role, ViolationKind


@dataclass(frozen=True)
class Violation:
    """One rule a request breaks; `rule` is a DOMAIN.md ID such as "R2.1"."""

    rule: str
    code: str
    message: str
    kind: ViolationKind

    @property
    def override_allowed(self) -> bool:
        """Only a soft stop can be overridden."""
        return self.kind is ViolationKind.SOFT_STOP

    @property
    def override_role(self) -> str | None:
        """A prescriber overrides soft stops; nobody overrides hard stops."""
        return Role.PRESCRIBER.value if self.override_allowed else None

    @property
    def is_stop(self) -> bool:
        return self.kind is not ViolationKind.WARNING

    def as_dict(self) -> dict:
        """Return the API shape: stops carry override fields, warnings do not."""
        data = {"rule": self.rule, "code": self.code, "message": self.message}
        if self.is_stop:
            data["override_allowed"] = self.override_allowed
            data["override_role"] = self.override_role
        return data


def hard_stop(rule: str, code: str, message: str) -> Violation:
    return Violation(rule, code, message, ViolationKind.HARD_STOP)


def soft_stop(rule: str, code: str, message: str) -> Violation:
    return Violation(rule, code, message, ViolationKind.SOFT_STOP)


def warning(rule: str, code: str, message: str) -> Violation:
    return Violation(rule, code, message, ViolationKind.WARNING)


def split(violations: Iterable[Violation]) -> tuple[list[Violation], list[Violation]]:
    """Separate stops (hard and soft) from warnings, keeping order."""
    stops, warnings = [], []
    for violation in violations:
        (stops if violation.is_stop else warnings).append(violation)
    return stops, warnings


def blocking(violations: Iterable[Violation], overridden: bool) -> list[Violation]:
    """Return the violations that still refuse the request.

    Hard stops always block; soft stops block unless a prescriber overrode them.
    """
    return [
        v for v in violations
        if v.kind is ViolationKind.HARD_STOP
        or (v.kind is ViolationKind.SOFT_STOP and not overridden)
    ]


def refusal(violations: Iterable[Violation], overridden: bool) -> list[Violation]:
    """Return what a refused request reports, or [] when it may go ahead.

    It is refused while a stop still blocks it (see blocking). It then reports every
    stop, and when a hard stop is among them the warnings too, so that all is said at once.
    """
    stops, warnings = split(violations)
    blocked = blocking(stops, overridden)
    if not blocked:
        return []
    if any(v.kind is ViolationKind.HARD_STOP for v in blocked):
        return stops + warnings
    return stops
