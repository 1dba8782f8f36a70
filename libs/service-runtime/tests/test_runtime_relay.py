"""The relay's ordering and failure rules, on SQLite with a producer that can fail."""

import asyncio

import pytest
from sqlalchemy import select
from storefront_events import ClientCreated, ClientUpdated, decode

from service_runtime.database import create_engine, session_factory
from service_runtime.migrations import RUNTIME_TABLES
from service_runtime.outbox import OutboxMessage
from service_runtime.relay import OutboxRelay
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import create_tables
from service_runtime.unit_of_work import SqlUnitOfWork


class FlakyProducer:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.fail_next: set[int] = set()

    async def send(self, topic, *, value, key, headers):
        self.sent.append((topic, key, value))
        future = asyncio.get_running_loop().create_future()
        if len(self.sent) in self.fail_next:
            future.set_exception(ConnectionError("broker went away"))
        else:
            future.set_result(None)
        return future


class FakeMessaging:
    def __init__(self) -> None:
        self.producer = FlakyProducer()


@pytest.fixture
async def setup(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/relay.db")
    await create_tables(engine, *RUNTIME_TABLES)
    sessions = session_factory(engine)
    messaging = FakeMessaging()
    relay = OutboxRelay(engine, sessions, messaging, ServiceSettings(topic_prefix="p."))
    yield sessions, messaging.producer, relay
    await engine.dispose()


async def _write(sessions, *events) -> None:
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        for event in events:
            uow.outbox.add(event)
        await uow.commit()


async def _unsent(sessions) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(select(OutboxMessage.event_type).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id))
        return list(rows.scalars())


async def test_publishes_in_commit_order_to_the_prefixed_topic_with_the_aggregate_key(setup):
    sessions, producer, relay = setup
    created = ClientCreated(client_id="c1", name="A", reference_id=None, description=None)
    updated = ClientUpdated(client_id="c1", name="B", reference_id=None, description=None)
    await _write(sessions, created, updated)

    assert await relay.publish_pending() == 2
    assert [(t, k) for t, k, _ in producer.sent] == [("p.clients.v1", b"c1"), ("p.clients.v1", b"c1")]
    assert [decode(v).event_id for _, _, v in producer.sent] == [created.event_id, updated.event_id]
    assert await _unsent(sessions) == []
    assert await relay.publish_pending() == 0


async def test_a_failed_row_and_everything_after_it_stay_unsent_and_go_out_next_time(setup):
    sessions, producer, relay = setup
    events = [ClientUpdated(client_id="c1", name=f"v{i}", reference_id=None, description=None) for i in range(3)]
    await _write(sessions, *events)
    producer.fail_next = {2}

    with pytest.raises(RuntimeError):
        await relay.publish_pending()
    assert len(await _unsent(sessions)) == 2

    producer.fail_next = set()
    assert await relay.publish_pending() == 2
    names = [decode(v).name for _, _, v in producer.sent]
    assert names == ["v0", "v1", "v2", "v1", "v2"]  # v1 retried before v2 again: key order holds for the consumer


async def test_nothing_is_published_when_the_transaction_rolls_back(setup):
    sessions, producer, relay = setup
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        uow.outbox.add(ClientCreated(client_id="c9", name="Never", reference_id=None, description=None))
    assert await relay.publish_pending() == 0
    assert producer.sent == []


async def test_a_row_holding_a_secret_keeps_no_payload_once_sent_and_the_others_keep_theirs(setup):
    sessions, producer, relay = setup
    secret = ClientCreated(client_id="c1", name="Secret S3CR3T", reference_id=None, description=None)
    plain = ClientUpdated(client_id="c1", name="Plain", reference_id=None, description=None)
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        uow.outbox.add(secret, holds_secret=True)
        uow.outbox.add(plain)
        await uow.commit()

    assert await relay.publish_pending() == 2
    assert decode(producer.sent[0][2]).name == "Secret S3CR3T"  # Kafka got it whole
    async with sessions() as session:
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
    assert [(r.sent_at is not None, "S3CR3T" in r.payload) for r in rows] == [(True, False), (True, False)]
    assert decode(rows[1].payload.encode()).name == "Plain"
