"""Clients of the print provider. Rules only: no I/O."""

from dataclasses import dataclass, replace
from datetime import datetime

from service_runtime.errors import Conflict, DomainError, NotFound

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


class ClientNotArchived(Conflict):
    title = "Client not archived"


@dataclass(frozen=True)
class Client:
    id: str
    name: str
    reference_id: str | None
    description: str | None
    archived: bool
    created_at: datetime
    updated_at: datetime


def clean_name(name: str) -> str:
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
    if len(reference_id) > REFERENCE_MAX:
        raise InvalidClient(f"The client reference ID is longer than {REFERENCE_MAX} characters.", field="reference_id")
    if any(c.isspace() for c in reference_id):
        raise InvalidClient("The client reference ID cannot contain spaces.", field="reference_id")
    return reference_id


def clean_description(description: str | None) -> str | None:
    if description is None or not description.strip():
        return None
    description = description.strip()
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


def restore_client(client: Client, *, now: datetime) -> Client:
    """An archived client comes back as it was, reference ID included (it stayed reserved)."""
    if not client.archived:
        raise ClientNotArchived(f"The client '{client.name}' is not archived.")
    return replace(client, archived=False, updated_at=now)
