"""How a consumed batch is applied, with a service runtime in the test process on the real
Kafka and PostgreSQL: every partition of a fetch in one handler call and one transaction,
each partition's order kept; one log line per batch when a service asks for it."""

import pytest
import structlog
from aiokafka import AIOKafkaProducer
from sqlalchemy import select
from sqlmodel import Field, SQLModel

from service_runtime.kafka_admin import ensure_topics
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY, create_tables, eventually
from storefront_events import CLIENTS_V1, ClientCreated, ClientUpdated, encode

GROUP = "batches"
CLIENTS = [f"c-{n}" for n in range(12)]  # keys spread over several of the topic's partitions


class BatchProbe(SQLModel, table=True):
    __tablename__ = "batch_probe"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)


def _events() -> list[ClientCreated | ClientUpdated]:
    """Each client created, then renamed twice: three events in order on its partition."""
    events: list[ClientCreated | ClientUpdated] = []
    for client_id in CLIENTS:
        events.append(ClientCreated(client_id=client_id, name="v1", reference_id=None, description=None))
        for name in ("v2", "v3"):
            events.append(ClientUpdated(client_id=client_id, name=name, reference_id=None, description=None))
    return events


async def _produce(stack, topic: str, events) -> dict[str, int]:
    """Sends the events keyed by client; returns the partition of each client."""
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: CLIENTS_V1.partitions})
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        return {
            e.client_id: (
                await producer.send_and_wait(topic, encode(e, source="/test"), key=e.client_id.encode())
            ).partition
            for e in events
        }
    finally:
        await producer.stop()


async def _names(runtime: Runtime) -> dict[str, str]:
    async with runtime.sessions() as session:
        return {row.id: row.name for row in (await session.execute(select(BatchProbe))).scalars()}


@pytest.fixture
async def runtime(service_settings):
    settings = service_settings(ServiceSettings, service_name="batches", relay_enabled=False)
    runtime = Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)
    yield runtime
    await runtime.stop()


async def test_every_partition_of_a_fetch_is_one_handler_call_with_each_partitions_order_kept(
    runtime, stack, topic_prefix
):
    calls: list[list[tuple[str, str]]] = []

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated, ClientUpdated), batch=True)
    async def keep_all(events, *, uow) -> None:
        calls.append([(event.client_id, event.name) for event in events])
        async with uow:
            for event in events:
                await uow.session.merge(BatchProbe(id=event.client_id, name=event.name))
            await uow.commit()

    partition_of = await _produce(stack, topic_prefix + CLIENTS_V1.name, _events())
    assert len(set(partition_of.values())) > 1
    await runtime.migrate()
    await create_tables(runtime.engine, BatchProbe)
    with structlog.testing.capture_logs() as logs:
        await runtime.start()
        await eventually(lambda: _all_at(runtime, "v3"), timeout=60)

    # All there before the consumer started: a fetch brings several partitions, and they
    # come in one call (one transaction); before, each partition had its own.
    assert max(len({partition_of[client] for client, _ in call}) for call in calls) > 1
    received = [event for call in calls for event in call]
    for client_id in CLIENTS:
        assert [name for client, name in received if client == client_id] == ["v1", "v2", "v3"]
    # By default (consumer_log_each_event=False): a line per batch naming its events, none per
    # event but at DEBUG.
    assert not [entry for entry in logs if entry["event"] == "event.applied" and entry["log_level"] != "debug"]
    batches = [entry for entry in logs if entry["event"] == "events.applied"]
    assert sum(entry["count"] for entry in batches) == len(received) == 3 * len(CLIENTS)
    assert len({event_id for entry in batches for event_id in entry["event_ids"]}) == len(received)


async def _all_at(runtime: Runtime, name: str) -> bool:
    return await _names(runtime) == {client_id: name for client_id in CLIENTS}
