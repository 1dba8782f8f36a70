from storefront_events import ClientArchived, ClientCreated, ClientRestored, ClientUpdated

from access.domain import KnownClient
from access.handlers.storefront_access import granted


async def keep_client(event: ClientCreated | ClientUpdated | ClientArchived | ClientRestored, *, uow) -> None:
    """Keeps the local read model of clients: created and updated clients carry their whole
    state; an archived client keeps its name and is marked archived, and its Storefronts
    access is turned off (every login and token of the client stops at once). Only a
    restored client stops being archived; its access stays off until an operator turns it on."""
    async with uow:
        current = await uow.clients.get(event.client_id)
        if isinstance(event, ClientArchived):
            client = KnownClient(event.client_id, event.name, event.reference_id, True, str(event.event_id))
        elif isinstance(event, ClientRestored):
            client = KnownClient(event.client_id, event.name, event.reference_id, False, str(event.event_id))
            current = None
        else:
            client = KnownClient(event.client_id, event.name, event.reference_id, event.archived, str(event.event_id))
        if current is not None and current.archived and not client.archived:
            client = KnownClient(client.id, client.name, client.reference_id, True, client.version)
        await uow.clients.put(client)
        if client.archived:
            await _turn_access_off(uow, client.id)
        await uow.commit()


async def _turn_access_off(uow, client_id: str) -> None:
    access = await uow.access.get(client_id)
    if access is None or not access.enabled:
        return
    access = access.switched(False)
    await uow.access.put(access)
    uow.outbox.add(granted(access, await uow.users.get(access.admin_user_id)))
