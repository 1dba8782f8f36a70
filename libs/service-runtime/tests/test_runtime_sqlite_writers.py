"""On the embedded default (SQLite, one write lock per database), the writers of a service
take turns in the order they asked: the relay marking rows sent is not starved by a
consumer committing batch after batch, nobody sees "database is locked", nothing is lost."""

import asyncio

import pytest
import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select, text

from service_runtime.database import create_engine, session_factory
from service_runtime.kafka_admin import ensure_topics
from service_runtime.migrations import RUNTIME_TABLES
from service_runtime.outbox import OutboxMessage
from service_runtime.relay import OutboxRelay
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY, create_tables, eventually, read_topic
from service_runtime.unit_of_work import SqlUnitOfWork
from storefront_events import CLIENTS_V1, ClientCreated, ClientUpdated, encode


class Producer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, topic, *, value, key, headers):
        self.sent.append(value)
        future = asyncio.get_running_loop().create_future()
        future.set_result(None)
        return future


class Messaging:
    def __init__(self) -> None:
        self.producer = Producer()

    async def restart_producer(self) -> None:
        pass


class WatchedRelay(OutboxRelay):
    """Notes how many consumer batches were committed when it went to mark its rows sent."""

    def __init__(self, *args, batches_committed, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._batches_committed = batches_committed
        self.batches_when_marking: int | None = None

    async def _mark(self, session, rows, outcome, failures):
        self.batches_when_marking = self._batches_committed()
        return await super()._mark(session, rows, outcome, failures)


def _update(n: int) -> ClientUpdated:
    return ClientUpdated(client_id=f"c-{n}", name=f"n{n}", reference_id=None, description=None)


async def test_the_relay_marks_its_rows_sent_while_a_consumer_commits_batch_after_batch(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/service.db")
    await create_tables(engine, *RUNTIME_TABLES)
    sessions = session_factory(engine)
    messaging = Messaging()
    batches_committed = 0
    relay = WatchedRelay(
        engine, sessions, messaging, ServiceSettings(topic_prefix="p."), batches_committed=lambda: batches_committed
    )
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        for n in range(50):
            uow.outbox.add(_update(n))
        await uow.commit()

    first_batch_committed = asyncio.Event()
    relay_done = asyncio.Event()

    async def consumer() -> None:
        """Batch after batch, each holding the write lock while its handler works, until
        the relay is done (or it gives up: the relay never had its turn)."""
        nonlocal batches_committed
        while not relay_done.is_set() and batches_committed < 300:
            async with SqlUnitOfWork(sessions, source="/test") as uow:
                await uow.inbox.record_new("group", [f"event-{batches_committed}"])
                await asyncio.sleep(0.01)  # the handler's work, inside the transaction
                await uow.commit()
            batches_committed += 1
            first_batch_committed.set()

    batches_when_marked: int | None = None

    async def relay_pass() -> None:
        nonlocal batches_when_marked
        await first_batch_committed.wait()
        assert (await relay.publish_pending()).sent == 50
        batches_when_marked = batches_committed
        relay_done.set()

    with structlog.testing.capture_logs() as logs:
        await asyncio.gather(consumer(), relay_pass())
    try:
        # The relay had its turn right after the batch in progress, while the consumer kept
        # committing: it did not wait for the consumer to leave a gap that SQLite's busy
        # handler (polling with growing sleeps, serving nobody in order) happened to catch.
        assert relay.batches_when_marking is not None and batches_when_marked is not None
        assert batches_when_marked - relay.batches_when_marking <= 2
        assert batches_committed < 300
        async with sessions() as session:
            unsent = await session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            )
            applied = await session.scalar(text("SELECT count(*) FROM applied_events"))
        assert (unsent, applied, len(messaging.producer.sent)) == (0, batches_committed, 50)
        assert not [entry for entry in logs if "locked" in str(entry)]
    finally:
        await engine.dispose()


async def test_a_write_turn_is_given_back_when_a_transaction_rolls_back_or_fails(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/service.db")
    await create_tables(engine, *RUNTIME_TABLES)
    sessions = session_factory(engine)
    try:
        async with SqlUnitOfWork(sessions, source="/test") as uow:
            await uow.inbox.record_new("group", ["left-without-commit"])
        with pytest.raises(ZeroDivisionError):
            async with SqlUnitOfWork(sessions, source="/test") as uow:
                await uow.inbox.record_new("group", ["failed"])
                raise ZeroDivisionError
        async with engine.connect() as connection:  # commit, then a second transaction on it
            await connection.execute(text("INSERT INTO applied_events VALUES ('group', 'a', '2026-01-01')"))
            await connection.commit()
            await connection.execute(text("INSERT INTO applied_events VALUES ('group', 'b', '2026-01-01')"))
            await connection.commit()
        async with SqlUnitOfWork(sessions, source="/test") as uow:
            assert await uow.inbox.record_new("group", ["kept"]) == {"kept"}
            await uow.commit()
        async with sessions() as session:
            ids = set((await session.execute(text("SELECT event_id FROM applied_events"))).scalars())
        assert ids == {"a", "b", "kept"}
    finally:
        await engine.dispose()


async def test_a_consumer_and_the_relay_of_one_sqlite_service_lose_nothing(
    service_settings, stack, topic_prefix, tmp_path
):
    """The consumers of every partition and the relay in one process, as `make up` runs a
    service: each consumed event's outbox event is published once, no writer gives up."""
    settings = service_settings(
        ServiceSettings,
        service_name="sqlite-writers",
        database_url=f"sqlite:///{tmp_path}/service.db",
        consumer_log_each_event=False,
        consumer_batch_max_records=50,
        relay_batch_size=50,
        relay_poll_seconds=0.05,
    )
    runtime = Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)
    created = [ClientCreated(client_id=f"c-{n}", name="v1", reference_id=None, description=None) for n in range(600)]
    topic = topic_prefix + CLIENTS_V1.name
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: CLIENTS_V1.partitions})
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True, linger_ms=5)
    await producer.start()
    try:
        for event in created:
            await producer.send(topic, encode(event, source="/test"), key=event.client_id.encode())
        await producer.flush()
    finally:
        await producer.stop()

    @runtime.events.on(CLIENTS_V1, group="writers", events=(ClientCreated,), batch=True)
    async def rename(events, *, uow) -> None:
        async with uow:
            for event in events:
                uow.outbox.add(ClientUpdated(client_id=event.client_id, name="v2", reference_id=None, description=None))
            await uow.commit()

    try:
        await runtime.migrate()
        with structlog.testing.capture_logs() as logs:
            await runtime.start()

            async def all_sent() -> bool:
                async with runtime.sessions() as session:
                    sent = await session.scalar(
                        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_not(None))
                    )
                return sent == len(created)

            await eventually(all_sent, timeout=120)
        records = await read_topic(stack.kafka_bootstrap, topic, count=2 * len(created), timeout=60)
    finally:
        await runtime.stop()
    renamed = [value.client_id for _, value, _ in records if isinstance(value, ClientUpdated)]
    assert sorted(renamed) == sorted(event.client_id for event in created)  # each once, none lost
    assert not [entry for entry in logs if "locked" in str(entry) or entry["log_level"] == "error"]
