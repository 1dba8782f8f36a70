"""Stores: add a manual store, read stores as a viewer may, disconnect."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from connector.domain import stores as rules
from connector.domain.access import Viewer, can_add_store, can_manage, can_see
from connector.domain.errors import InvalidStore, NotAllowed, StoreNotFound
from connector.domain.stores import Store
from connector.ports import Clock, UnitOfWork
from storefront_events import StoreConnected, StoreDisconnected


async def add_manual_store(
    viewer: Viewer, *, client_id: str | None, name: str, test_mode: bool, uow: UnitOfWork, clock: Clock
) -> Store:
    """ "Add manual store": a store without a platform whose orders come from "Place order" and
    CSV import. Connected at once (StoreConnected like any other store)."""
    owner = owner_of_new_store(viewer, client_id)
    store = rules.new_manual_store(str(uuid.uuid4()), client_id=owner, name=name, test_mode=test_mode, now=clock.now())
    async with uow:
        uow.stores.add(store)
        uow.outbox.add(store_connected(store))
        await uow.commit()
    return store


def owner_of_new_store(viewer: Viewer, client_id: str | None) -> str:
    """The client a new store is for: the viewer's own, or the one an operator names."""
    owner = client_id if viewer.is_operator else viewer.client_id
    if not owner:
        raise InvalidStore("client_required", field="client_id")
    if not can_add_store(viewer, owner):
        raise NotAllowed("role_may_not_add_store")
    return owner


async def get_store(viewer: Viewer, store_id: str, *, uow: UnitOfWork) -> Store:
    async with uow:
        return await load_visible(uow, viewer, store_id)


@dataclass(frozen=True)
class ListedStore:
    """A store as the stores list shows it: with what the stored facts say it needs (no call
    to its platform: the store's health page checks that live)."""

    store: Store
    parked_webhooks: int  # webhooks the shop sent that could not be read, waiting for a retry

    @property
    def needs_attention(self) -> bool:
        return self.store.status == "needs_attention" or (
            self.store.status != "disconnected" and self.parked_webhooks > 0
        )


async def list_stores(
    viewer: Viewer, *, client_id: str | None, after: str | None, limit: int, uow: UnitOfWork
) -> list[ListedStore]:
    """Operators: every store, or one client's. Client users: their client's; a Store manager
    only the stores in its token. Each with its parked webhooks (one query for the page)."""
    store_ids: Sequence[str] | None = None
    if not viewer.is_operator:
        if client_id is not None and client_id != viewer.client_id:
            return []
        client_id = viewer.client_id
        if viewer.role == "store_manager":
            store_ids = viewer.store_ids
    async with uow:
        found = await uow.stores.listed(client_id=client_id, store_ids=store_ids, after=after, limit=limit)
        parked = await uow.webhooks.parked_counts([store.id for store in found]) if found else {}
    return [ListedStore(store, parked.get(store.id, 0)) for store in found]


async def disconnect_store(viewer: Viewer, store_id: str, *, uow: UnitOfWork, clock: Clock) -> Store:
    """The client disconnects a store: no more orders from it (StoreDisconnected)."""
    async with uow:
        store = await load_managed(uow, viewer, store_id, for_update=True)
        gone = rules.disconnect(store, reason="by_client", now=clock.now())
        await uow.stores.save(gone)
        await uow.stores.keep_credentials(gone.id, None)
        uow.outbox.add(store_disconnected(gone))
        await uow.commit()
    return gone


async def load_visible(uow: UnitOfWork, viewer: Viewer, store_id: str, *, for_update: bool = False) -> Store:
    """A store the viewer may see; any other is "not found" (never a hint that it exists)."""
    store = await uow.stores.get(store_id, for_update=for_update)
    if store is None or not can_see(viewer, store):
        raise StoreNotFound("store_not_found", store_id=store_id)
    return store


async def load_managed(uow: UnitOfWork, viewer: Viewer, store_id: str, *, for_update: bool = False) -> Store:
    store = await load_visible(uow, viewer, store_id, for_update=for_update)
    if not can_manage(viewer, store):
        raise NotAllowed("role_may_not_manage", role=viewer.role)
    return store


def store_connected(store: Store) -> StoreConnected:
    return StoreConnected(
        store_id=store.id,
        client_id=store.client_id,
        platform=store.platform,
        name=store.name,
        shop_url=store.shop_url,
        platform_shop_id=store.platform_shop_id,
        currency=store.currency,
        aggregate_version=store.version,
    )


def store_disconnected(store: Store) -> StoreDisconnected:
    return StoreDisconnected(
        store_id=store.id,
        client_id=store.client_id,
        platform=store.platform,
        reason=store.status_reason or "by_client",
        aggregate_version=store.version,
    )
