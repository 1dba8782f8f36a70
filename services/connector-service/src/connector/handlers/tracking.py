"""Tracking back to the shop.

- OrderAccepted: the order's lines are kept (order intake's line id → the platform's line id), so a
  parcel of some lines fulfils those lines on the shop;
- OrderStatusChanged carrying shipments: each parcel not seen before becomes a pending push
  (nothing is called from the consumer: a shop that fails never holds the orders behind it);
- ``push_due`` (the scheduled job): each due push is claimed, pushed through the store's platform
  adapter, read back and recorded (confirmed, mismatch), or tried again later with backoff when
  the platform is unavailable; one failing push never holds the others;
- ``tracking_of``: what a client sees of an order's parcels on its store."""

import asyncio
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import structlog

from connector.domain import tracking as rules
from connector.domain.access import Viewer
from connector.domain.errors import (
    ConnectorError,
    PlatformAuthFailed,
    PlatformNotSupported,
    PlatformUnavailable,
)
from connector.domain.platform_errors import ShopUnreachable
from connector.domain.tracking import Parcel, ShipmentPush
from connector.handlers.credentials import Connections, with_connection
from connector.handlers.stores import load_visible
from connector.ports import Clock, Fulfillment, Platforms, ShopConnection
from connector.tracking_ports import ShopTracking, TrackingPlatform, UnitOfWork
from storefront_events import OrderAccepted, OrderStatusChanged

log = structlog.get_logger()

#: Said again later: the platform is down, throttling, or our access awaits a reconnection.
TRANSIENT = (PlatformUnavailable, PlatformAuthFailed, ShopUnreachable)


async def record_order_events(
    events: Sequence[OrderAccepted | OrderStatusChanged], *, uow: UnitOfWork, clock: Clock
) -> int:
    """A batch of order events in one transaction; how many parcels were new.

    - OrderAccepted, only for orders whose shop is told (Shopify, WooCommerce, Etsy): the order's
      lines are kept, all of the batch in one statement; a later OrderAccepted (a held order
      resolved) replaces them;
    - OrderStatusChanged: each parcel not pushed yet becomes a pending push. The same event
      delivered again, or a later one repeating the order's parcels, adds nothing."""
    lines_by_order = {
        event.order_id: {line.line_id: line.platform_line_id for line in event.lines}
        for event in events
        if isinstance(event, OrderAccepted) and event.platform in rules.PUSHED_TO and event.platform_order_id
    }
    shipped = [event for event in events if isinstance(event, OrderStatusChanged) and event.shipments]
    if not lines_by_order and not shipped:
        return 0
    now = clock.now()
    added = 0
    async with uow:
        await uow.shipment_pushes.keep_lines(lines_by_order)
        for event in shipped:
            for shipment in event.shipments:
                push = rules.new_push(
                    order_id=event.order_id,
                    store_id=event.store_id,
                    client_id=event.client_id,
                    platform=event.platform,
                    platform_order_id=event.platform_order_id,
                    parcel=Parcel(shipment.tracking_number, shipment.carrier, shipment.tracking_url, shipment.line_ids),
                    now=now,
                )
                if await uow.shipment_pushes.add_new(push):
                    added += 1
                    log.info(
                        "tracking.parcel_recorded", order_id=push.order_id, state=push.state, store_id=push.store_id
                    )
        await uow.commit()
    return added


@dataclass(frozen=True)
class Pushing:
    """What the push job needs; each call gets a unit of work (and a connection) of its own."""

    uow: Callable[[], UnitOfWork]
    connections: Callable[[], Connections]
    platforms: Platforms
    clock: Clock
    lease_seconds: float = 300.0  # longer than an attempt: a platform's own retries and timeouts included
    first_retry_seconds: float = rules.FIRST_RETRY_SECONDS
    parallel: int = 4


