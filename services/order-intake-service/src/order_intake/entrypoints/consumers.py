"""Kafka entrypoints of order intake. Thin: one handler call each, batch handlers for set-based work."""

from typing import Any

from order_intake.handlers.intake import shop_orders
from order_intake.handlers.read_models import keep_mappings, keep_stores
from service_runtime.runtime import Runtime
from storefront_events import (
    MAPPINGS_V1,
    SHOP_ORDERS_V1,
    STORES_V1,
    OrderCancelledInStore,
    OrderReceived,
    ProductMapped,
    ProductUnmapped,
    StoreConnected,
    StoreDisconnected,
)

GROUP = "order-intake-service"


def register_consumers(runtime: Runtime) -> None:
    @runtime.events.on(SHOP_ORDERS_V1, group=GROUP, events=(OrderReceived, OrderCancelledInStore), batch=True)
    async def on_shop_orders(events: list[OrderReceived | OrderCancelledInStore], *, uow: Any) -> None:
        """Shop orders resolved to production orders or held with reasons; shop cancellations."""
        await shop_orders(events, uow=uow)

    @runtime.events.on(STORES_V1, group=GROUP, events=(StoreConnected, StoreDisconnected), batch=True)
    async def on_stores(events: list[StoreConnected | StoreDisconnected], *, uow: Any) -> None:
        """The read model of stores: client, platform, manual or not, test mode."""
        await keep_stores(events, uow=uow)

    @runtime.events.on(MAPPINGS_V1, group=GROUP, events=(ProductMapped, ProductUnmapped), batch=True)
    async def on_mappings(events: list[ProductMapped | ProductUnmapped], *, uow: Any) -> None:
        """The read model of mappings; a new mapping releases the held orders it resolves."""
        await keep_mappings(events, uow=uow)
