from pathlib import Path

import pytest

from client import handlers
from client.commands import ArchiveClient, CreateClient, RestoreClient, UpdateClient
from client.domain import ClientArchived as ClientIsArchived
from client.domain import ClientNotArchived, ClientNotFound, DuplicateReference
from service_runtime.testing.helpers import load_module
from storefront_events import ClientArchived, ClientCreated, ClientRestored, ClientUpdated

fakes = load_module("client_test_fakes", Path(__file__).parents[1] / "fakes.py")


@pytest.fixture
def uow():
    return fakes.FakeUnitOfWork()


@pytest.fixture
def clock():
    return fakes.FakeClock()


async def test_creating_publishes_the_whole_state(uow, clock):
    client = await handlers.create_client(CreateClient(" Acme ", "A-1", "Posters"), uow=uow, clock=clock)
    [event] = uow.published
    assert isinstance(event, ClientCreated)
    assert (event.client_id, event.name, event.reference_id, event.description) == (client.id, "Acme", "A-1", "Posters")


async def test_a_reference_is_unique_whatever_its_case_and_nothing_is_published(uow, clock):
    await handlers.create_client(CreateClient("Acme", "A-1"), uow=uow, clock=clock)
    with pytest.raises(DuplicateReference):
        await handlers.create_client(CreateClient("Other", "a-1"), uow=uow, clock=clock)
    assert len(uow.published) == 1 and len(uow.clients.clients) == 1


async def test_an_update_that_changes_nothing_publishes_nothing(uow, clock):
    client = await handlers.create_client(CreateClient("Acme", "A-1"), uow=uow, clock=clock)
    same = await handlers.update_client(UpdateClient(client.id, {"name": "  Acme "}), uow=uow, clock=clock)
    assert same == client and len(uow.published) == 1

    renamed = await handlers.update_client(UpdateClient(client.id, {"reference_id": "A-2"}), uow=uow, clock=clock)
    assert isinstance(uow.published[-1], ClientUpdated) and uow.published[-1].reference_id == "A-2"
    assert renamed.updated_at > client.updated_at


async def test_changing_to_another_clients_reference_is_refused(uow, clock):
    await handlers.create_client(CreateClient("Acme", "A-1"), uow=uow, clock=clock)
    other = await handlers.create_client(CreateClient("Other", "B-1"), uow=uow, clock=clock)
    with pytest.raises(DuplicateReference):
        await handlers.update_client(UpdateClient(other.id, {"reference_id": "A-1"}), uow=uow, clock=clock)


async def test_archiving_publishes_client_archived_and_freezes_the_client(uow, clock):
    client = await handlers.create_client(CreateClient("Acme"), uow=uow, clock=clock)
    await handlers.archive_client(ArchiveClient(client.id), uow=uow, clock=clock)
    assert isinstance(uow.published[-1], ClientArchived)
    with pytest.raises(ClientIsArchived):
        await handlers.update_client(UpdateClient(client.id, {"name": "New"}), uow=uow, clock=clock)
    assert len(uow.published) == 2


async def test_unknown_clients_are_reported(uow, clock):
    with pytest.raises(ClientNotFound):
        await handlers.get_client("nope", uow=uow)
    with pytest.raises(ClientNotFound):
        await handlers.archive_client(ArchiveClient("nope"), uow=uow, clock=clock)


async def test_each_change_publishes_the_next_version_and_a_no_op_publishes_none(uow, clock):
    client = await handlers.create_client(CreateClient("Acme"), uow=uow, clock=clock)
    await handlers.update_client(UpdateClient(client.id, {"name": "Acme Ltd"}), uow=uow, clock=clock)
    await handlers.update_client(UpdateClient(client.id, {"name": "Acme Ltd"}), uow=uow, clock=clock)
    await handlers.archive_client(ArchiveClient(client.id), uow=uow, clock=clock)
    assert [event.aggregate_version for event in uow.published] == [1, 2, 3]
    assert (await handlers.get_client(client.id, uow=uow)).version == 3


async def test_restoring_an_archived_client_gives_it_back_its_reference_and_publishes_client_restored(uow, clock):
    client = await handlers.create_client(CreateClient("Acme", "A-1", "Posters"), uow=uow, clock=clock)
    await handlers.archive_client(ArchiveClient(client.id), uow=uow, clock=clock)
    with pytest.raises(DuplicateReference):  # archived, the reference stays its own
        await handlers.create_client(CreateClient("Other", "a-1"), uow=uow, clock=clock)

    restored = await handlers.restore_client(RestoreClient(client.id), uow=uow, clock=clock)

    assert (restored.archived, restored.reference_id, restored.description) == (False, "A-1", "Posters")
    event = uow.published[-1]
    assert isinstance(event, ClientRestored) and (event.client_id, event.reference_id) == (client.id, "A-1")
    renamed = await handlers.update_client(UpdateClient(client.id, {"name": "Acme Ltd"}), uow=uow, clock=clock)
    assert renamed.name == "Acme Ltd"


async def test_restoring_a_client_that_is_not_archived_is_a_conflict(uow, clock):
    client = await handlers.create_client(CreateClient("Acme"), uow=uow, clock=clock)
    with pytest.raises(ClientNotArchived):
        await handlers.restore_client(RestoreClient(client.id), uow=uow, clock=clock)
    assert len(uow.published) == 1
