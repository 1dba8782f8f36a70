"""consumer_concurrency: a subscription's partitions consumed by several consumers of its
group in one process, with a service runtime in the test process on the real Kafka and
PostgreSQL. Their batches are applied at the same time; each event is still applied once,
each key in order, a redelivery is a duplicate and a poison event goes alone to the
dead-letter topic."""

import asyncio
import contextlib

import pytest
from aiokafka import AIOKafkaProducer
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlmodel import Field, SQLModel

from service_runtime.kafka_admin import ensure_topics
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY, create_tables, eventually, read_topic
from storefront_events import CLIENTS_V1, ClientCreated, ClientUpdated, encode

GROUP = "concurrent"
CLIENTS = [f"c-{n}" for n in range(24)]  # keys spread over all of the topic's partitions


class ConcurrentProbe(SQLModel, table=True):
    __tablename__ = "concurrent_probe"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)


class Poison(ValueError):
    """A handler's own, non-transient failure."""


def _created(client_id: str) -> ClientCreated:
    return ClientCreated(client_id=client_id, name="v1", reference_id=None, description=None)


def _events() -> list[ClientCreated | ClientUpdated]:
    """Each client created, then renamed twice: three events in order on its partition."""
    events: list[ClientCreated | ClientUpdated] = []
    for client_id in CLIENTS:
        events.append(_created(client_id))
        for name in ("v2", "v3"):
            events.append(ClientUpdated(client_id=client_id, name=name, reference_id=None, description=None))
    return events


async def _produce(stack, topic: str, events, *, key: bytes | None = None) -> dict[str, int]:
    """Sends the events (keyed by client unless ``key``); returns each client's partition."""
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: CLIENTS_V1.partitions})
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        partitions = {}
        for event in events:
            sent = await producer.send_and_wait(
                topic, encode(event, source="/test"), key=key or event.client_id.encode()
            )
            partitions[event.client_id] = sent.partition
        return partitions
    finally:
        await producer.stop()


def _assignments(runtime: Runtime) -> list[set[int]]:
    """The partitions each consumer of the process holds (empty until it joined the group)."""
    [subscription] = runtime.events.subscriptions
    assigned = []
    for delivery in subscription.deliveries:
        consumer = getattr(delivery.subscriber, "consumer", None)
        assigned.append(set() if consumer is None else {tp.partition for tp in consumer.assignment()})
    return assigned


async def _group_settled(runtime: Runtime, consumers: int) -> None:
    """Every consumer of the subscription holds its share of the partitions: no rebalance
    left to hand a batch in flight to another consumer."""

    async def settled() -> bool:
        assigned = _assignments(runtime)
        return (
            len(assigned) == consumers
            and all(assigned)
            and sorted(p for one in assigned for p in one) == list(range(CLIENTS_V1.partitions))
        )

    await eventually(settled, timeout=60)


def _runtime(service_settings, **overrides) -> Runtime:
    settings = service_settings(
        ServiceSettings,
        service_name="concurrent",
        consumer_backoff_seconds=0.05,
        relay_enabled=False,
        consumer_concurrency=2,
        **overrides,
    )
    return Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)


@pytest.fixture
async def started():
    runtimes: list[Runtime] = []

    async def start(runtime: Runtime) -> Runtime:
        await runtime.migrate()
        await create_tables(runtime.engine, ConcurrentProbe)
        await runtime.start()
        runtimes.append(runtime)
        return runtime

    yield start
    for runtime in runtimes:
        await runtime.stop()


async def _names(runtime: Runtime) -> dict[str, str]:
    async with runtime.sessions() as session:
        return {row.id: row.name for row in (await session.execute(select(ConcurrentProbe))).scalars()}


def _consumed(topic: str, group: str, outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "storefronts_events_consumed_total", {"topic": topic, "group": group, "outcome": outcome}
    )
    return value or 0.0


