"""The stores and their products as the connector reports them (read model), and the
mappings that break when the shop changes under them."""

from collections.abc import Sequence

from mapping.domain.mappings import Mapping, why_broken
from mapping.domain.store_products import Store, StoreVariant
from mapping.handlers.breakage import break_all
from mapping.ports import Clock, UnitOfWork
from service_runtime.versions import newer_than_held
from storefront_events import StoreConnected, StoreDisconnected, StoreProductsSynced


async def keep_store(event: StoreConnected | StoreDisconnected, *, uow: UnitOfWork) -> None:
    """Whose store it is (every store route checks it) and whether it is connected. An event not
    newer than the store's version held here changes nothing."""
    async with uow:
        held = await uow.stores.get(event.store_id)
        if held is not None and not newer_than_held(
            event, held.version, read_model="stores", aggregate_id=event.store_id
        ):
            await uow.commit()
            return
        name = event.name if isinstance(event, StoreConnected) else (held.name if held else event.store_id)
        await uow.stores.put(
            Store(
                store_id=event.store_id,
                client_id=event.client_id,
                platform=event.platform,
                name=name,
                connected=isinstance(event, StoreConnected),
                version=event.aggregate_version,
            )
        )
        await uow.commit()


async def apply_syncs(events: Sequence[StoreProductsSynced], *, uow: UnitOfWork, clock: Clock) -> None:
    """Applies a batch of sync batches, set-based: every variant of an event in one bulk upsert.

    - new and changed variants are upserted; a product listed in a batch is whole there, so its
      variants absent from it are removed;
    - a full sync (``full_sync``) is complete once every batch of its ``sync_id`` arrived; then
      every variant of the store it did not see is removed;
    - a mapping whose variant was removed, whose SKU or options changed, or whose product is
      no longer published breaks (see breakage.py)."""
    now = clock.now()
    async with uow:
        for event in events:
            await uow.stores.ensure(Store(event.store_id, event.client_id, event.platform, event.store_id))
            await uow.store_products.upsert_variants(event.store_id, event.sync_id, event.products, now=now)
            listed = {p.platform_product_id for p in event.products}
            seen = {(p.platform_product_id, v.platform_variant_id) for p in event.products for v in p.variants}
            await uow.store_products.remove_products(event.store_id, listed, keep=seen)
            received = await uow.store_products.record_batch(
                event.store_id,
                event.sync_id,
                batch=event.batch,
                batches=event.batches,
                full_sync=event.full_sync,
                now=now,
            )
            complete = event.full_sync and received >= event.batches
            if complete:
                await uow.store_products.remove_unseen(event.store_id, event.sync_id)
            found = await uow.mappings.mapped_in(event.store_id, None if complete else listed)
            await break_all(uow, _broken(found), now=now)
        await uow.commit()


def _broken(found: list[tuple[Mapping, StoreVariant | None]]) -> list[tuple[Mapping, StoreVariant | None, str]]:
    return [(m, v, reason) for m, v in found if (reason := why_broken(m, v)) is not None]
