"""Domain errors: each has a machine-readable code and a message a user can act on."""

from typing import Any


class DomainError(Exception):
    code = "domain_error"
    status = 422  # the HTTP status the service maps it to

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(DomainError):
    code, status = "not_found", 404


class Forbidden(DomainError):
    code, status = "forbidden", 403


class IllegalTransition(DomainError):
    code, status = "illegal_transition", 409


class StaleVersion(DomainError):
    code, status = "stale_version", 409


class GuardFailed(DomainError):
    """A rule of the law or the catalogue refuses the step; `details` says which."""

    def __init__(self, guard: str, message: str, *, status: int = 422, **details: Any):
        super().__init__(message, **details)
        self.code, self.status = guard, status


class InvalidInput(DomainError):
    code = "invalid_input"


class Unauthorized(DomainError):
    code, status = "unauthorized", 401
