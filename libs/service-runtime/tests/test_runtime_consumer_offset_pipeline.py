"""A batch's Kafka offset commit does not hold the next batch back: it is queued behind the
previous batch's commit while the consumer applies what comes next. On the real Kafka and
PostgreSQL: offset commits that never complete (a consumer that dies before any of them
reaches the broker) lose nothing, and the next consumer of the group applies nothing twice."""

import asyncio

from aiokafka import AIOKafkaProducer
from aiokafka.errors import CommitFailedError
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlmodel import Field, SQLModel

from service_runtime.kafka_admin import ensure_topics
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY, create_tables, eventually
from storefront_events import CLIENTS_V1, ClientCreated, encode

GROUP = "pipeline-probe"


class PipelineClient(SQLModel, table=True):
    """What the probe consumer applied: one row per client created."""

    __tablename__ = "pipeline_clients"

    id: str = Field(primary_key=True, max_length=64)


def _runtime(service_settings) -> Runtime:
    settings = service_settings(
        ServiceSettings,
        service_name="pipeline-probe",
        consumer_backoff_seconds=0.05,
        consumer_batch_max_records=2,  # several batches for a handful of events
        relay_enabled=False,
    )
    return Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)


def _consumed(topic: str, group: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "storefronts_events_consumed_total", {"topic": topic, "group": group, "outcome": outcome}
    )
    return value or 0.0


async def _rows(runtime: Runtime) -> set[str]:
    async with runtime.sessions() as session:
        return set((await session.execute(select(PipelineClient.id))).scalars())


async def test_batches_are_applied_while_an_offset_commit_hangs_and_a_consumer_that_never_committed_loses_nothing(
    service_settings, stack, topic_prefix
):
    topic = topic_prefix + CLIENTS_V1.name
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: CLIENTS_V1.partitions})
    applied: list[str] = []  # every application, by either consumer

    def subscribe(runtime: Runtime) -> None:
        @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,))
        async def keep(event: ClientCreated, *, uow) -> None:
            async with uow:
                applied.append(event.client_id)
                uow.session.add(PipelineClient(id=event.client_id))
                await uow.commit()

    first = _runtime(service_settings)
    subscribe(first)
    await first.migrate()
    await create_tables(first.engine, PipelineClient)
    await first.start()
    delivery = first.events.subscriptions[0].deliveries[0]
    consumer = await eventually(lambda: _assigned(delivery), timeout=60)  # the group joined

    # The broker never acknowledges an offset commit of this consumer: each hangs until the
    # consumer "dies", then fails (nothing was committed).
    died = asyncio.Event()
    commits: list[dict] = []

    async def never_committed(offsets=None):
        commits.append(dict(offsets or {}))
        await died.wait()
        raise CommitFailedError("the consumer died before its offsets reached the broker")

    consumer.commit = never_committed

    ids = [f"c-{n}" for n in range(6)]
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for client_id in ids:  # one partition, one at a time: several batches
            event = ClientCreated(client_id=client_id, name=client_id, reference_id=None, description=None)
            await producer.send_and_wait(topic, encode(event, source="/test"), key=b"one-partition")
    finally:
        await producer.stop()

    # Every batch is applied though the first batch's offset commit never returned.
    await eventually(lambda: _has(_rows(first), set(ids)), timeout=60)
    assert applied == ids
    assert commits  # the first commit was attempted, and is still waiting
    died.set()
    await first.stop()

    second = _runtime(service_settings)
    subscribe(second)
    group = second.settings.group(GROUP)
    duplicates_before = _consumed(topic, group, "duplicate")
    await second.start()
    try:
        # Nothing was committed: the group reads every event again; the inbox knows them all.
        await eventually(lambda: _at_least(lambda: _consumed(topic, group, "duplicate") - duplicates_before, 6))
        assert applied == ids  # each applied once, in order
        assert await _rows(second) == set(ids)
        assert _consumed(topic, group, "dead_lettered") == 0
    finally:
        await second.stop()


async def _assigned(delivery):
    consumer = getattr(delivery.subscriber, "consumer", None)
    if consumer is not None and consumer.assignment():
        return consumer
    return None


async def _has(rows, expected: set[str]) -> bool:
    return await rows == expected


async def _at_least(read, count: float) -> bool:
    return read() >= count
