"""The delivery rules of ARCHITECTURE.md, shown with client-service publishing and
access-service consuming, each its own process, on the real Kafka and PostgreSQL."""

import asyncio
import json
import os
import subprocess
import sys
import uuid

import httpx
from aiokafka import AIOKafkaProducer

from service_runtime.dead_letters import replay
from service_runtime.faults import CRASH_EXIT_CODE
from service_runtime.kafka_admin import ensure_topics
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import CLIENTS_V1, ClientCreated, encode


def _side_by_side(*starting):
    """Services launched with wait=False start at the same time (a start is mostly the
    interpreter's imports and Kafka's group join), then each is waited for."""
    for service in starting:
        service.wait_ready()
    return starting


async def _is(read_model, expected: dict) -> bool:
    return await read_model() == expected


async def _create_client(base_url: str, headers, name: str) -> str:
    async with httpx.AsyncClient(base_url=base_url, headers=headers) as http:
        response = await http.post("/clients", json={"name": name})
        assert response.status_code == 201, response.text
        return response.json()["id"]


async def test_events_reach_the_other_process_once_each_in_key_order(
    launch, access_read_model, applied_events, token_mint, stack, topic_prefix
):
    client_service, access = _side_by_side(launch("client", wait=False), launch("access", wait=False))
    readiness = httpx.get(f"{access.url}/readyz").json()
    assert readiness["checks"] == {"database": True, "kafka": True, "consumers": True, "relay": True}
    operator = token_mint.headers("operator")
    renames = 6
    async with httpx.AsyncClient(base_url=client_service.url, headers=operator) as http:
        ids = [(await http.post("/clients", json={"name": f"Client {i}"})).json()["id"] for i in range(4)]

        async def rename(client_id: str) -> None:
            for version in range(1, renames + 1):
                response = await http.patch(f"/clients/{client_id}", json={"name": f"{client_id[:8]} v{version}"})
                assert response.status_code == 200, response.text

        await asyncio.gather(*(rename(client_id) for client_id in ids))

    expected = {client_id: (f"{client_id[:8]} v{renames}", 1 + renames) for client_id in ids}
    await eventually(lambda: _is(access_read_model, expected), timeout=60)
    assert await applied_events() == len(ids) * (1 + renames)

    subscription = f"{topic_prefix}{CLIENTS_V1.name}:{topic_prefix}access-service"

    async def caught_up() -> bool:
        progress = httpx.get(f"{access.url}/readyz").json()["subscriptions"][subscription]
        return progress["lag"] == 0 and progress["seconds_since_progress"] == 0

    await eventually(caught_up, timeout=30)
    metrics = httpx.get(f"{access.url}/metrics").text
    assert (
        f'storefronts_consumer_lag{{group="{topic_prefix}access-service",topic="{topic_prefix}{CLIENTS_V1.name}"}} 0.0'
        in metrics
    )

    records = await read_topic(stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.name, count=len(ids) * (1 + renames))
    for client_id in ids:
        names = [event.name for key, event, _ in records if key == client_id.encode()]
        assert names == [names[0]] + [f"{client_id[:8]} v{v}" for v in range(1, renames + 1)]


async def test_relay_killed_after_commit_before_publish_publishes_on_restart(
    launch, access_read_model, applied_events, token_mint, stack, topic_prefix
):
    _, silent = _side_by_side(launch("access", wait=False), launch("client", wait=False, RELAY_ENABLED="false"))
    client_id = await _create_client(silent.url, token_mint.headers("operator"), "Committed, not yet published")
    silent.kill()
    assert await access_read_model() == {}

    launch("client")
    await eventually(lambda: _is(access_read_model, {client_id: ("Committed, not yet published", 1)}), timeout=60)
    records = await read_topic(stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.name, count=1)
    assert len(records) == 1


async def test_relay_killed_after_publish_before_marking_is_applied_once(
    launch, access_read_model, applied_events, token_mint, stack, topic_prefix
):
    _, crashing = _side_by_side(
        launch("access", wait=False), launch("client", wait=False, STOREFRONTS_CRASH_AT="relay.after_publish")
    )
    async with httpx.AsyncClient(base_url=crashing.url, headers=token_mint.headers("operator")) as http:
        try:
            response = await http.post("/clients", json={"name": "Published twice"})
            client_id = response.json()["id"]
        except httpx.HTTPError:
            client_id = None
    assert crashing.wait_exit(timeout=30) == CRASH_EXIT_CODE

    launch("client")
    records = await read_topic(stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.name, count=2, timeout=60)
    assert len(records) == 2 and records[0][1].event_id == records[1][1].event_id  # re-published once
    client_id = client_id or records[0][1].client_id
    await eventually(lambda: _is(access_read_model, {client_id: ("Published twice", 1)}), timeout=60)
    assert await applied_events() == 1


