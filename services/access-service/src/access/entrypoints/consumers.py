"""Kafka entrypoints of the access service. Thin: one handler call each."""

from access import handlers
from access.handlers.deliveries import record_email_delivery
from service_runtime.runtime import Runtime
from storefront_events import (
    CLIENTS_V1,
    NOTIFICATIONS_V1,
    STORES_V1,
    ClientArchived,
    ClientCreated,
    ClientRestored,
    ClientUpdated,
    EmailDeliveryFailed,
    EmailSent,
    StoreConnected,
    StoreDisconnected,
)


def register_consumers(runtime: Runtime) -> None:
    @runtime.events.on(
        CLIENTS_V1, group="access-service", events=(ClientCreated, ClientUpdated, ClientArchived, ClientRestored)
    )
    async def on_client_changed(event, *, uow) -> None:
        """Keeps access's read model of clients (name, reference, archived or restored)."""
        await handlers.keep_client(event, uow=uow)

    @runtime.events.on(STORES_V1, group="access-service", events=(StoreConnected, StoreDisconnected))
    async def on_store_changed(event, *, uow) -> None:
        """Keeps access's read model of stores; a disconnected store leaves its store managers."""
        await handlers.keep_store(event, uow=uow)

    @runtime.events.on(NOTIFICATIONS_V1, group="access-service", events=(EmailSent, EmailDeliveryFailed))
    async def on_email_delivery(event, *, uow) -> None:
        """Follows each invitation email: sent once the mail server has it, or failed with why."""
        await record_email_delivery(event, uow=uow)
