"""Kafka entrypoints of the connector. Thin: handler calls only."""

from typing import Any

from connector.handlers.clients import client_archived, keep_client
from service_runtime.runtime import Runtime
from storefront_events import CLIENTS_V1, ClientArchived, ClientCreated, ClientRestored, ClientUpdated


def register_consumers(runtime: Runtime) -> None:
    @runtime.events.on(
        CLIENTS_V1, group="connector-service", events=(ClientCreated, ClientUpdated, ClientArchived, ClientRestored)
    )
    async def on_client_changed(event: Any, *, uow: Any) -> None:
        """Keeps the read model of clients (the reference ID a Pressero store needs); an archived
        client's stores are disconnected."""
        await keep_client(event, uow=uow)
        if isinstance(event, ClientArchived):
            await client_archived(event, uow=uow)
