"""The consumer's failure rules, with a service runtime in the test process on the real
Kafka and PostgreSQL: a handler that fails for one event, a database that reports a
deadlock, a dead-letter topic that cannot be written to for a while."""

import asyncio

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaTimeoutError
from prometheus_client import REGISTRY
from sqlalchemy import select, text
from sqlmodel import Field, SQLModel

from service_runtime.kafka_admin import ensure_topics
from service_runtime.runtime import Runtime
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY, create_tables, eventually, read_topic
from storefront_events import CLIENTS_V1, ClientCreated, encode

GROUP = "probe"


class ProbeClient(SQLModel, table=True):
    """What the probe consumer applied: one row per client created."""

    __tablename__ = "probe_clients"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)


class Poison(ValueError):
    """A handler's own, non-transient failure."""


def _created(client_id: str) -> ClientCreated:
    return ClientCreated(client_id=client_id, name=f"name of {client_id}", reference_id=None, description=None)


async def _produce(stack, topic: str, events, *, key: bytes = b"one-partition") -> None:
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: CLIENTS_V1.partitions})
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, encode(event, source="/test"), key=key)
    finally:
        await producer.stop()


def _runtime(service_settings, **overrides) -> Runtime:
    settings = service_settings(
        ServiceSettings, service_name="probe", consumer_backoff_seconds=0.05, relay_enabled=False, **overrides
    )
    return Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)


async def _keep(event: ClientCreated, *, uow) -> None:
    async with uow:
        uow.session.add(ProbeClient(id=event.client_id, name=event.name))
        await uow.commit()


async def _applied(runtime: Runtime) -> set[str]:
    async with runtime.sessions() as session:
        return set((await session.execute(select(ProbeClient.id))).scalars())


async def _dead_letters(stack, topic_prefix: str, *, at_least: int, timeout: float) -> list:
    return await read_topic(
        stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.dead_letter(GROUP), count=at_least, timeout=timeout
    )


@pytest.fixture
async def started():
    runtimes: list[Runtime] = []

    async def start(runtime: Runtime) -> Runtime:
        await runtime.migrate()
        await create_tables(runtime.engine, ProbeClient)  # the probe's own table, beside the runtime's
        await runtime.start()
        runtimes.append(runtime)
        return runtime

    yield start
    for runtime in runtimes:
        await runtime.stop()


@pytest.mark.parametrize("form", ["one event at a time", "set-based batch handler"])
async def test_a_batch_with_one_poison_event_applies_the_rest_and_dead_letters_that_one_alone(
    form, service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings)
    batches: list[int] = []
    poison_calls: list[str] = []
    if form == "one event at a time":

        @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,))
        async def keep(event, *, uow) -> None:
            if event.client_id == "c-poison":
                poison_calls.append(event.client_id)
                raise Poison("this event can never be applied")
            await _keep(event, uow=uow)
    else:

        @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,), batch=True)
        async def keep_all(events, *, uow) -> None:
            batches.append(len(events))
            if any(event.client_id == "c-poison" for event in events):
                raise Poison("this event can never be applied")
            for event in events:
                await _keep(event, uow=uow)

    healthy = [f"c-{i}" for i in range(8)]
    poison = _created("c-poison")
    # All on one partition, there before the consumer starts: they come as one batch.
    await _produce(
        stack,
        topic_prefix + CLIENTS_V1.name,
        [_created(c) for c in healthy[:4]] + [poison] + [_created(c) for c in healthy[4:]],
    )
    await started(runtime)

    await eventually(lambda: _is(_applied(runtime), set(healthy)), timeout=60)
    dead = await _dead_letters(stack, topic_prefix, at_least=2, timeout=5)
    assert [letter[1].event_id for letter in dead] == [poison.event_id]
    key, _, headers = dead[0]
    assert headers["dlq.error_type"] == b"Poison" and headers["dlq.attempts"] == b"3"
    assert b"can never be applied" in headers["dlq.error"] and b"Poison" in headers["dlq.traceback"]
    assert key == b"one-partition"
    assert headers["dlq.original_topic"] == (topic_prefix + CLIENTS_V1.name).encode()
    assert headers["dlq.original_offset"] == b"4" and headers["dlq.group"] == (topic_prefix + GROUP).encode()
    assert int(headers["dlq.original_partition"]) in range(CLIENTS_V1.partitions)
    if poison_calls:
        assert len(poison_calls) == 3  # consumer_max_attempts, then the dead-letter topic
    if batches:
        assert max(batches) == len(healthy) + 1  # the handler first saw the whole batch at once