async def test_consumer_killed_after_commit_before_offset_commit_does_not_apply_twice(
    launch, access_read_model, applied_events, token_mint
):
    client_service, crashing = _side_by_side(
        launch("client", wait=False), launch("access", wait=False, STOREFRONTS_CRASH_AT="consumer.after_commit")
    )
    client_id = await _create_client(client_service.url, token_mint.headers("operator"), "Applied before the crash")
    assert crashing.wait_exit(timeout=60) == CRASH_EXIT_CODE
    assert await access_read_model() == {client_id: ("Applied before the crash", 1)}

    launch("access")
    second = await _create_client(client_service.url, token_mint.headers("operator"), "After the restart")
    await eventually(
        lambda: _is(access_read_model, {client_id: ("Applied before the crash", 1), second: ("After the restart", 1)}),
        timeout=60,
    )
    assert await applied_events() == 2


async def test_consumer_killed_after_receiving_before_its_database_commit_loses_nothing(
    launch, access_read_model, applied_events, token_mint
):
    """The offset is committed only after the transaction that applied the event: a consumer
    that dies in between gets the event again and applies it."""
    client_service, crashing = _side_by_side(
        launch("client", wait=False), launch("access", wait=False, STOREFRONTS_CRASH_AT="consumer.before_commit")
    )
    client_id = await _create_client(client_service.url, token_mint.headers("operator"), "Received, not yet committed")
    assert crashing.wait_exit(timeout=60) == CRASH_EXIT_CODE
    assert await access_read_model() == {}

    launch("access")
    await eventually(lambda: _is(access_read_model, {client_id: ("Received, not yet committed", 1)}), timeout=60)
    assert await applied_events() == 1


async def test_a_redelivered_event_is_counted_as_a_duplicate_and_never_dead_lettered(
    launch, access_read_model, applied_events, stack, topic_prefix
):
    topic = topic_prefix + CLIENTS_V1.name
    await ensure_topics(ServiceSettings(kafka_bootstrap=stack.kafka_bootstrap), {topic: CLIENTS_V1.partitions})
    event = ClientCreated(client_id="c-redelivered", name="Delivered three times", reference_id=None, description=None)
    marker = ClientCreated(client_id="c-marker", name="After the copies", reference_id=None, description=None)
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        # Two copies before the consumer starts (one batch), a third one later (another batch).
        for _ in range(2):
            await producer.send_and_wait(topic, encode(event, source="/test"), key=b"c-redelivered")
        access = launch("access")
        await eventually(lambda: _is(access_read_model, {"c-redelivered": ("Delivered three times", None)}), timeout=60)
        await producer.send_and_wait(topic, encode(event, source="/test"), key=b"c-redelivered")
        await producer.send_and_wait(topic, encode(marker, source="/test"), key=b"c-redelivered")
    finally:
        await producer.stop()

    await eventually(
        lambda: _is(
            access_read_model,
            {"c-redelivered": ("Delivered three times", None), "c-marker": ("After the copies", None)},
        ),
        timeout=60,
    )
    assert await applied_events() == 2
    metrics = httpx.get(f"{access.url}/metrics").text
    duplicates = [
        line
        for line in metrics.splitlines()
        if line.startswith("storefronts_events_consumed_total")
        and 'outcome="duplicate"' in line
        and f'topic="{topic}"' in line
    ]
    assert duplicates and float(duplicates[0].rsplit(" ", 1)[1]) == 2
    dead = await read_topic(
        stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.dead_letter("access-service"), count=1, timeout=5
    )
    assert dead == []


