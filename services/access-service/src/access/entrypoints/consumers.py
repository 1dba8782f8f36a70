"""Kafka entrypoints of the access service. Thin: one handler call each."""

from storefront_events import CLIENTS_V1, ClientArchived, ClientCreated, ClientUpdated

from access import handlers
from service_runtime.runtime import Runtime


def register_consumers(runtime: Runtime) -> None:
    @runtime.events.on(CLIENTS_V1, group="access-service", events=(ClientCreated, ClientUpdated, ClientArchived))
    async def on_client_changed(event, *, uow) -> None:
        """Keeps access's read model of clients (name, reference, archived)."""
        await handlers.keep_client(event, uow=uow)