async def test_two_consumers_apply_batches_at_once_each_event_once_each_key_in_order_and_redeliveries_are_duplicates(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings)
    received: list[tuple[str, str, str]] = []
    in_flight = 0
    most_in_flight = 0
    overlapped = asyncio.Event()

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated, ClientUpdated), batch=True)
    async def keep_all(events, *, uow) -> None:
        nonlocal in_flight, most_in_flight
        in_flight += 1
        most_in_flight = max(most_in_flight, in_flight)
        try:
            if in_flight > 1:
                overlapped.set()
            else:  # the first batch waits (a while at most) for another to be applied beside it
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(overlapped.wait(), timeout=15)
            received.extend((str(event.event_id), event.client_id, event.name) for event in events)
            async with uow:
                for event in events:
                    await uow.session.merge(ConcurrentProbe(id=event.client_id, name=event.name))
                await uow.commit()
        finally:
            in_flight -= 1

    await started(runtime)
    await _group_settled(runtime, consumers=2)
    topic = topic_prefix + CLIENTS_V1.name
    events = _events()
    partition_of = await _produce(stack, topic, events)
    assert len(set(partition_of.values())) == CLIENTS_V1.partitions  # both consumers have events to apply

    await eventually(lambda: _all_at(runtime, "v3"), timeout=60)
    assert most_in_flight == 2  # the two consumers' batches were applied at the same time
    assert sorted(event_id for event_id, _, _ in received) == sorted(str(e.event_id) for e in events)
    for client_id in CLIENTS:
        assert [name for _, client, name in received if client == client_id] == ["v1", "v2", "v3"]
    subscription = f"{topic}:{topic_prefix}{GROUP}"

    async def caught_up() -> bool:
        return (await runtime.subscriptions())[subscription] == {"lag": 0, "seconds_since_progress": 0}

    await eventually(caught_up, timeout=30)
    # the process's two consumers hold every partition between them (reported by /readyz)
    assert runtime.partitions()[subscription] == list(range(CLIENTS_V1.partitions))

    # The same events again (a producer's retry, a replay): each a duplicate, none applied again.
    group = topic_prefix + GROUP
    duplicates_before = _consumed(topic, group, "duplicate")
    await _produce(stack, topic, events)

    async def all_duplicates() -> bool:
        return _consumed(topic, group, "duplicate") - duplicates_before == len(events)

    await eventually(all_duplicates, timeout=60)
    assert len(received) == len(events)
    await eventually(caught_up, timeout=30)

    subscribers = list(runtime.messaging.broker.subscribers)
    assert len(subscribers) == 2
    await runtime.stop()
    assert not any(subscriber.running for subscriber in subscribers)
    assert (await runtime.ready())["consumers"] is False


async def _all_at(runtime: Runtime, name: str) -> bool:
    return await _names(runtime) == {client_id: name for client_id in CLIENTS}


async def test_with_two_consumers_a_poison_event_goes_alone_to_the_dead_letter_topic(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings)

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,), batch=True)
    async def keep_all(events, *, uow) -> None:
        if any(event.client_id == "c-poison" for event in events):
            raise Poison("this event can never be applied")
        async with uow:
            for event in events:
                uow.session.add(ConcurrentProbe(id=event.client_id, name=event.name))
            await uow.commit()

    await started(runtime)
    await _group_settled(runtime, consumers=2)
    healthy = [f"c-{i}" for i in range(8)]
    poison = _created("c-poison")
    topic = topic_prefix + CLIENTS_V1.name
    # One partition: the poison event between healthy ones; other keys on the other consumer's partitions.
    await _produce(
        stack,
        topic,
        [_created(c) for c in healthy[:4]] + [poison] + [_created(c) for c in healthy[4:]],
        key=b"one-partition",
    )
    others = [f"other-{i}" for i in range(12)]
    await _produce(stack, topic, [_created(c) for c in others])

    async def all_healthy_applied() -> bool:
        return set(await _names(runtime)) == set(healthy) | set(others)

    await eventually(all_healthy_applied, timeout=60)
    dead = await read_topic(stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.dead_letter(GROUP), count=2, timeout=5)
    assert [letter[1].event_id for letter in dead] == [poison.event_id]
    assert dead[0][2]["dlq.attempts"] == b"3" and dead[0][2]["dlq.original_offset"] == b"4"


async def test_a_consumer_stuck_on_its_partitions_shows_in_the_subscriptions_progress_while_the_other_moves(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings)
    release = asyncio.Event()

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,), batch=True)
    async def keep_all(events, *, uow) -> None:
        if any(event.client_id == "stuck" for event in events):
            await release.wait()  # a lock held elsewhere, a slow query
        async with uow:
            for event in events:
                uow.session.add(ConcurrentProbe(id=event.client_id, name=event.name))
            await uow.commit()

    await started(runtime)
    await _group_settled(runtime, consumers=2)
    topic = topic_prefix + CLIENTS_V1.name
    partition_of = await _produce(stack, topic, [_created("stuck")])
    stuck_consumer = next(i for i, held in enumerate(_assignments(runtime)) if partition_of["stuck"] in held)
    free = [p for p in range(CLIENTS_V1.partitions) if p not in _assignments(runtime)[stuck_consumer]]
    moving = [f"m-{i}" for i in range(48)]
    partition_of |= await _produce(stack, topic, [_created(c) for c in moving])
    on_the_other = {c for c in moving if partition_of[c] in free}
    assert on_the_other
    subscription = f"{topic}:{topic_prefix}{GROUP}"

    async def others_applied_and_stuck_seen() -> dict | None:
        if not on_the_other <= set(await _names(runtime)):
            return None
        progress = (await runtime.subscriptions())[subscription]
        return progress if progress["lag"] >= 1 and progress["seconds_since_progress"] > 0 else None

    await eventually(others_applied_and_stuck_seen, timeout=60)
    release.set()

    async def caught_up() -> bool:
        return (await runtime.subscriptions())[subscription] == {"lag": 0, "seconds_since_progress": 0}

    await eventually(caught_up, timeout=60)
    assert "stuck" in await _names(runtime)
