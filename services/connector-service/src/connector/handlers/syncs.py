"""Product syncs ("Sync products"): a background job reading every product with every variant
from the shop, a page at a time, and publishing StoreProductsSynced in batches.

Incremental and idempotent: each product's fingerprint is kept, so a sync publishes only the
products that are new or changed (``full``: every product, with ``full_sync=True``) and the
products gone from the shop (status ``deleted``); the same sync run twice publishes nothing
the second time. Progress (products read / products the shop has) is saved page by page."""

import hashlib
import uuid
from collections.abc import Callable, Sequence

import structlog

from connector.domain import stores as rules
from connector.domain import syncs
from connector.domain.access import Viewer
from connector.domain.errors import (
    ConnectorError,
    PlatformAuthFailed,
    PlatformError,
    PlatformNotSupported,
    StoreDisconnectedAlready,
    SyncFailed,
    SyncNotFound,
)
from connector.domain.syncs import SyncJob
from connector.handlers.stores import load_managed, load_visible
from connector.ports import Clock, Platforms, ShopConnection, SyncedProduct, UnitOfWork, Vault
from storefront_events import StoreProduct, StoreProductsSynced

log = structlog.get_logger()


async def start_sync(
    viewer: Viewer, store_id: str, *, full: bool, uow: UnitOfWork, clock: Clock
) -> tuple[SyncJob, bool]:
    """ "Sync products": a new job, or the store's whole-catalog sync already under way (False)."""
    async with uow:
        store = await load_managed(uow, viewer, store_id)
        if store.platform == "manual":
            raise PlatformNotSupported("platform_not_supported", platform="manual")
        if store.status == "disconnected":
            raise StoreDisconnectedAlready("store_disconnected", name=store.name)
        if running := await uow.sync_jobs.running_full(store.id):
            return running, False
        job = SyncJob(id=str(uuid.uuid4()), store_id=store.id, status="running", full=full, started_at=clock.now())
        uow.sync_jobs.add(job)
        await uow.commit()
    return job, True


async def start_product_sync(store_id: str, product_ids: Sequence[str], *, uow: UnitOfWork, clock: Clock) -> SyncJob:
    """A sync of some products only (the shop said they changed)."""
    job = SyncJob(
        id=str(uuid.uuid4()),
        store_id=store_id,
        status="running",
        full=False,
        started_at=clock.now(),
        product_ids=tuple(dict.fromkeys(product_ids)),
    )
    async with uow:
        uow.sync_jobs.add(job)
        await uow.commit()
    return job


async def get_sync(viewer: Viewer, store_id: str, sync_id: str, *, uow: UnitOfWork) -> SyncJob:
    async with uow:
        await load_visible(uow, viewer, store_id)
        job = await uow.sync_jobs.get(sync_id)
    if job is None or job.store_id != store_id:
        raise SyncNotFound("sync_not_found", sync_id=sync_id)
    return job


async def list_syncs(viewer: Viewer, store_id: str, *, uow: UnitOfWork, limit: int = 10) -> list[SyncJob]:
    async with uow:
        await load_visible(uow, viewer, store_id)
        return await uow.sync_jobs.latest(store_id, limit=limit)


def fingerprint(product: StoreProduct) -> str:
    return hashlib.sha256(product.model_dump_json().encode()).hexdigest()


async def run_sync(
    job_id: str,
    *,
    uows: Callable[[], UnitOfWork],
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
    batch_size: int,
    batch_bytes: int = 400_000,
) -> SyncJob:
    async with uows() as uow:
        job = await uow.sync_jobs.get(job_id)
        if job is None:
            raise LookupError(job_id)
        store = await uow.stores.get(job.store_id)
        sealed = await uow.stores.sealed_credentials(job.store_id)
    if store is None:
        raise LookupError(job.store_id)
    connection = ShopConnection.of(store, vault.open(sealed) if sealed else None)
    try:
        adapter = platforms.adapter(store.platform)
        async for page in adapter.products(connection, product_ids=list(job.product_ids) or None):
            seen = [
                SyncedProduct(p.platform_product_id, fingerprint(p), p.status, p.model_dump_json())
                for p in page.products
            ]
            async with uows() as uow:
                known = await uow.synced_products.fingerprints(store.id, [p.platform_product_id for p in seen])
                publish = [
                    p.platform_product_id for p in seen if job.full or known.get(p.platform_product_id) != p.fingerprint
                ]
                await uow.synced_products.seen(store.id, job.id, seen, publish=publish, at=clock.now())
                job = syncs.progressed(job, read=len(seen), total=None if job.partial else page.total)
                await uow.sync_jobs.save(job)
                await uow.commit()
        async with uows() as uow:
            removed = await uow.synced_products.mark_gone(
                store.id, job.id, list(job.product_ids) if job.partial else None, since=job.started_at, at=clock.now()
            )
            sizes = await uow.synced_products.pending_sizes(store.id, job.id)
            await uow.commit()
        pending = len(sizes)
        plan = syncs.plan_batches(sizes, max_products=batch_size, max_bytes=batch_bytes)
        batches = len(plan)
        for number, product_ids in enumerate(plan, start=1):
            async with uows() as uow:
                payloads = await uow.synced_products.take_pending(store.id, job.id, product_ids)
                uow.outbox.add(
                    StoreProductsSynced(
                        store_id=store.id,
                        client_id=store.client_id,
                        platform=store.platform,
                        sync_id=job.id,
                        products=[StoreProduct.model_validate_json(p) for p in payloads],
                        batch=number,
                        batches=batches,
                        full_sync=job.full and not job.partial,
                    )
                )
                await uow.commit()
        job = syncs.succeeded(job, changed=pending - removed, removed=removed, batches=batches, now=clock.now())
        async with uows() as uow:
            await uow.sync_jobs.save(job)
            await uow.stores.note_error(store.id, None, None, clock.now())
            await uow.commit()
        log.info(
            "sync.succeeded", store_id=store.id, sync_id=job.id, read=job.done, changed=job.changed, removed=removed
        )
        return job
    except PlatformError as error:
        return await _failed(job, error, uows=uows, clock=clock)
    except PlatformNotSupported as error:
        return await _failed(job, error, uows=uows, clock=clock)


async def _failed(job: SyncJob, error: ConnectorError, *, uows: Callable[[], UnitOfWork], clock: Clock) -> SyncJob:
    now = clock.now()
    job = syncs.failed(job, error=error.key, detail=error.detail, now=now)
    async with uows() as uow:
        await uow.sync_jobs.save(job)
        await uow.stores.note_error(job.store_id, error.key, error.detail, now)
        if isinstance(error, PlatformAuthFailed):
            store = await uow.stores.get(job.store_id, for_update=True)
            if store is not None and store.status == "connected":
                await uow.stores.save(rules.needs_attention(store, reason=error.key, now=now))
        await uow.commit()
    log.warning("sync.failed", store_id=job.store_id, sync_id=job.id, error=error.key, detail=error.detail)
    return job


async def fail_crashed(job_id: str, *, uows: Callable[[], UnitOfWork], clock: Clock) -> None:
    """A sync that broke on something unexpected: failed, in words, rather than running forever."""
    async with uows() as uow:
        job = await uow.sync_jobs.get(job_id)
    if job is not None and job.status == "running":
        await _failed(job, SyncFailed("sync_crashed"), uows=uows, clock=clock)