async def test_a_batch_handler_failing_after_writing_the_whole_batch_leaves_nothing_of_that_attempt(
    service_settings, stack, topic_prefix, started
):
    """The handler given the whole batch runs without a savepoint: its rows and outbox events
    of that attempt go with the batch's rollback; each event is then applied alone, the poison
    one dead-lettered, every other one applied once, its outbox event added once."""
    runtime = _runtime(service_settings)
    attempts: list[int] = []

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,), batch=True)
    async def keep_all(events, *, uow) -> None:
        attempts.append(len(events))
        async with uow:
            for event in events:
                uow.session.add(ProbeClient(id=event.client_id, name=event.name))
                uow.outbox.add(_created(f"echo-{event.client_id}"))
            await uow.session.flush()  # every row written, the poison one's too, before the failure
            if any(event.client_id == "c-poison" for event in events):
                raise Poison("this event can never be applied")
            await uow.commit()

    healthy = [f"c-{i}" for i in range(6)]
    poison = _created("c-poison")
    await _produce(
        stack,
        topic_prefix + CLIENTS_V1.name,
        [_created(c) for c in healthy[:3]] + [poison] + [_created(c) for c in healthy[3:]],
    )
    await started(runtime)

    await eventually(lambda: _is(_applied(runtime), set(healthy)), timeout=60)
    dead = await _dead_letters(stack, topic_prefix, at_least=1, timeout=10)
    assert [letter[1].event_id for letter in dead] == [poison.event_id]
    assert attempts[0] == len(healthy) + 1  # the whole batch first, then each event alone
    async with runtime.sessions() as session:
        echoed = (await session.execute(text("SELECT message_key FROM outbox_messages ORDER BY id"))).scalars().all()
        inbox = set((await session.execute(text("SELECT event_id FROM applied_events"))).scalars())
    assert sorted(echoed) == sorted(f"echo-{c}" for c in healthy)  # once each, none for the poison event
    assert str(poison.event_id) not in inbox and len(inbox) == len(healthy)


async def test_a_deadlock_reported_by_postgresql_is_retried_until_applied_never_dead_lettered(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings, consumer_max_attempts=3)
    deadlocks = {"left": 5}  # more than consumer_max_attempts: a bounded retry would dead-letter it

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,))
    async def keep(event, *, uow) -> None:
        async with uow:
            if deadlocks["left"]:
                deadlocks["left"] -= 1
                await uow.session.execute(
                    text("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected (test)' USING ERRCODE = '40P01'; END $$")
                )
            uow.session.add(ProbeClient(id=event.client_id, name=event.name))
            await uow.commit()

    await started(runtime)
    await _produce(stack, topic_prefix + CLIENTS_V1.name, [_created("c-deadlocked"), _created("c-after")])

    await eventually(lambda: _is(_applied(runtime), {"c-deadlocked", "c-after"}), timeout=60)
    assert deadlocks["left"] == 0
    assert await _dead_letters(stack, topic_prefix, at_least=1, timeout=3) == []


