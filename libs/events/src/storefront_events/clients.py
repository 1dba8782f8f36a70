"""Events published by client-service on `clients.v1` (key: client_id)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from storefront_events.base import Event


class ClientCreated(Event):
    """Emitted by client-service when an operator creates a client (a print provider's customer)."""

    event_type: Literal["client.created"] = "client.created"
    schema_version: Literal[1] = 1
    client_id: str = Field(description="Id of the client, assigned by client-service")
    name: str = Field(description="Company name of the client")
    reference_id: str | None = Field(
        description="Unique client reference ID from the provider's own system; Pressero integration ID"
    )
    description: str | None = Field(description="Free-text notes about the client")
    archived: bool = False


class ClientUpdated(Event):
    """Emitted by client-service after an operator changes a client; carries the client's full new state."""

    event_type: Literal["client.updated"] = "client.updated"
    schema_version: Literal[1] = 1
    client_id: str
    name: str
    reference_id: str | None = Field(description="Unique client reference ID (Pressero integration ID)")
    description: str | None
    archived: bool = False


class ClientArchived(Event):
    """Emitted by client-service when an operator archives a client; its access and stores stop."""

    event_type: Literal["client.archived"] = "client.archived"
    schema_version: Literal[1] = 1
    client_id: str
    name: str
    reference_id: str | None


class ClientRestored(Event):
    """Emitted by client-service when an operator restores an archived client: it may change
    again and take work; it keeps its reference ID. Carries the client's full state."""

    event_type: Literal["client.restored"] = "client.restored"
    schema_version: Literal[1] = 1
    client_id: str
    name: str
    reference_id: str | None = Field(description="Unique client reference ID (Pressero integration ID)")
    description: str | None
