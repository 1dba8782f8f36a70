from storefront_events import ClientArchived, ClientCreated, ClientUpdated

from access.domain import KnownClient
from access.handlers.storefront_access import turn_off


async def keep_client(event: ClientCreated | ClientUpdated | ClientArchived, *, uow) -> None:
    """Keeps the local read model of clients: created and updated clients carry their whole
    state; an archived client keeps its name and is marked archived, and its Storefronts
    access is turned off (every login and token of the client stops at once)."""
    async with uow:
        current = await uow.clients.get(event.client_id)
        if isinstance(event, ClientArchived):
            client = KnownClient(event.client_id, event.name, event.reference_id, True, str(event.event_id))
        else:
            client = KnownClient(event.client_id, event.name, event.reference_id, event.archived, str(event.event_id))
        if current is not None and current.archived and not client.archived:
            client = KnownClient(client.id, client.name, client.reference_id, True, client.version)
        await uow.clients.put(client)
        if client.archived and (access := await uow.access.get(client.id)) is not None and access.enabled:
            await turn_off(uow, access, now=event.occurred_at)
        await uow.commit()