async def test_message_that_always_fails_goes_to_dead_letter_and_consumer_moves_on(
    launch, access_read_model, applied_events, stack, topic_prefix
):
    launch("access")
    topic = topic_prefix + CLIENTS_V1.name
    poison = ClientCreated(client_id="c-poison", name="x" * 500, reference_id=None, description=None)
    healthy = ClientCreated(client_id="c-healthy", name="Healthy", reference_id=None, description=None)
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        # One key, so one partition: the healthy event waits behind the poison one.
        for event in (poison, healthy):
            await producer.send_and_wait(topic, encode(event, source="/test"), key=b"one-partition")
        await producer.send_and_wait(topic, b"{not json", key=b"one-partition")
    finally:
        await producer.stop()

    await eventually(lambda: _is(access_read_model, {"c-healthy": ("Healthy", None)}), timeout=60)
    dead = await read_topic(
        stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.dead_letter("access-service"), count=2, timeout=60
    )
    assert len(dead) == 2
    first_headers = dead[0][2]
    assert dead[0][1].event_id == poison.event_id
    assert int(first_headers["dlq.attempts"]) == 3
    assert b"too long" in first_headers["dlq.error"] or b"StringDataRightTruncation" in first_headers["dlq.error"]
    assert dead[1][1] == b"{not json" and dead[1][2]["dlq.error_type"] == b"MalformedEvent"

    listed = subprocess.run(
        [sys.executable, "-m", "service_runtime.dead_letters", "list", CLIENTS_V1.dead_letter("access-service")],
        env={
            **os.environ,
            "STOREFRONTS_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
            "STOREFRONTS_TOPIC_PREFIX": topic_prefix,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    summaries = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [s["error_type"] for s in summaries] == [first_headers["dlq.error_type"].decode(), "MalformedEvent"]
    assert summaries[0]["original_topic"] == topic and summaries[0]["attempts"] == "3"


async def test_replayed_dead_letter_is_applied_once_the_cause_is_gone(
    launch, access_read_model, applied_events, stack, topic_prefix
):
    """A message dead-lettered while its cause stood (here: published before its topic's
    consumer could apply it) goes back to its topic with the ops command and is applied."""
    launch("access")
    dead_topic = topic_prefix + CLIENTS_V1.dead_letter("access-service")
    event = ClientCreated(client_id="c-replayed", name="Replayed", reference_id=None, description=None)
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            dead_topic,
            encode(event, source="/test"),
            key=b"c-replayed",
            headers=[
                ("dlq.original_topic", (topic_prefix + CLIENTS_V1.name).encode()),
                ("dlq.error_type", b"OperationalError"),
            ],
        )
    finally:
        await producer.stop()

    replayed = await replay(stack.kafka_bootstrap, dead_topic)
    assert [letter.key for letter in replayed] == ["c-replayed"]
    await eventually(lambda: _is(access_read_model, {"c-replayed": ("Replayed", None)}), timeout=60)


async def test_one_correlation_id_follows_a_request_into_the_other_services_logs(launch, token_mint, tmp_path):
    client_service, access = _side_by_side(launch("client", wait=False), launch("access", wait=False))
    correlation_id = f"trace-{uuid.uuid4().hex[:12]}"
    async with httpx.AsyncClient(base_url=client_service.url, headers=token_mint.headers("operator")) as http:
        response = await http.post("/clients", json={"name": "Traced"}, headers={"X-Correlation-ID": correlation_id})
    assert response.headers["x-correlation-id"] == correlation_id
    client_id = response.json()["id"]

    async def applied_line():
        # One events.applied line per committed batch names its events and their correlation ids.
        for line in access.log_path.read_text().splitlines():
            if line.startswith("{") and correlation_id in line:
                entry = json.loads(line)
                if entry.get("event") == "events.applied":
                    return entry
        return None

    entry = await eventually(applied_line, timeout=30)
    assert entry["service"] == "access-service" and entry["correlation_ids"] == [correlation_id]
    records = await read_topic(
        access.env["STOREFRONTS_KAFKA_BOOTSTRAP"], access.env["STOREFRONTS_TOPIC_PREFIX"] + CLIENTS_V1.name, count=1
    )
    assert entry["event_ids"] == [str(records[0][1].event_id)] and records[0][1].client_id == client_id


async def test_an_old_version_replayed_from_the_dead_letter_topic_changes_nothing(
    launch, access_read_model, applied_events, token_mint, stack, topic_prefix
):
    """Version 2 of a client failed and went to the dead-letter topic; version 3 was applied
    meanwhile. Replaying version 2 once its cause is gone must not roll the client back."""
    client_service, _ = _side_by_side(launch("client", wait=False), launch("access", wait=False))
    async with httpx.AsyncClient(base_url=client_service.url, headers=token_mint.headers("operator")) as http:
        client_id = (await http.post("/clients", json={"name": "Version 1"})).json()["id"]
        for name in ("Version 2", "Version 3"):
            assert (await http.patch(f"/clients/{client_id}", json={"name": name})).status_code == 200
    await eventually(lambda: _is(access_read_model, {client_id: ("Version 3", 3)}), timeout=60)

    records = await read_topic(stack.kafka_bootstrap, topic_prefix + CLIENTS_V1.name, count=3)
    version_2 = records[1][1]
    assert version_2.aggregate_version == 2
    dead = version_2.model_copy(update={"event_id": uuid.uuid4()})  # the copy that failed, never applied here
    dead_topic = topic_prefix + CLIENTS_V1.dead_letter("access-service")
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            dead_topic,
            encode(dead, source="/client-service"),
            key=client_id.encode(),
            headers=[
                ("dlq.original_topic", (topic_prefix + CLIENTS_V1.name).encode()),
                ("dlq.error_type", b"OperationalError"),
            ],
        )
    finally:
        await producer.stop()

    await replay(stack.kafka_bootstrap, dead_topic)
    await eventually(lambda: _has_count(applied_events, 4), timeout=60)  # consumed, recorded, skipped
    assert await access_read_model() == {client_id: ("Version 3", 3)}


async def _has_count(applied_events, expected: int) -> bool:
    return await applied_events() == expected
