"""Users of a client account (and the provider's operators) and the rules on their roles."""

from dataclasses import dataclass, replace
from typing import Literal, cast

from email_validator import EmailNotValidError, validate_email

from access.domain.errors import InvalidUser, LastAdmin
from access.domain.messages import LOCALES
from service_runtime.text import refused_character

Role = Literal["operator", "admin", "store_manager", "order_manager", "read_only"]
Status = Literal["invitation_sent", "active", "removed"]
CLIENT_ROLES = ("admin", "store_manager", "order_manager", "read_only")
NAME_MAX = 100
STORES_MAX = 200


@dataclass(frozen=True)
class User:
    id: str
    client_id: str | None  # None for operators
    email: str
    first_name: str
    last_name: str
    role: Role
    store_ids: tuple[str, ...] = ()
    status: Status = "invitation_sent"
    password_hash: str | None = None
    version: int = 1  # raised by one with each change; the user's events carry it
    locale: str | None = None  # None: the client's language

    @property
    def is_active_admin(self) -> bool:
        return self.role == "admin" and self.status == "active"

    def activated(self, password_hash: str) -> "User":
        return replace(self, status="active", password_hash=password_hash, version=self.version + 1)

    def removed(self) -> "User":
        return replace(self, status="removed", password_hash=None, version=self.version + 1)

    def invited_again(self) -> "User":
        return replace(self, version=self.version + 1)

    def without_store(self, store_id: str) -> "User":
        """The user no longer manages the store (it was disconnected). A store manager left with
        no store keeps the role and cannot sign in until the admin gives them a store."""
        if store_id not in self.store_ids:
            return self
        kept = tuple(s for s in self.store_ids if s != store_id)
        return replace(self, store_ids=kept, version=self.version + 1)

    @property
    def has_scope(self) -> bool:
        """A store manager's scope is their stores: one left with none has nothing to do here."""
        return self.role != "store_manager" or bool(self.store_ids)


def clean_email(email: str | None) -> str:
    """Syntax only (no DNS lookups), normalised to lower case."""
    if not email or not email.strip():
        raise InvalidUser("email_required", field="email")
    try:
        normalized = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidUser("email_invalid", field="email", reason=str(error)) from error
    return normalized.lower()


def clean_name(name: str | None, *, field: str) -> str:
    """Names reach mails and events: control, bidirectional-override and line-separator characters are refused."""
    if refused := refused_character(name or ""):
        raise InvalidUser(f"{field}_character_refused", field=field, character=refused)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidUser(f"{field}_required", field=field)
    if len(name) > NAME_MAX:
        raise InvalidUser(f"{field}_too_long", field=field, maximum=NAME_MAX)
    return name


def clean_scope(role: str, store_ids: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Store ids belong to store managers only, who need at least one."""
    if role not in CLIENT_ROLES:
        raise InvalidUser("role_invalid", field="role", choices=", ".join(CLIENT_ROLES))
    ids = tuple(dict.fromkeys(s.strip() for s in (store_ids or ()) if s and s.strip()))
    if role == "store_manager" and not ids:
        raise InvalidUser("store_manager_needs_store", field="store_ids")
    if role != "store_manager" and ids:
        raise InvalidUser("stores_only_for_store_manager", field="store_ids")
    if len(ids) > STORES_MAX:
        raise InvalidUser("stores_too_many", field="store_ids", maximum=STORES_MAX)
    return ids


def clean_locale(locale: str | None, *, field: str = "locale") -> str | None:
    """None keeps the default; otherwise one of the languages we write (fr-FR is fr)."""
    if locale is None:
        return None
    language = locale.replace("_", "-").split("-")[0].strip().lower()
    if language not in LOCALES:
        raise InvalidUser("locale_invalid", field=field, choices=", ".join(LOCALES))
    return language


def new_user(
    user_id: str,
    *,
    client_id: str | None,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    store_ids: list[str] | tuple[str, ...] = (),
    locale: str | None = None,
) -> User:
    scope = () if role == "operator" else clean_scope(role, store_ids)
    return User(
        id=user_id,
        client_id=client_id,
        email=clean_email(email),
        first_name=clean_name(first_name, field="first_name"),
        last_name=clean_name(last_name, field="last_name"),
        role=cast(Role, role),  # "operator", or one of CLIENT_ROLES (clean_scope refused any other)
        store_ids=scope,
        locale=clean_locale(locale),
    )


def change_role(user: User, role: str, store_ids: list[str] | tuple[str, ...] | None, *, others: list[User]) -> User:
    """``others`` are the other users of the same client: the last active admin keeps its role."""
    scope = clean_scope(role, store_ids)
    if (role, scope) == (user.role, user.store_ids):
        return user
    changed = replace(user, role=role, store_ids=scope, version=user.version + 1)  # type: ignore[arg-type]
    if user.is_active_admin and role != "admin":
        ensure_not_last_admin(user, others)
    return changed


def ensure_not_last_admin(user: User, others: list[User]) -> None:
    if user.is_active_admin and not any(o.is_active_admin for o in others if o.id != user.id):
        raise LastAdmin("last_admin")
