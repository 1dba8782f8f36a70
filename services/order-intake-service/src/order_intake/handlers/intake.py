"""Shop orders in, set-based: a batch of OrderReceived is one read of the orders already held,
one of the stores, one of the mappings its lines may match, then bulk inserts of orders, lines
and history, and their events. Resolution is the domain's, without I/O."""

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from order_intake.domain.addresses import Address
from order_intake.domain.orders import Line, Order
from order_intake.domain.resolution import LineKey, MappingIndex
from order_intake.handlers.policies import policies_for
from order_intake.handlers.publishing import keep_changes
from order_intake.ports import UnitOfWork
from storefront_events import OrderCancelledInStore, OrderReceived
from storefront_events.values import Address as EventAddress

#: Order and line ids are derived from the store and the order's key: the same order is the same id.
_NAMESPACE = uuid.UUID("5b7a1f57-6f1c-4b8e-9a55-0e2f4f8b6a01")


_NAMESPACE_BYTES = _NAMESPACE.bytes


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(_NAMESPACE, name))`` without building a UUID object (four per order)."""
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name.encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def order_id_for(store_id: str, key: str) -> str:
    return _uuid5(f"{store_id}\x1f{key}")


def line_id_for(order_id: str, position: int) -> str:
    return _uuid5(f"{order_id}\x1fline\x1f{position}")


_NOT_CONTENT = {"event_id", "occurred_at", "correlation_id", "aggregate_version"}


def _received_hash(event: OrderReceived) -> str:
    """The order's content as the shop sent it (not the delivery's identity): fields in the model's order."""
    return hashlib.sha256(event.model_dump_json(exclude=_NOT_CONTENT).encode()).hexdigest()


def address_of(address: EventAddress) -> Address:
    return Address(**vars(address))  # its fields as they are: flat strings, no dump (nor dict(model)'s iteration)


def order_of(event: OrderReceived, order_id: str, *, test: bool, now: datetime) -> Order:
    return Order(
        id=order_id,
        client_id=event.client_id,
        store_id=event.store_id,
        platform=event.platform,
        source="shop",
        currency=event.currency,
        total=str(event.total),
        shipping_address=address_of(event.shipping_address),
        lines=[
            Line(
                line_id=line_id_for(order_id, position),
                position=position,
                title=line.title,
                quantity=line.quantity,
                platform_line_id=line.platform_line_id,
                platform_product_id=line.platform_product_id,
                platform_variant_id=line.platform_variant_id,
                sku=line.sku,
                variant_title=line.variant_title,
                unit_price=str(line.unit_price) if line.unit_price is not None else None,
                attributes=tuple([(a.name, a.value) for a in line.attributes]) if line.attributes else (),
            )
            for position, line in enumerate(event.lines, start=1)
        ],
        placed_at=event.placed_at,
        received_at=now,
        platform_order_id=event.platform_order_id,
        order_number=event.order_number,
        shipping_method=event.shipping_method,
        customer_email=event.customer_email,
        test=test,
        content_hash=_received_hash(event),
    )


async def receive_orders(events: Sequence[OrderReceived], *, uow: UnitOfWork) -> None:
    """One transaction for the batch. The same order twice is one order; the same reference
    with other content flags the order as a possible duplicate."""
    if not events:
        return
    now = datetime.now(UTC)
    async with uow:
        await uow.store_guard.hold({event.store_id for event in events}, exclusive=False)
        keyed = [(event, Order.key_of(event.store_id, event.platform_order_id, None)) for event in events]
        ids = [order_id_for(event.store_id, key) for event, key in keyed]
        held = await uow.orders.get_many(ids, for_update=True)
        stores = await uow.stores.get_many(event.store_id for event in events)
        store_ids = {event.store_id for event in events}
        mappings = await uow.mappings.matching(
            (event.store_id, LineKey(line.platform_product_id, line.platform_variant_id, line.sku))
            for event in events
            for line in event.lines
        )
        index = MappingIndex(mappings)
        policies = await policies_for({event.client_id for event in events}, uow)
        seen_stores = await uow.orders.stores_with_orders(store_ids)
        new: dict[str, tuple[Order, str]] = {}
        again: dict[str, Order] = {}
        for (event, key), order_id in zip(keyed, ids, strict=True):
            known = new[order_id][0] if order_id in new else held.get(order_id)
            if known is not None:
                if known.received_again(_received_hash(event), at=now, actor="shop") and order_id not in new:
                    again[order_id] = known
                continue
            store = stores.get(event.store_id)
            order = order_of(event, order_id, test=event.test or (store is not None and store.test_mode), now=now)
            order.first_of_store = order.store_id not in seen_stores
            seen_stores.add(order.store_id)
            order.receive(index, policies[order.client_id], at=now, actor="shop")
            new[order_id] = (order, key)
        await uow.orders.add_many(list(new.values()))
        await uow.orders.save_many(list(again.values()))
        await keep_changes([*(order for order, _ in new.values()), *again.values()], uow=uow)
        await uow.commit()


async def cancel_in_store(event: OrderCancelledInStore, *, uow: UnitOfWork) -> None:
    """Before production the order is cancelled; after, recorded and flagged for the operator.
    A cancellation of an order never received here changes nothing."""
    async with uow:
        order_id = order_id_for(event.store_id, Order.key_of(event.store_id, event.platform_order_id, None))
        order = await uow.orders.get(order_id, for_update=True)
        if order is not None:
            order.cancel_in_store(event.reason, at=datetime.now(UTC))
            await uow.orders.save_many([order])
            await keep_changes([order], uow=uow)
        await uow.commit()


async def shop_orders(events: Sequence[OrderReceived | OrderCancelledInStore], *, uow: UnitOfWork) -> None:
    """A batch of shop-orders.v1 in order: runs of received orders set-based, cancellations between."""
    run: list[OrderReceived] = []
    for event in events:
        if isinstance(event, OrderReceived):
            run.append(event)
            continue
        await receive_orders(run, uow=uow)
        run = []
        await cancel_in_store(event, uow=uow)
    await receive_orders(run, uow=uow)
