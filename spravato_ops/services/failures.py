"""Why a service refused: the application's own exceptions, mapped to HTTP in errors.py only."""


class ServiceError(Exception):
    """A refusal with a message for the person who asked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The record asked for does not exist (404)."""


class NotAuthenticated(ServiceError):
    """Credentials that do not match a user (401)."""


class NotPermitted(ServiceError):
    """The actor's role may not do this (403), e.g. a soft-stop override by a non-prescriber."""


class Conflict(ServiceError):
    """The request conflicts with a record already stored, e.g. a duplicate MRN (409)."""


class StaleVersion(ServiceError):
    """A write made against a copy older than the stored record (If-Match; 412)."""


class RuleRefusal(ServiceError):
    """A request refused by clinical or REMS rules or by the session's state (409, violations)."""

    def __init__(self, violations, message=None):
        self.violations = list(violations)
        super().__init__(message or " ".join(v.message for v in self.violations))


class InvalidInput(ServiceError):
    """Input that parses but cannot be accepted: 422 with per-field errors."""

    def __init__(self, errors, message="The request contains invalid fields."):
        super().__init__(message)
        self.errors = errors