async def test_a_dead_letter_publish_that_fails_for_a_while_loses_nothing(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings, consumer_max_attempts=1)

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,))
    async def keep(event, *, uow) -> None:
        if event.client_id == "c-poison":
            raise Poison("this event can never be applied")
        await _keep(event, uow=uow)

    await started(runtime)
    producer = runtime.messaging.producer
    send_and_wait = producer.send_and_wait
    dead_letter_topic = topic_prefix + CLIENTS_V1.dead_letter(GROUP)
    committed_while_failing: list[int] = []
    failures = {"left": 3}

    async def committed_offset() -> int:
        admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap)
        await admin.start()
        try:
            offsets = await admin.list_consumer_group_offsets(topic_prefix + GROUP)
        finally:
            await admin.close()
        return max((meta.offset for meta in offsets.values()), default=-1)

    async def failing_dead_letter_publish(topic, **kwargs):
        if topic == dead_letter_topic and failures["left"]:
            failures["left"] -= 1
            committed_while_failing.append(await committed_offset())
            raise KafkaTimeoutError("the dead-letter topic does not answer (test)")
        return await send_and_wait(topic, **kwargs)

    producer.send_and_wait = failing_dead_letter_publish
    poison = _created("c-poison")
    await _produce(stack, topic_prefix + CLIENTS_V1.name, [_created("c-before"), poison, _created("c-after")])

    dead = await _dead_letters(stack, topic_prefix, at_least=1, timeout=60)
    assert [letter[1].event_id for letter in dead] == [poison.event_id]
    assert failures["left"] == 0
    # While the poison event (offset 1) was neither applied nor dead-lettered, the group's
    # committed offset never passed it (the next offset to read stayed at most 1).
    assert committed_while_failing and max(committed_while_failing) <= 1
    labels = {"topic": topic_prefix + CLIENTS_V1.name, "group": topic_prefix + GROUP}
    assert REGISTRY.get_sample_value("storefronts_dead_letter_publish_failures_total", labels) == 3
    assert REGISTRY.get_sample_value("storefronts_events_consumed_total", labels | {"outcome": "dead_lettered"}) == 1
    await eventually(lambda: _is(_applied(runtime), {"c-before", "c-after"}), timeout=30)


async def _is(value, expected) -> bool:
    return await value == expected


async def test_records_waiting_on_a_partition_the_stuck_handler_has_not_reached_count_as_lag(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings, consumer_batch_max_records=1)
    release = asyncio.Event()

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,))
    async def keep(event, *, uow) -> None:
        await release.wait()
        await _keep(event, uow=uow)

    topic = topic_prefix + CLIENTS_V1.name
    await _produce(stack, topic, [_created("c-a")], key=b"a")  # partition 1
    await _produce(stack, topic, [_created("c-b1"), _created("c-b2")], key=b"b")  # partition 2
    await started(runtime)
    subscription = f"{topic}:{topic_prefix}{GROUP}"

    async def all_waiting_counted() -> bool:
        return (await runtime.subscriptions())[subscription]["lag"] == 3

    await eventually(all_waiting_counted, timeout=30)
    release.set()

    async def all_applied() -> bool:
        return await _applied(runtime) == {"c-a", "c-b1", "c-b2"}

    await eventually(all_applied, timeout=30)


async def test_a_subscription_that_does_not_move_shows_its_lag_and_how_long_since_it_moved(
    service_settings, stack, topic_prefix, started
):
    runtime = _runtime(service_settings)
    release = asyncio.Event()

    @runtime.events.on(CLIENTS_V1, group=GROUP, events=(ClientCreated,))
    async def keep(event, *, uow) -> None:
        await release.wait()  # a stuck handler (a lock held elsewhere, a slow database)
        await _keep(event, uow=uow)

    # Produced before the consumer starts: its first fetch then knows the partition's end
    # (3). Produced one by one after, the end it knows could stay at 1 or 2 while the
    # fetcher holds records the stuck handler has not taken (it refetches a partition, and
    # learns its new end, only once those are handed over).
    await _produce(stack, topic_prefix + CLIENTS_V1.name, [_created(f"c-{i}") for i in range(3)])
    await started(runtime)
    subscription = f"{topic_prefix}{CLIENTS_V1.name}:{topic_prefix}{GROUP}"

    async def stuck() -> dict:
        progress = (await runtime.subscriptions())[subscription]
        return progress if progress["lag"] == 3 and progress["seconds_since_progress"] > 0 else None

    await eventually(stuck, timeout=30)
    assert (await runtime.ready())["consumers"] is True  # alive, only slow: readiness is about liveness

    release.set()

    async def caught_up() -> bool:
        progress = (await runtime.subscriptions())[subscription]
        return progress == {"lag": 0, "seconds_since_progress": 0}

    await eventually(caught_up, timeout=30)
    assert await _applied(runtime) == {"c-0", "c-1", "c-2"}
