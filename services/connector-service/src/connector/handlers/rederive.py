"""Deriving orders again from the raw webhook bodies kept (after a mapping bug is fixed, or for
orders that could not be read when they came): each kept orders/create body goes through the
platform adapter again and its OrderReceived is published again (same key: store and order id;
order intake takes an order it already has as a repeat)."""

from collections.abc import Sequence
from dataclasses import dataclass

import structlog

from connector.domain.errors import StoreNotFound, WebhookUnreadable
from connector.ports import Platforms, ShopConnection, UnitOfWork, Vault, WebhookReceipt
from storefront_events import OrderReceived

log = structlog.get_logger()

ORDER_TOPICS = {"shopify": "orders/create"}


@dataclass(frozen=True)
class Rederived:
    published: list[str]  # platform order ids
    unreadable: list[tuple[str, str]]  # (delivery id, why)


async def rederive_orders(
    store_id: str,
    *,
    platform_order_ids: Sequence[str] = (),
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
) -> Rederived:
    wanted = set(platform_order_ids)
    published: list[str] = []
    unreadable: list[tuple[str, str]] = []
    async with uow:
        store = await uow.stores.get(store_id)
        if store is None:
            raise StoreNotFound("store_not_found", store_id=store_id)
        adapter = platforms.adapter(store.platform)
        topic = ORDER_TOPICS.get(store.platform, "orders/create")
        sealed = await uow.stores.sealed_credentials(store.id)
        connection = ShopConnection.of(store, vault.open(sealed) if sealed else None)
        for delivery_id, body in await uow.webhooks.kept(store.id, topic):
            try:
                outcome = adapter.webhook_outcome(
                    connection, WebhookReceipt(topic=topic, delivery_id=delivery_id), body
                )
            except WebhookUnreadable as error:
                unreadable.append((delivery_id, error.detail))
                continue
            for event in outcome.events:
                if isinstance(event, OrderReceived) and (not wanted or event.platform_order_id in wanted):
                    uow.outbox.add(event)
                    published.append(event.platform_order_id)
        await uow.commit()
    log.info("orders.rederived", store_id=store_id, published=len(published), unreadable=len(unreadable))
    return Rederived(published=published, unreadable=unreadable)
