"""Clients of the print provider. Rules only: no I/O."""

from dataclasses import dataclass, replace
from datetime import datetime

from service_runtime.errors import Conflict, DomainError, NotFound
from service_runtime.text import refused_character

NAME_MAX = 200
REFERENCE_MAX = 64
DESCRIPTION_MAX = 2000


class InvalidClient(DomainError):
    status = 422
    title = "Invalid client"


class ClientNotFound(NotFound):
    title = "Client not found"


class DuplicateReference(Conflict):
    title = "Client reference already used"


class ClientArchived(Conflict):
    title = "Client archived"


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    reference_id: str | None
    description: str | None
    archived: bool
    created_at: datetime
    updated_at: datetime


def _refuse_hidden_characters(value: str, *, label: str, field: str, allow_line_breaks: bool = False) -> None:
    """Names and descriptions reach mails, events and other screens: no control or bidi-override characters."""
    if refused := refused_character(value, allow_line_breaks=allow_line_breaks):
        raise InvalidClient(f"The {label} contains a character that is not allowed ({refused}).", field=field)


def clean_name(name: str) -> str:
    _refuse_hidden_characters(name, label="client name", field="name")
    name = " ".join(name.split())
    if not name:
        raise InvalidClient("The client name is required.", field="name")
    if len(name) > NAME_MAX:
        raise InvalidClient(f"The client name is longer than {NAME_MAX} characters.", field="name")
    return name


def clean_reference(reference_id: str | None) -> str | None:
    """Optional; trimmed; empty means none. Compared without regard to case."""
    if reference_id is None or not reference_id.strip():
        return None
    reference_id = reference_id.strip()
    _refuse_hidden_characters(reference_id, label="client reference ID", field="reference_id")
    if len(reference_id) > REFERENCE_MAX:
        raise InvalidClient(f"The client reference ID is longer than {REFERENCE_MAX} characters.", field="reference_id")
    if any(c.isspace() for c in reference_id):
        raise InvalidClient("The client reference ID cannot contain spaces.", field="reference_id")
    return reference_id


def clean_description(description: str | None) -> str | None:
    if description is None or not description.strip():
        return None
    description = description.strip()
    _refuse_hidden_characters(description, label="description", field="description", allow_line_breaks=True)
    if len(description) > DESCRIPTION_MAX:
        raise InvalidClient(f"The description is longer than {DESCRIPTION_MAX} characters.", field="description")
    return description


def new_client(client_id: str, *, name: str, reference_id: str | None, description: str | None, now: datetime) -> Client:
    return Client(
        id=client_id,
        name=clean_name(name),
        reference_id=clean_reference(reference_id),
        description=clean_description(description),
        archived=False,
        created_at=now,
        updated_at=now,
    )


def update_client(client: Client, changes: dict, *, now: datetime) -> Client:
    """Apply the given fields; an archived client cannot change."""
    if client.archived:
        raise ClientArchived(f"The client '{client.name}' is archived and cannot be changed.")
    updated = client
    if "name" in changes:
        updated = replace(updated, name=clean_name(changes["name"] or ""))
    if "reference_id" in changes:
        updated = replace(updated, reference_id=clean_reference(changes["reference_id"]))
    if "description" in changes:
        updated = replace(updated, description=clean_description(changes["description"]))
    return replace(updated, updated_at=now) if updated != client else client


def archive_client(client: Client, *, now: datetime) -> Client:
    if client.archived:
        raise ClientArchived(f"The client '{client.name}' is already archived.")
    return replace(client, archived=True, updated_at=now)
