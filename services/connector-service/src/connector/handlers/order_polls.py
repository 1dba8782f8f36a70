"""Orders polled from platforms that give no order webhooks to rely on (Etsy): on a schedule and
on demand, each order becomes OrderReceived exactly once (recognised by its id), and the
high-water mark is kept so a restart neither takes an order twice nor misses one."""

from dataclasses import dataclass

import structlog

from connector.domain.access import Viewer
from connector.domain.errors import PlatformError, StoreNotFound
from connector.domain.order_polls import OrderPoll, moved, poll_since
from connector.handlers.credentials import Connections, with_connection
from connector.handlers.stores import load_managed
from connector.ports import ShopConnection, WebhookDelivery
from storefront_events import OrderReceived

log = structlog.get_logger()
POLLED_TOPIC = "orders/polled"


@dataclass(frozen=True)
class PollResult:
    seen: int
    taken: int


def polls_orders(deps: Connections, platform: str) -> bool:
    """Platforms whose adapters say their orders are polled."""
    try:
        return bool(getattr(deps.platforms.adapter(platform), "orders_by_polling", False))
    except PlatformError:
        return False


async def poll_orders(store_id: str, deps: Connections, *, overlap_seconds: int) -> PollResult:
    uow = deps.uow
    async with uow:
        store = await uow.stores.get(store_id)
        poll = await uow.order_polls.get(store_id)
    if store is None or not polls_orders(deps, store.platform):
        raise StoreNotFound("store_not_found", store_id=store_id)
    since = poll_since(poll, connected_at=store.created_at, overlap_seconds=overlap_seconds)
    adapter = deps.platforms.adapter(store.platform)

    async def fetch(connection: ShopConnection) -> list[OrderReceived]:
        return await adapter.recent_orders(connection, since=since)

    try:
        orders = await with_connection(store_id, deps, fetch)
    except PlatformError as error:
        await _note_failure(deps, store_id, poll, error)
        raise
    now = deps.clock.now()
    taken = 0
    async with uow:
        current = await uow.order_polls.get(store_id, for_update=True)
        for order in orders:
            delivery = WebhookDelivery(
                store_id=store_id,
                delivery_id=f"order:{order.platform_order_id}",
                topic=POLLED_TOPIC,
                received_at=now,
                raw_body=order.model_dump_json().encode(),
                platform_order_id=order.platform_order_id,
            )
            if await uow.webhooks.record(delivery):  # False: taken before (an earlier poll, another worker)
                uow.outbox.add(order)
                taken += 1
        mark = moved(current, created=[o.placed_at for o in orders], connected_at=store.created_at)
        await uow.order_polls.put(OrderPoll(store_id, mark, last_run_at=now, last_taken=taken))
        await uow.stores.note_error(store_id, None, None, now)
        await uow.commit()
    log.info("orders.polled", store_id=store_id, seen=len(orders), taken=taken, since=since.isoformat())
    return PollResult(seen=len(orders), taken=taken)


async def _note_failure(deps: Connections, store_id: str, poll: OrderPoll | None, error: PlatformError) -> None:
    now = deps.clock.now()
    async with deps.uow as uow:
        current = await uow.order_polls.get(store_id, for_update=True)
        mark = current.high_water_mark if current else (poll.high_water_mark if poll else None)
        if mark is not None:
            await uow.order_polls.put(
                OrderPoll(store_id, mark, last_run_at=now, last_taken=0, last_error=str(error.key))
            )
        await uow.stores.note_error(store_id, str(error.key), str(error), now)
        await uow.commit()


async def poll_every_store(deps: Connections, *, overlap_seconds: int, page: int = 200) -> int:
    """The schedule's pass: every connected store whose orders are polled; one store's failure
    (noted on its health) never stops the others. How many orders were taken."""
    taken, after = 0, None
    while True:
        async with deps.uow as uow:
            stores = await uow.stores.listed(client_id=None, store_ids=None, after=after, limit=page)
        for store in stores:
            if store.status != "connected" or not polls_orders(deps, store.platform):
                continue
            try:
                taken += (await poll_orders(store.id, deps, overlap_seconds=overlap_seconds)).taken
            except PlatformError as error:
                log.warning("orders.poll_failed", store_id=store.id, error=str(error.key))
        if len(stores) < page:
            return taken
        after = stores[-1].id


async def poll_store_orders(viewer: Viewer, store_id: str, deps: Connections, *, overlap_seconds: int) -> PollResult:
    """ "Fetch orders now" from the store's settings: its admin, its Store manager or an operator."""
    async with deps.uow as uow:
        await load_managed(uow, viewer, store_id)
    return await poll_orders(store_id, deps, overlap_seconds=overlap_seconds)
