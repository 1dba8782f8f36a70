"""Kafka entrypoints of the mapping service. Thin: one handler call each."""

from typing import Any

from mapping.handlers.publishing import map_published, record_publish_failed
from mapping.handlers.stores import apply_syncs, keep_store
from mapping.ports import Clock
from service_runtime.runtime import Runtime
from storefront_events import (
    STORES_V1,
    ProductPublished,
    ProductPublishFailed,
    StoreConnected,
    StoreDisconnected,
    StoreProductsSynced,
)

#: one consumer group per subscription: two subscriptions of one topic in one group would split its partitions
STORES_GROUP = "mapping-service.stores"
PRODUCTS_GROUP = "mapping-service.store-products"
PUBLISHING_GROUP = "mapping-service.publishing"


def register_consumers(runtime: Runtime, *, clock: Clock) -> None:
    @runtime.events.on(STORES_V1, group=STORES_GROUP, events=(StoreConnected, StoreDisconnected))
    async def on_store_changed(event: StoreConnected | StoreDisconnected, *, uow: Any) -> None:
        """Whose each store is (tenancy of every store route) and whether it is connected."""
        await keep_store(event, uow=uow)

    @runtime.events.on(STORES_V1, group=PRODUCTS_GROUP, events=(StoreProductsSynced,), batch=True)
    async def on_products_synced(events: list[StoreProductsSynced], *, uow: Any) -> None:
        """Keeps each store's products and variants, set-based per batch; breaks the mappings the shop changed under."""
        await apply_syncs(events, uow=uow, clock=clock)

    @runtime.events.on(STORES_V1, group=PUBLISHING_GROUP, events=(ProductPublished, ProductPublishFailed))
    async def on_product_published(event: ProductPublished | ProductPublishFailed, *, uow: Any) -> None:
        """A product published from the catalog is in the shop: list its variants and map them as
        asked; or the shop did not create it: the publish request says why."""
        if isinstance(event, ProductPublishFailed):
            await record_publish_failed(event, uow=uow, clock=clock)
        else:
            await map_published(event, uow=uow, clock=clock)
