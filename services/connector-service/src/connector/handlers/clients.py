"""What the connector does when the client service changes a client."""

import structlog

from connector.domain import stores as rules
from connector.handlers.stores import store_disconnected
from connector.ports import UnitOfWork
from storefront_events import ClientArchived

log = structlog.get_logger()


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