async def claim_due(deps: Pushing, *, limit: int, busy_orders: Collection[str] = ()) -> list[ShipmentPush]:
    """The pushes due now, claimed: counted as an attempt and not due again before the lease ends.
    One per order, none of ``busy_orders`` (pushed now): two parcels of an order are never pushed
    at the same time (each would read the order, then fulfil what remains)."""
    now = deps.clock.now()
    uow = deps.uow()
    async with uow:
        due = await uow.shipment_pushes.due(now, limit=limit, excluding_orders=busy_orders)
        one_per_order: list[ShipmentPush] = []
        for push in due:
            if all(push.order_id != taken.order_id for taken in one_per_order):
                one_per_order.append(push)
        claimed = [rules.claimed(push, now=now, lease_seconds=deps.lease_seconds) for push in one_per_order]
        for push in claimed:
            await uow.shipment_pushes.save(push)
        await uow.commit()
    return claimed


async def push_due(deps: Pushing, *, limit: int = 50) -> int:
    """Claims the pushes due now and pushes them side by side; how many were tried."""
    gate = asyncio.Semaphore(deps.parallel)

    async def one(push: ShipmentPush) -> None:
        async with gate:
            await push_one(push, deps)

    claimed = await claim_due(deps, limit=limit)
    await asyncio.gather(*(one(push) for push in claimed))
    return len(claimed)


async def push_one(push: ShipmentPush, deps: Pushing) -> ShipmentPush:
    """One attempt: push, read back, record the outcome (in words the client's page can say)."""
    assert push.platform_order_id is not None  # pending pushes have one (rules.new_push)
    platform_order_id = push.platform_order_id
    uow = deps.uow()
    async with uow:
        lines = await uow.shipment_pushes.platform_lines(push.order_id, push.line_ids) if push.line_ids else []
        await uow.commit()
    fulfillment = Fulfillment(
        platform_order_id=platform_order_id,
        carrier=push.carrier,
        tracking_number=push.tracking_number,
        tracking_url=push.tracking_url,
        platform_line_ids=tuple(lines or ()),
    )

    async def push_and_read_back(connection: ShopConnection) -> list[ShopTracking]:
        adapter = deps.platforms.adapter(connection.platform)
        if not isinstance(adapter, TrackingPlatform):
            raise PlatformNotSupported("platform_not_supported", platform=connection.platform)
        await adapter.push_fulfillment(connection, fulfillment)
        return await adapter.tracking_shown(connection, platform_order_id)

    now = deps.clock.now
    try:
        shown = await with_connection(push.store_id, deps.connections(), push_and_read_back)
    except TRANSIENT as error:
        outcome = rules.unavailable(
            push, key=error.key, values=_said(error), now=now(), first_retry_seconds=deps.first_retry_seconds
        )
    except ConnectorError as error:  # refused for good: the order unknown to the shop, nothing left to fulfil
        outcome = rules.refused(push, key=error.key, values=_said(error), now=now())
    else:
        outcome = rules.pushed(push, now=now(), shown=any(t.tracking_number == push.tracking_number for t in shown))
    uow = deps.uow()
    async with uow:
        await uow.shipment_pushes.save(outcome)
        await uow.commit()
    log.info(
        "tracking.push_attempted",
        order_id=push.order_id,
        store_id=push.store_id,
        platform=push.platform,
        state=outcome.state,
        attempts=outcome.attempts,
        error=outcome.last_error,
    )
    return outcome


def _said(error: ConnectorError) -> dict[str, str]:
    return {name: str(value) for name, value in error.values.items()}


async def tracking_of(viewer: Viewer, store_id: str, platform_order_id: str, *, uow: UnitOfWork) -> list[ShipmentPush]:
    """The parcels of a store's order and what the shop was told; a store the viewer may not see is a 404."""
    async with uow:
        store = await load_visible(uow, viewer, store_id)
        return await uow.shipment_pushes.of_order(store.id, platform_order_id)
