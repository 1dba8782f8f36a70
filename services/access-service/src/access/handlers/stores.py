"""Access's read model of stores, and what a disconnected store takes away from store managers."""

from access.domain import KnownStore
from access.ports import UnitOfWork
from service_runtime.versions import newer_than_held
from storefront_events import StoreConnected, StoreDisconnected, UserRoleChanged


async def keep_store(event: StoreConnected | StoreDisconnected, *, uow: UnitOfWork) -> None:
    """Keeps the local read model of stores (whose they are, connected or not). A disconnected
    store leaves every store manager who had it: their store list loses it (their next token no
    longer carries it, the tokens they hold stop working here and UserRoleChanged tells the other
    services), and one left with no store cannot sign in until the admin gives them a store.
    Runs under the client's users lock, so a store manager given the store at the same moment
    either sees it disconnected or is seen here. An event not newer than the store's version held
    here (a replay, a late retry) changes nothing."""
    async with uow:
        await uow.access.lock(event.client_id)
        current = await uow.stores.get(event.store_id, for_update=True)
        if current is not None and not newer_than_held(
            event, current.version, read_model="known_stores", aggregate_id=event.store_id
        ):
            await uow.commit()
            return
        if isinstance(event, StoreConnected):
            store = KnownStore(event.store_id, event.client_id, event.name, True, event.aggregate_version)
        else:
            name = current.name if current is not None else event.store_id
            store = KnownStore(event.store_id, event.client_id, name, False, event.aggregate_version)
        await uow.stores.put(store)
        if not store.connected:
            await _take_from_store_managers(uow, store)
        await uow.commit()


async def _take_from_store_managers(uow: UnitOfWork, store: KnownStore) -> None:
    for user in await uow.users.of_client(store.client_id):
        changed = user.without_store(store.id)
        if changed is user:
            continue
        await uow.users.put(changed)
        uow.outbox.add(
            UserRoleChanged(
                client_id=store.client_id,
                user_id=changed.id,
                email=changed.email,
                role=changed.role,
                store_ids=list(changed.store_ids),
                aggregate_version=changed.version,
            )
        )
