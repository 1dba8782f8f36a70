"""Kafka entrypoints of the connector. Thin: one handler call each."""

from typing import Any

from connector.handlers.clients import client_archived
from service_runtime.runtime import Runtime
from storefront_events import CLIENTS_V1, ClientArchived


def register_consumers(runtime: Runtime) -> None:
    @runtime.events.on(CLIENTS_V1, group="connector-service", events=(ClientArchived,))
    async def on_client_archived(event: ClientArchived, *, uow: Any) -> None:
        """An archived client's stores are disconnected."""
        await client_archived(event, uow=uow)
