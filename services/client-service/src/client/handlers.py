"""Use cases of the client service: load → decide → save → emit → commit."""

import uuid

from client import domain
from client.commands import ArchiveClient, CreateClient, RestoreClient, UpdateClient
from client.domain import Client, ClientNotFound, DuplicateReference
from client.ports import Clock, UnitOfWork
from service_runtime.errors import UniqueViolation
from storefront_events import ClientArchived as ClientArchivedEvent
from storefront_events import ClientCreated, ClientRestored, ClientUpdated


async def create_client(cmd: CreateClient, *, uow: UnitOfWork, clock: Clock) -> Client:
    """Creates a client. The name is required (spaces trimmed); the client reference ID
    is optional and unique among all clients, ignoring case; the description is optional."""
    client = domain.new_client(
        str(uuid.uuid4()), name=cmd.name, reference_id=cmd.reference_id, description=cmd.description, now=clock.now()
    )
    async with uow:
        if client.reference_id and await uow.clients.reference_taken(client.reference_id):
            raise _duplicate(client.reference_id)
        uow.clients.add(client)
        uow.outbox.add(ClientCreated(**_state(client)))
        await _commit(uow, client.reference_id)
    return client


async def update_client(cmd: UpdateClient, *, uow: UnitOfWork, clock: Clock) -> Client:
    """Changes name, reference ID or description of a client that is not archived."""
    async with uow:
        client = await _load(uow, cmd.client_id, for_update=True)
        updated = domain.update_client(client, cmd.changes, now=clock.now())
        if updated == client:
            return client
        if updated.reference_id and updated.reference_id != client.reference_id:
            if await uow.clients.reference_taken(updated.reference_id, other_than=client.id):
                raise _duplicate(updated.reference_id)
        await uow.clients.save(updated)
        uow.outbox.add(ClientUpdated(**_state(updated)))
        await _commit(uow, updated.reference_id)
    return updated


async def archive_client(cmd: ArchiveClient, *, uow: UnitOfWork, clock: Clock) -> Client:
    """Archives a client: it stays readable, can no longer change, and the other services
    stop taking work for it."""
    async with uow:
        client = await _load(uow, cmd.client_id, for_update=True)
        archived = domain.archive_client(client, now=clock.now())
        await uow.clients.save(archived)
        uow.outbox.add(
            ClientArchivedEvent(
                client_id=archived.id,
                name=archived.name,
                reference_id=archived.reference_id,
                aggregate_version=archived.version,
            )
        )
        await uow.commit()
    return archived


async def restore_client(cmd: RestoreClient, *, uow: UnitOfWork, clock: Clock) -> Client:
    """Restores an archived client with its name, reference ID and description; the other
    services take work for it again (access stays off until an operator turns it on)."""
    async with uow:
        client = await _load(uow, cmd.client_id, for_update=True)
        restored = domain.restore_client(client, now=clock.now())
        await uow.clients.save(restored)
        state = _state(restored)
        del state["archived"]
        uow.outbox.add(ClientRestored(**state))
        await uow.commit()
    return restored


async def get_client(client_id: str, *, uow: UnitOfWork) -> Client:
    async with uow:
        return await _load(uow, client_id)


async def list_clients(
    *, uow: UnitOfWork, text: str | None, status: str, after: tuple[str, str] | None, limit: int
) -> list[Client]:
    async with uow:
        return await uow.clients.search(text=text, status=status, after=after, limit=limit)


async def _load(uow: UnitOfWork, client_id: str, *, for_update: bool = False) -> Client:
    """`for_update` holds the client's row until commit: two concurrent changes of one
    client cannot both start from the same version and publish the same version twice."""
    client = await uow.clients.get(client_id, for_update=for_update)
    if client is None:
        raise ClientNotFound("client_not_found", client_id=client_id)
    return client


async def _commit(uow: UnitOfWork, reference_id: str | None) -> None:
    try:
        await uow.commit()
    except UniqueViolation as error:  # a concurrent request took the same reference first
        raise _duplicate(reference_id or "") from error


def _duplicate(reference_id: str) -> DuplicateReference:
    return DuplicateReference("reference_taken", field="reference_id", reference_id=reference_id)


def _state(client: Client) -> dict[str, object]:
    return {
        "client_id": client.id,
        "name": client.name,
        "reference_id": client.reference_id,
        "description": client.description,
        "archived": client.archived,
        "aggregate_version": client.version,
    }
