"""Never miss an order: each connected store's recent orders are fetched from its platform (on a
schedule and on demand) and any the webhooks missed go into the same de-duplicated path as a
webhook's (``announced_first``: one OrderReceived per store and platform order id, whichever
comes first). Platforms whose orders are polled anyway (Etsy) are reconciled by a poll, their
own de-duplicated path. The run's outcome (when, how many recovered, the error) is kept for the
store's health page; one store's failure never stops the others."""

from dataclasses import dataclass

import structlog

from connector.domain.access import Viewer
from connector.domain.errors import ConnectorError, PlatformNotSupported, StoreDisconnectedAlready, StoreNotFound
from connector.domain.reconciliations import failed, ran, reconcile_since
from connector.domain.stores import Store
from connector.handlers.announcements import announced_first
from connector.handlers.credentials import Connections, with_connection
from connector.handlers.order_polls import poll_orders, polls_orders
from connector.handlers.shop_addresses import unavailable
from connector.handlers.stores import load_managed
from connector.ports import ShopConnection
from service_runtime.outbound import UnsafeUrl
from storefront_events import OrderReceived

log = structlog.get_logger()

#: Platforms whose orders come by webhook and can be listed again
RECONCILED_PLATFORMS = frozenset({"shopify", "woocommerce", "etsy"})


@dataclass(frozen=True)
class ReconcileResult:
    seen: int
    recovered: int


def reconciled(store: Store) -> bool:
    return store.platform in RECONCILED_PLATFORMS and store.status in ("connected", "needs_attention")


async def reconcile_store(
    store_id: str, deps: Connections, *, lookback_seconds: int, poll_overlap_seconds: int
) -> ReconcileResult:
    uow = deps.uow
    async with uow:
        store = await uow.stores.get(store_id)
    if store is None:
        raise StoreNotFound("store_not_found", store_id=store_id)
    if store.platform not in RECONCILED_PLATFORMS:
        raise PlatformNotSupported("reconcile_not_supported", field="platform", platform=store.platform)
    try:
        try:
            if polls_orders(deps, store.platform):
                polled = await poll_orders(store_id, deps, overlap_seconds=poll_overlap_seconds)
                result = ReconcileResult(seen=polled.seen, recovered=polled.taken)
            else:
                result = await _recover(store, deps, lookback_seconds=lookback_seconds)
        except UnsafeUrl as refused:  # the shop's name no longer resolves (a lapsed domain), or is private now
            raise unavailable(refused) from refused
    except (StoreNotFound, StoreDisconnectedAlready):
        raise
    except ConnectorError as error:  # refused, unreachable, an order that cannot be read: said on its health
        await _note(deps, store_id, error=error)
        log.warning("orders.reconcile_failed", store_id=store_id, error=str(error.key))
        raise
    await _note(deps, store_id, result=result)
    log.info("orders.reconciled", store_id=store_id, seen=result.seen, recovered=result.recovered)
    return result


async def _recover(store: Store, deps: Connections, *, lookback_seconds: int) -> ReconcileResult:
    since = reconcile_since(now=deps.clock.now(), connected_at=store.created_at, lookback_seconds=lookback_seconds)
    adapter = deps.platforms.adapter(store.platform)

    async def fetch(connection: ShopConnection) -> list[OrderReceived]:
        return await adapter.recent_orders(connection, since=since)

    orders = await with_connection(store.id, deps, fetch)
    now = deps.clock.now()
    recovered = 0
    async with deps.uow as uow:
        await uow.reconciliations.get(store.id, for_update=True)  # one run of a store at a time
        for order in orders:
            if await announced_first(uow, order, at=now):
                uow.outbox.add(order)
                recovered += 1
                log.warning("orders.recovered", store_id=store.id, platform_order_id=order.platform_order_id)
        await uow.commit()
    return ReconcileResult(seen=len(orders), recovered=recovered)


async def _note(
    deps: Connections, store_id: str, *, result: ReconcileResult | None = None, error: ConnectorError | None = None
) -> None:
    now = deps.clock.now()
    async with deps.uow as uow:
        previous = await uow.reconciliations.get(store_id, for_update=True)
        if error is not None:
            await uow.reconciliations.put(
                failed(previous, store_id, at=now, key=str(error.key), detail=str(error), values=error.values)
            )
        elif result is not None:
            await uow.reconciliations.put(ran(previous, store_id, at=now, seen=result.seen, recovered=result.recovered))
        await uow.commit()


async def reconcile_every_store(
    deps: Connections, *, lookback_seconds: int, poll_overlap_seconds: int, page: int = 200
) -> int:
    """The schedule's pass over every connected store of a reconciled platform; how many orders
    were recovered."""
    recovered, after = 0, None
    while True:
        async with deps.uow as uow:
            stores = await uow.stores.listed(client_id=None, store_ids=None, after=after, limit=page)
        for store in stores:
            if not reconciled(store):
                continue
            try:
                result = await reconcile_store(
                    store.id, deps, lookback_seconds=lookback_seconds, poll_overlap_seconds=poll_overlap_seconds
                )
            except ConnectorError as error:  # noted on the store's reconciliation
                log.warning("orders.reconcile_skipped", store_id=store.id, error=str(error.key))
                continue
            except Exception:  # a fault of ours with this store: the others are reconciled all the same
                log.exception("orders.reconcile_crashed", store_id=store.id)
                continue
            recovered += result.recovered
        if len(stores) < page:
            return recovered
        after = stores[-1].id


async def reconcile_now(
    viewer: Viewer, store_id: str, deps: Connections, *, lookback_seconds: int, poll_overlap_seconds: int
) -> ReconcileResult:
    """ "Reconcile now" on the store's page: its admin, its Store manager or an operator."""
    async with deps.uow as uow:
        await load_managed(uow, viewer, store_id)
    return await reconcile_store(
        store_id, deps, lookback_seconds=lookback_seconds, poll_overlap_seconds=poll_overlap_seconds
    )
