"""Orders are announced once per store: the de-duplication by (store, platform order id) that
comes on top of the delivery id (WooCommerce sends an order in ``order.created`` and again in
each ``order.updated``, with new delivery ids; a reconciliation poll finds it again)."""

from datetime import datetime

from connector.ports import UnitOfWork
from storefront_events import Event, OrderCancelledInStore, OrderReceived


async def announced_first(uow: UnitOfWork, event: Event, *, at: datetime) -> bool:
    """True when ``event`` is to be published: an order not announced yet, a cancellation not
    said yet, or any other event."""
    if isinstance(event, OrderReceived):
        return await uow.intake.announce_order(event.store_id, event.platform_order_id, at=at)
    if isinstance(event, OrderCancelledInStore):
        return await uow.intake.announce_cancellation(event.store_id, event.platform_order_id, at=at)
    return True
