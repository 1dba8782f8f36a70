"""The outbox and inbox statements on the real PostgreSQL, where a batch's rows go as one
array per column (``unnest``): the outbox keeps the order events were added in (the relay
publishes by id), and the inbox tells new event ids from those recorded before."""

import pytest
from sqlalchemy import select

from service_runtime.outbox import OutboxMessage
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY
from storefront_events import ClientUpdated, decode


@pytest.fixture
async def runtime(service_settings):
    runtime = Runtime(
        service_settings(ServiceSettings, service_name="statements", relay_enabled=False, consumers_enabled=False),
        migrations=RUNTIME_ONLY,
        follow_access_revocations=False,
    )
    await runtime.migrate()
    yield runtime
    await runtime.stop()


def _update(n: int) -> ClientUpdated:
    return ClientUpdated(client_id=f"c{n % 7}", name=f"name {n}", reference_id=None, description="é" * (n % 3))


async def test_the_rows_of_one_commit_are_stored_in_the_order_they_were_added(runtime):
    events = [_update(n) for n in range(300)]
    async with runtime.uow() as uow:
        for n, event in enumerate(events):
            uow.outbox.add(event, holds_secret=n % 5 == 0)
        await uow.commit()
    async with runtime.uow() as uow:
        uow.outbox.add(_update(300))
        await uow.commit()

    async with runtime.sessions() as session:
        rows = list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())
    assert [row.event_id for row in rows[:300]] == [str(event.event_id) for event in events]
    assert [decode(row.payload) for row in rows[:300]] == events
    assert [row.holds_secret for row in rows[:300]] == [n % 5 == 0 for n in range(300)]
    assert [(row.topic, row.message_key) for row in rows[:3]] == [
        ("clients.v1", "c0"),
        ("clients.v1", "c1"),
        ("clients.v1", "c2"),
    ]
    assert all(row.sent_at is None and row.failed_at is None and row.attempts == 0 for row in rows)
    assert all(row.created_at is not None for row in rows)
    assert rows[300].id > rows[299].id and decode(rows[300].payload).name == "name 300"


async def test_the_inbox_returns_only_the_event_ids_it_had_not_recorded_for_that_consumer(runtime):
    async with runtime.uow() as uow:
        assert await uow.inbox.record_new("group-a", ["e1", "e2", "e2", "e3"]) == {"e1", "e2", "e3"}
        await uow.commit()
    async with runtime.uow() as uow:
        assert await uow.inbox.record_new("group-a", ["e3", "e4", "e1", "e4"]) == {"e4"}
        assert await uow.inbox.record_new("group-b", ["e1"]) == {"e1"}  # another consumer's records are its own
        # left without commit: nothing recorded
    async with runtime.uow() as uow:
        assert await uow.inbox.record_new("group-b", ["e1", "e5"]) == {"e1", "e5"}
        assert await uow.inbox.record_new("group-a", []) == set()
        await uow.commit()
