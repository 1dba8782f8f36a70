"""Clients of the print provider. Rules only: no I/O."""

from dataclasses import dataclass, replace
from datetime import datetime

from client.messages import CATALOG
from service_runtime.errors import Conflict, NotFound
from service_runtime.messages import SaidByKey
from service_runtime.text import refused_character

NAME_MAX = 200
REFERENCE_MAX = 64
DESCRIPTION_MAX = 2000


class ClientError(SaidByKey):
    """Said by key (see messages.py), in the operator's language."""

    catalog = CATALOG


class InvalidClient(ClientError):
    status = 422
    title = "Invalid client"


class ClientNotFound(ClientError, NotFound):
    title = "Client not found"


class DuplicateReference(ClientError, Conflict):
    title = "Client reference already used"


class ClientArchived(ClientError, Conflict):
    title = "Client archived"


class ClientNotArchived(ClientError, Conflict):
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
    version: int = 1  # raised by one with each change; the client's events carry it


def _refuse_hidden_characters(value: str, *, field: str, allow_line_breaks: bool = False) -> None:
    """Names and descriptions reach mails, events and other screens: no control or bidi-override characters."""
    if refused := refused_character(value, allow_line_breaks=allow_line_breaks):
        raise InvalidClient(f"{field}_character_refused", field=field, character=refused)


def clean_name(name: str) -> str:
    _refuse_hidden_characters(name, field="name")
    name = " ".join(name.split())
    if not name:
        raise InvalidClient("name_required", field="name")
    if len(name) > NAME_MAX:
        raise InvalidClient("name_too_long", field="name", maximum=NAME_MAX)
    return name


def clean_reference(reference_id: str | None) -> str | None:
    """Optional; trimmed; empty means none. Compared without regard to case."""
    if reference_id is None or not reference_id.strip():
        return None
    reference_id = reference_id.strip()
    _refuse_hidden_characters(reference_id, field="reference_id")
    if len(reference_id) > REFERENCE_MAX:
        raise InvalidClient("reference_too_long", field="reference_id", maximum=REFERENCE_MAX)
    if any(c.isspace() for c in reference_id):
        raise InvalidClient("reference_spaces", field="reference_id")
    return reference_id


def clean_description(description: str | None) -> str | None:
    if description is None or not description.strip():
        return None
    description = description.strip()
    _refuse_hidden_characters(description, field="description", allow_line_breaks=True)
    if len(description) > DESCRIPTION_MAX:
        raise InvalidClient("description_too_long", field="description", maximum=DESCRIPTION_MAX)
    return description


def new_client(
    client_id: str, *, name: str, reference_id: str | None, description: str | None, now: datetime
) -> Client:
    return Client(
        id=client_id,
        name=clean_name(name),
        reference_id=clean_reference(reference_id),
        description=clean_description(description),
        archived=False,
        created_at=now,
        updated_at=now,
    )


def update_client(client: Client, changes: dict[str, str | None], *, now: datetime) -> Client:
    """Apply the given fields; an archived client cannot change."""
    if client.archived:
        raise ClientArchived("archived_cannot_change", name=client.name)
    updated = client
    if "name" in changes:
        updated = replace(updated, name=clean_name(changes["name"] or ""))
    if "reference_id" in changes:
        updated = replace(updated, reference_id=clean_reference(changes["reference_id"]))
    if "description" in changes:
        updated = replace(updated, description=clean_description(changes["description"]))
    return replace(updated, updated_at=now, version=client.version + 1) if updated != client else client


def archive_client(client: Client, *, now: datetime) -> Client:
    if client.archived:
        raise ClientArchived("already_archived", name=client.name)
    return replace(client, archived=True, updated_at=now, version=client.version + 1)


def restore_client(client: Client, *, now: datetime) -> Client:
    """An archived client comes back as it was, reference ID included (it stayed reserved)."""
    if not client.archived:
        raise ClientNotArchived("not_archived", name=client.name)
    return replace(client, archived=False, updated_at=now, version=client.version + 1)
