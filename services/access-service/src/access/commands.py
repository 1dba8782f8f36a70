from dataclasses import dataclass, field


@dataclass(frozen=True)
class SetStorefrontAccess:
    client_id: str
    enabled: bool
    admin_email: str | None = None
    admin_first_name: str | None = None
    admin_last_name: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class AcceptInvitation:
    token: str = field(repr=False)
    password: str = field(repr=False)


@dataclass(frozen=True)
class LogIn:
    email: str
    password: str = field(repr=False)
    source: str


@dataclass(frozen=True)
class AddUser:
    client_id: str
    email: str
    first_name: str
    last_name: str
    role: str
    store_ids: tuple[str, ...] = field(default=())
    locale: str | None = None  # None: the client's language


@dataclass(frozen=True)
class ChangeUser:
    client_id: str
    user_id: str
    role: str | None = None
    store_ids: tuple[str, ...] | None = None
    locale: str | None = None


@dataclass(frozen=True)
class RemoveUser:
    client_id: str
    user_id: str


@dataclass(frozen=True)
class ChangeAdmin:
    """Only the fields given change."""

    client_id: str
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class HandOverAdmin:
    client_id: str
    user_id: str
    previous_admin_role: str | None = None  # None: the previous admin stays an admin
