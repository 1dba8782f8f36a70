"""Access rules. Pure Python: no I/O, no framework, no libs/events."""

from access.domain.access import StorefrontAccess
from access.domain.clients import KnownClient
from access.domain.errors import (
    AccessDisabled,
    AccessError,
    AdminNotPending,
    AlreadyActive,
    ClientArchived,
    ClientNotFound,
    ClientNotYetKnown,
    EmailTaken,
    InvalidInvitation,
    InvalidUser,
    LastAdmin,
    LoginFailed,
    UserNotFound,
    WeakPassword,
)
from access.domain.invitations import Invitation
from access.domain.stores import KnownStore
from access.domain.users import CLIENT_ROLES, User

__all__ = [
    "CLIENT_ROLES",
    "AccessDisabled",
    "AccessError",
    "AdminNotPending",
    "AlreadyActive",
    "ClientArchived",
    "ClientNotFound",
    "ClientNotYetKnown",
    "EmailTaken",
    "InvalidInvitation",
    "InvalidUser",
    "Invitation",
    "KnownClient",
    "KnownStore",
    "LastAdmin",
    "LoginFailed",
    "StorefrontAccess",
    "User",
    "UserNotFound",
    "WeakPassword",
]
