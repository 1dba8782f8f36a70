"""Kafka entrypoints of the connector. Thin: one handler call each."""

from typing import Any

from connector.handlers.clients import keep_client
from service_runtime.runtime import Runtime
from storefront_events import CLIENTS_V1, ClientArchived, ClientCreated, ClientRestored, ClientUpdated


def register_consumers(runtime: Runtime) -> None:
    @runtime.events.on(
        CLIENTS_V1, group="connector-service", events=(ClientCreated, ClientUpdated, ClientArchived, ClientRestored)
    )
    async def on_client_changed(event: Any, *, uow: Any) -> None:
        """Keeps the connector's read model of clients (the reference ID a Pressero store needs)."""
        await keep_client(event, uow=uow)
