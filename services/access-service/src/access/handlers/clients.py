from storefront_events import ClientArchived, ClientCreated, ClientUpdated

from access.domain import KnownClient


async def keep_client(event: ClientCreated | ClientUpdated | ClientArchived, *, uow) -> None:
    """Keeps the local read model of clients: created and updated clients carry their whole
    state; an archived client keeps its name and is marked archived."""
    async with uow:
        current = await uow.clients.get(event.client_id)
        if isinstance(event, ClientArchived):
            client = KnownClient(event.client_id, event.name, event.reference_id, True, str(event.event_id))
        else:
            client = KnownClient(event.client_id, event.name, event.reference_id, event.archived, str(event.event_id))
        if current is not None and current.archived and not client.archived:
            client = KnownClient(client.id, client.name, client.reference_id, True, client.version)
        await uow.clients.put(client)
        await uow.commit()
