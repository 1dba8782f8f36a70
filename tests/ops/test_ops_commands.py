"""The ops command line against the real Kafka, as an operator runs it (a separate process,
names without the test's topic prefix): tail a topic decoded, follow it, filter one
request; consumer lag per partition; dead-letter topics listed with their counts, and a
clear answer for a topic that does not exist."""

import asyncio
import json
import os
import subprocess
import sys

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from service_runtime.kafka_admin import ensure_topics
from service_runtime.settings import ServiceSettings
from storefront_events import KAFKA_HEADERS, encode
from storefront_events.clients import ClientCreated


def _env(stack, topic_prefix) -> dict:
    return {
        **os.environ,
        "STOREFRONTS_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
        "STOREFRONTS_TOPIC_PREFIX": topic_prefix,
    }


def ops(stack, topic_prefix, *args: str, module: str = "service_runtime.ops") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        env=_env(stack, topic_prefix),
        capture_output=True,
        text=True,
        timeout=120,
    )


def created(number: int, correlation_id: str) -> ClientCreated:
    return ClientCreated(
        client_id=f"c-{number}",
        name=f"Client {number}",
        reference_id=f"REF-{number}",
        description=None,
        correlation_id=correlation_id,
    )


async def publish(stack, topic: str, events) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                topic,
                encode(event, source="/client-service", subject=event.client_id),
                key=event.client_id.encode(),
                headers=KAFKA_HEADERS,
            )
    finally:
        await producer.stop()


@pytest.fixture
async def clients_topic(stack, topic_prefix):
    """clients.v1 (3 partitions) holding six ClientCreated: c-0..c-2 of request r-a, c-3..c-5 of r-b."""
    topic = f"{topic_prefix}clients.v1"
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: 3})
    await publish(stack, topic, [created(n, "r-a" if n < 3 else "r-b") for n in range(6)])
    return topic


async def test_tail_decodes_every_event_of_a_topic(stack, topic_prefix, clients_topic):
    tailed = ops(stack, topic_prefix, "tail", "clients.v1", "--from-beginning", "--json")
    assert tailed.returncode == 0, tailed.stderr
    records = [json.loads(line) for line in tailed.stdout.splitlines()]
    assert sorted(r["key"] for r in records) == [f"c-{n}" for n in range(6)]
    first = next(r for r in records if r["key"] == "c-0")
    assert first["type"] == "storefronts.client.created.v1"
    assert first["subject"] == "c-0" and first["correlation_id"] == "r-a"
    assert first["topic"] == "clients.v1" and first["time"]

    text = ops(stack, topic_prefix, "tail", "clients.v1", "--from-beginning")
    assert "storefronts.client.created.v1" in text.stdout and "correlation=r-b" in text.stdout


async def test_tail_filters_one_request_and_shows_the_last_records(stack, topic_prefix, clients_topic):
    only_b = ops(stack, topic_prefix, "tail", "clients.v1", "--from-beginning", "--json", "--correlation-id", "r-b")
    assert sorted(json.loads(line)["key"] for line in only_b.stdout.splitlines()) == ["c-3", "c-4", "c-5"]
    last = ops(stack, topic_prefix, "tail", "clients.v1", "--last", "1", "--json")
    per_partition = [json.loads(line)["partition"] for line in last.stdout.splitlines()]
    assert sorted(per_partition) == sorted(set(per_partition)), "one record per partition"


async def test_tail_follow_prints_new_events_as_they_arrive(stack, topic_prefix, clients_topic):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "service_runtime.ops",
        "tail",
        "clients.v1",
        "--last",
        "0",
        "--follow",
        "--json",
        env=_env(stack, topic_prefix),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        seen = None
        for _ in range(60):  # publish until the follower, once started, shows the new event
            await publish(stack, clients_topic, [created(99, "r-follow")])
            try:
                seen = json.loads(await asyncio.wait_for(process.stdout.readline(), 2))
                break
            except TimeoutError:
                continue
        assert seen is not None and seen["key"] == "c-99" and seen["correlation_id"] == "r-follow"
    finally:
        process.kill()
        await process.wait()


async def test_tail_of_a_topic_that_does_not_exist_says_so(stack, topic_prefix):
    tailed = ops(stack, topic_prefix, "tail", "no-such.v1")
    assert tailed.returncode == 2
    assert f"topic {topic_prefix}no-such.v1 does not exist" in tailed.stderr


async def test_lag_shows_each_group_per_partition(stack, topic_prefix, clients_topic):
    consumer = AIOKafkaConsumer(
        bootstrap_servers=stack.kafka_bootstrap, group_id=f"{topic_prefix}access-service", enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [TopicPartition(clients_topic, p) for p in range(3)]
        consumer.assign(partitions)
        await consumer.commit({tp: OffsetAndMetadata(0, "") for tp in partitions})
    finally:
        await consumer.stop()
    ends = {}
    probe = AIOKafkaConsumer(bootstrap_servers=stack.kafka_bootstrap)
    await probe.start()
    try:
        ends = {
            tp.partition: end
            for tp, end in (await probe.end_offsets([TopicPartition(clients_topic, p) for p in range(3)])).items()
        }
    finally:
        await probe.stop()

    lag = ops(stack, topic_prefix, "lag", "--json")
    assert lag.returncode == 0, lag.stderr
    rows = [json.loads(line) for line in lag.stdout.splitlines()]
    assert {(r["group"], r["topic"], r["partition"]) for r in rows} == {
        ("access-service", "clients.v1", p) for p in range(3)
    }
    assert {r["partition"]: r["lag"] for r in rows} == ends
    assert sum(r["lag"] for r in rows) == 6
    table = ops(stack, topic_prefix, "lag")
    assert "access-service" in table.stdout and "LAG" in table.stdout


async def test_dead_letters_lists_the_dead_letter_topics_with_their_counts(stack, topic_prefix, clients_topic):
    dlq = f"{topic_prefix}clients.v1.dlq.access-service"
    await ensure_topics(
        ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap),
        {dlq: 1, f"{topic_prefix}clients.v1.dlq.notifier-service": 1},
    )
    await publish(stack, dlq, [created(1, "r-a"), created(2, "r-a")])
    listed = ops(stack, topic_prefix, "list", module="service_runtime.dead_letters")
    assert listed.returncode == 0, listed.stderr
    counts = {line.split()[1]: int(line.split()[0]) for line in listed.stdout.splitlines()}
    assert counts == {"clients.v1.dlq.access-service": 2, "clients.v1.dlq.notifier-service": 0}
    through_ops = ops(stack, topic_prefix, "dead-letters", "list")
    assert through_ops.stdout == listed.stdout


async def test_dead_letters_of_a_topic_that_does_not_exist_says_so(stack, topic_prefix):
    listed = ops(stack, topic_prefix, "list", "clients.v1.dlq.nobody", module="service_runtime.dead_letters")
    assert listed.returncode == 2
    assert f"topic {topic_prefix}clients.v1.dlq.nobody does not exist" in listed.stderr
