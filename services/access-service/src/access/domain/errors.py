from access.domain.messages import CATALOG
from service_runtime.errors import Conflict, DomainError, NotFound, Unauthorized
from service_runtime.messages import SaidByKey


class AccessError(SaidByKey):
    """A refusal said by key (see ``messages.py``): ``detail`` is the English sentence, the
    problem details are written in the reader's language. ``locale`` is set when the reader's
    language is known from the data (the invited user's), before the request's."""

    catalog = CATALOG


class InvalidUser(AccessError):
    status = 422
    title = "Invalid user"


class WeakPassword(AccessError):
    status = 422
    title = "Password too weak"


class ClientNotFound(AccessError, NotFound):
    title = "Client not found"


class ClientNotYetKnown(AccessError, Conflict):
    """The client service announced nothing about this id yet: it may have been created a
    moment ago (its event is on its way) or not exist. Answered with ``Retry-After``."""

    title = "Client not yet known"
    type = "https://storefronts.example/problems/client-not-yet-known"
    retry_after = 1


class UserNotFound(AccessError, NotFound):
    title = "User not found"


class ClientArchived(AccessError, Conflict):
    title = "Client archived"


class AccessDisabled(AccessError, Conflict):
    title = "Storefront access disabled"


class EmailTaken(AccessError, Conflict):
    title = "Email already used"


class LastAdmin(AccessError, Conflict):
    title = "Last admin"


class AlreadyActive(AccessError, Conflict):
    """The user has accepted their invitation: there is nothing to resend or correct."""

    title = "Account already active"


class NotActive(AccessError, Conflict):
    title = "User not active"


class AdminNotPending(AccessError, Conflict):
    title = "No pending admin"


class InvalidInvitation(AccessError):
    """A used, replaced, expired link, or one of a removed user (410 Gone); ``state`` says which."""

    status = 410
    title = "Invitation not usable"


class LoginFailed(Unauthorized):
    title = "Login failed"


class UnknownInvitation(AccessError):
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
