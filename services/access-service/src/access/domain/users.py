"""Users of a client account (and the provider's operators) and the rules on their roles."""

from dataclasses import dataclass, replace
from typing import Literal

from email_validator import EmailNotValidError, validate_email

from access.domain.errors import InvalidUser, LastAdmin
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

    @property
    def is_active_admin(self) -> bool:
        return self.role == "admin" and self.status == "active"

    def activated(self, password_hash: str) -> "User":
        return replace(self, status="active", password_hash=password_hash)

    def removed(self) -> "User":
        return replace(self, status="removed", password_hash=None)


def clean_email(email: str | None) -> str:
    """Syntax only (no DNS lookups), normalised to lower case."""
    if not email or not email.strip():
        raise InvalidUser("The email address is required.", field="email")
    try:
        normalized = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidUser(f"The email address is not valid: {error}", field="email") from error
    return normalized.lower()


def clean_name(name: str | None, *, field: str) -> str:
    """Names reach mails and events: control, bidirectional-override and line-separator characters are refused."""
    label = field.replace("_", " ")
    if refused := refused_character(name or ""):
        raise InvalidUser(f"The {label} contains a character that is not allowed ({refused}).", field=field)
    name = " ".join((name or "").split())
    if not name:
        raise InvalidUser(f"The {label} is required.", field=field)
    if len(name) > NAME_MAX:
        raise InvalidUser(f"The {label} is longer than {NAME_MAX} characters.", field=field)
    return name


def clean_scope(role: str, store_ids: list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Store ids belong to store managers only, who need at least one."""
    if role not in CLIENT_ROLES:
        raise InvalidUser(f"The role must be one of {', '.join(CLIENT_ROLES)}.", field="role")
    ids = tuple(dict.fromkeys(s.strip() for s in (store_ids or ()) if s and s.strip()))
    if role == "store_manager" and not ids:
        raise InvalidUser("A store manager needs at least one store id.", field="store_ids")
    if role != "store_manager" and ids:
        raise InvalidUser("Only a store manager is limited to stores; leave store_ids empty.", field="store_ids")
    if len(ids) > STORES_MAX:
        raise InvalidUser(f"At most {STORES_MAX} stores.", field="store_ids")
    return ids


def new_user(user_id: str, *, client_id: str | None, email: str, first_name: str, last_name: str,
             role: str, store_ids: list[str] | tuple[str, ...] = ()) -> User:
    scope = () if role == "operator" else clean_scope(role, store_ids)
    return User(id=user_id, client_id=client_id, email=clean_email(email),
                first_name=clean_name(first_name, field="first_name"),
                last_name=clean_name(last_name, field="last_name"), role=role, store_ids=scope)  # type: ignore[arg-type]


def change_role(user: User, role: str, store_ids, *, others: list[User]) -> User:
    """``others`` are the other users of the same client: the last active admin keeps its role."""
    changed = replace(user, role=role, store_ids=clean_scope(role, store_ids))  # type: ignore[arg-type]
    if user.is_active_admin and role != "admin":
        ensure_not_last_admin(user, others)
    return changed


def ensure_not_last_admin(user: User, others: list[User]) -> None:
    if user.is_active_admin and not any(o.is_active_admin for o in others if o.id != user.id):
        raise LastAdmin("This user is the client's last active admin: make another user admin first.")
