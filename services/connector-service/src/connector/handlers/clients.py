"""What the connector does when the client service changes a client: it keeps a read model of
clients (a Pressero store is identified by its client's reference ID, known here without asking
the client service), and an archived client's stores are disconnected."""

import structlog

from connector.domain import stores as rules
from connector.handlers.stores import store_disconnected
from connector.intake_ports import KnownClient
from connector.intake_ports import UnitOfWork as ClientsUnitOfWork
from connector.ports import UnitOfWork
from service_runtime.versions import newer_than_held
from storefront_events import ClientArchived, ClientCreated, ClientRestored, ClientUpdated

log = structlog.get_logger()


async def keep_client(
    event: ClientCreated | ClientUpdated | ClientArchived | ClientRestored, *, uow: ClientsUnitOfWork
) -> None:
    """Created and updated clients carry their whole state; archived ones are marked; only a
    restore brings an archived client back. An event not newer than the version held changes
    nothing (a replay, a late retry)."""
    async with uow:
        current = await uow.clients.get(event.client_id, for_update=True)
        if current is not None and not newer_than_held(
            event, current.version, read_model="connector_clients", aggregate_id=event.client_id
        ):
            await uow.commit()
            return
        archived = isinstance(event, ClientArchived) or (
            isinstance(event, ClientCreated | ClientUpdated)
            and (event.archived or (current is not None and current.archived))
        )
        await uow.clients.put(
            KnownClient(event.client_id, event.name, event.reference_id, archived, event.aggregate_version)
        )
        await uow.commit()


async def client_archived(event: ClientArchived, *, uow: UnitOfWork) -> None:
    """An archived client takes no more orders: each of its stores still connected is disconnected
    (``client_archived``, StoreDisconnected) and its credentials forgotten. A replay finds them
    disconnected already and changes nothing."""
    async with uow:
        stores = await uow.stores.listed(client_id=event.client_id, store_ids=None, after=None, limit=100_000)
        for store in stores:
            if store.status == "disconnected":
                continue
            current = await uow.stores.get(store.id, for_update=True)
            if current is None or current.status == "disconnected":
                continue
            gone = rules.disconnect(current, reason="client_archived", now=event.occurred_at)
            await uow.stores.save(gone)
            await uow.stores.keep_credentials(gone.id, None)
            uow.outbox.add(store_disconnected(gone))
            log.info("store.disconnected", store_id=gone.id, reason="client_archived")
        await uow.commit()
