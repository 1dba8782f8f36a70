from access.domain import KnownClient
from access.handlers.storefront_access import turn_off
from access.ports import UnitOfWork
from service_runtime.versions import newer_than_held
from storefront_events import ClientArchived, ClientCreated, ClientRestored, ClientUpdated


async def keep_client(
    event: ClientCreated | ClientUpdated | ClientArchived | ClientRestored, *, uow: UnitOfWork
) -> None:
    """Keeps the local read model of clients: created and updated clients carry their whole
    state; an archived client keeps its name and is marked archived, and its Storefronts
    access is turned off (every login and token of the client stops at once). Only a
    restored client stops being archived; its access stays off until an operator turns it on.
    An event not newer than the client's version held here (a replay, a late retry) changes
    nothing."""
    async with uow:
        current = await uow.clients.get(event.client_id, for_update=True)
        if current is not None and not newer_than_held(
            event, current.version, read_model="known_clients", aggregate_id=event.client_id
        ):
            await uow.commit()
            return
        version = event.aggregate_version
        if isinstance(event, ClientArchived):
            client = KnownClient(event.client_id, event.name, event.reference_id, True, version)
        elif isinstance(event, ClientRestored):
            client = KnownClient(event.client_id, event.name, event.reference_id, False, version)
            current = None
        else:
            client = KnownClient(event.client_id, event.name, event.reference_id, event.archived, version)
        if current is not None and current.archived and not client.archived:
            client = KnownClient(client.id, client.name, client.reference_id, True, client.version)
        await uow.clients.put(client)
        if (
            client.archived
            and (access := await uow.access.get(client.id, for_update=True)) is not None
            and access.enabled
        ):
            await turn_off(uow, access, now=event.occurred_at)
        await uow.commit()
