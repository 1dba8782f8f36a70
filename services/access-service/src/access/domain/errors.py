from service_runtime.errors import Conflict, DomainError, NotFound, Unauthorized


class InvalidUser(DomainError):
    status = 422
    title = "Invalid user"


class WeakPassword(DomainError):
    status = 422
    title = "Password too weak"


class ClientNotFound(NotFound):
    title = "Client not found"


class UserNotFound(NotFound):
    title = "User not found"


class ClientArchived(Conflict):
    title = "Client archived"


class AccessDisabled(Conflict):
    title = "Storefront access disabled"


class EmailTaken(Conflict):
    title = "Email already used"


class LastAdmin(Conflict):
    title = "Last admin"


class InvalidInvitation(DomainError):
    """Unknown, used, replaced or expired invitation links all land here (410 Gone or 400)."""

    status = 410
    title = "Invitation not usable"


class LoginFailed(Unauthorized):
    title = "Login failed"


class UnknownInvitation(DomainError):
    status = 400
    title = "Invalid invitation"


class TooManyAttempts(DomainError):
    status = 429
    title = "Too many attempts"


class SessionEnded(Unauthorized):
    title = "Session ended"


class HashingBusy(DomainError):
    """Every password-hashing worker is taken and the queue is full."""

    status = 503
    title = "Busy"
