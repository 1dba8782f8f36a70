"""The connector's read model of clients (clients.v1): a Pressero store is identified by its
client's reference ID, so the connector must know it without asking the client service."""

from connector.intake_ports import KnownClient, UnitOfWork
from service_runtime.versions import newer_than_held
from storefront_events import ClientArchived, ClientCreated, ClientRestored, ClientUpdated


async def keep_client(
    event: ClientCreated | ClientUpdated | ClientArchived | ClientRestored, *, uow: UnitOfWork
) -> None:
    """Created and updated clients carry their whole state; archived ones are marked; only a
    restore brings an archived client back. An event not newer than the version held changes
    nothing (a replay, a late retry)."""
    async with uow:
        current = await uow.clients.get(event.client_id, for_update=True)
        if current is not None and not newer_than_held(
            event, current.version, read_model="connector_known_clients", aggregate_id=event.client_id
        ):
            await uow.commit()
            return
        archived = isinstance(event, ClientArchived) or (
            isinstance(event, ClientCreated | ClientUpdated)
            and (event.archived or (current is not None and current.archived))
        )
        await uow.clients.put(
            KnownClient(event.client_id, event.name, event.reference_id, archived, event.aggregate_version)
        )
        await uow.commit()
