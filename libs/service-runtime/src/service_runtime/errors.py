"""The business-rule errors a service's domain raises. Plain Python, so domain modules can
use them; ``problems.py`` turns them into RFC 9457 responses."""

from typing import Any


class DomainError(Exception):
    """Base of the business rule violations a service reports to its callers.
    Subclasses set ``status`` and ``title``; the message is the detail."""

    status: int = 400
    title: str = "Request refused"
    type: str = "about:blank"

    def __init__(self, detail: str, **extensions: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extensions = extensions


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class UniqueViolation(Conflict):
    """A write refused because a concurrent transaction stored the same unique value first
    (an email, a reference). The unit of work raises it at commit in place of the database
    driver's error, so handlers catch a plain error and name the taken value."""

    def __init__(self, detail: str = "unique_violation", **extensions: Any) -> None:
        super().__init__(detail, **extensions)
