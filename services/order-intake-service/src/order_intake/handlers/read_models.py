"""Order intake's read models of the other services' facts: stores (connector) and mappings
(mapping service). A new mapping releases the held orders it resolves, set-based."""

from collections.abc import Sequence
from datetime import UTC, datetime

import structlog

from order_intake.domain.orders import Order
from order_intake.domain.resolution import LineKey, Mapping, MappingIndex, PrintFile
from order_intake.domain.stores import Store
from order_intake.domain.texts import Text, say
from order_intake.handlers.policies import policies_for
from order_intake.handlers.publishing import keep_changes
from order_intake.ports import UnitOfWork
from storefront_events import ProductMapped, ProductUnmapped, StoreConnected, StoreDisconnected

log = structlog.get_logger()


async def keep_stores(events: Sequence[StoreConnected | StoreDisconnected], *, uow: UnitOfWork) -> None:
    """The stores' client, platform (manual or not), test mode and connection; a change older
    than the one held (a replay, a reordering) changes nothing."""
    async with uow:
        held = await uow.stores.get_many(event.store_id for event in events)
        for event in events:
            current = held.get(event.store_id)
            if current is not None and current.changed_at > event.occurred_at:
                log.info("store.stale_skipped", store_id=event.store_id, event_id=str(event.event_id))
                continue
            if isinstance(event, StoreConnected):
                store = Store(
                    event.store_id,
                    event.client_id,
                    event.platform,
                    event.name,
                    True,
                    event.test_mode,
                    event.occurred_at,
                )
            elif current is not None:
                store = Store(
                    current.store_id,
                    current.client_id,
                    current.platform,
                    current.name,
                    False,
                    current.test_mode,
                    event.occurred_at,
                    current.currency,
                )
            else:
                store = Store(event.store_id, event.client_id, event.platform, "", False, False, event.occurred_at)
            held[store.store_id] = store
            await uow.stores.put(store)
        await uow.commit()


def _mapping(event: ProductMapped) -> Mapping:
    return Mapping(
        event.mapping_id,
        event.store_id,
        event.platform_product_id,
        event.platform_variant_id,
        event.sku,
        event.product_uid,
        tuple(PrintFile(f.type, f.url) for f in event.print_files),
    )


async def keep_mappings(events: Sequence[ProductMapped | ProductUnmapped], *, uow: UnitOfWork) -> None:
    """Applies the batch's mappings in order, then releases, in one pass, the held orders of
    those stores whose waiting lines the new mappings match and that now resolve whole."""
    now = datetime.now(UTC)
    async with uow:
        await uow.store_guard.hold({event.store_id for event in events}, exclusive=True)
        mapped_at = await uow.mappings.mapped_at(event.mapping_id for event in events)
        new_keys: list[tuple[str, LineKey]] = []
        for event in events:
            if (held_at := mapped_at.get(event.mapping_id)) is not None and held_at > event.occurred_at:
                log.info("mapping.stale_skipped", mapping_id=event.mapping_id, event_id=str(event.event_id))
                continue
            if isinstance(event, ProductMapped):
                await uow.mappings.put(_mapping(event), client_id=event.client_id, at=event.occurred_at)
                mapped_at[event.mapping_id] = event.occurred_at
                key = LineKey(event.platform_product_id, event.platform_variant_id, event.sku)
                new_keys.append((event.store_id, key))
            else:
                await uow.mappings.remove([event.mapping_id])
                mapped_at.pop(event.mapping_id, None)
        if new_keys:
            await release_held(
                {store for store, _ in new_keys},
                [key for _, key in new_keys],
                uow=uow,
                at=now,
                why=say("history.product_mapped"),
            )
        await uow.commit()


async def release_held(
    store_ids: set[str], keys: Sequence[LineKey], *, uow: UnitOfWork, at: datetime, why: Text
) -> list[Order]:
    """The held orders of these stores with a waiting line one of ``keys`` matches, resolved
    again against the current mappings (one query for all their lines); saved with their changes."""
    order_ids = await uow.orders.waiting_for(store_ids, keys)
    if not order_ids:
        return []
    orders = list((await uow.orders.get_many(order_ids, for_update=True)).values())
    index = MappingIndex(await uow.mappings.matching((o.store_id, line.key) for o in orders for line in o.lines))
    policies = await policies_for({o.client_id for o in orders}, uow)
    for order in orders:
        order.resolve(index, policies[order.client_id], at=at, actor="system", why=why)
    await uow.orders.save_many(orders)
    await keep_changes(orders, uow=uow)
    released = [order for order in orders if order.status == "accepted"]
    log.info("orders.released", checked=len(orders), released=len(released))
    return released
