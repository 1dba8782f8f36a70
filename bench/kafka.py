"""Raw aiokafka pieces of the benchmark: its topics, the producer every phase uses (the
runtime relay's settings: idempotent, acks=all, linger 5 ms), and readers of a topic."""

import asyncio
import time
from collections.abc import Callable, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from storefront_events import KAFKA_HEADERS

PRODUCER_SETTINGS = {"enable_idempotence": True, "acks": "all", "linger_ms": 5}
IN_FLIGHT = 2000  # sends awaited in groups, so memory stays bounded


async def create_topics(bootstrap: str, topics: dict[str, int]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=n, replication_factor=1) for name, n in topics.items() if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
        await _until_led(admin, list(topics))
    finally:
        await admin.close()


async def _until_led(admin: AIOKafkaAdminClient, topics: list[str], *, timeout: float = 30) -> None:
    """Waits until every partition has a leader, so the first sends are not refused."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = await admin.describe_topics(topics)
        if len(described) == len(topics) and all(
            topic["error_code"] == 0 and topic["partitions"] and all(p["leader"] >= 0 for p in topic["partitions"])
            for topic in described
        ):
            return
        await asyncio.sleep(0.2)


async def delete_topics(bootstrap: str, prefix: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
        mine = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


def producer(bootstrap: str) -> AIOKafkaProducer:
    return AIOKafkaProducer(bootstrap_servers=bootstrap, client_id="bench", **PRODUCER_SETTINGS)


async def produce(kafka: AIOKafkaProducer, topic: str, records: Iterable[tuple[bytes, bytes]]) -> int:
    """Sends every record as fast as the producer takes them; returns once all are acknowledged."""
    pending: list[asyncio.Future] = []
    sent = 0
    for key, value in records:
        pending.append(await kafka.send(topic, value=value, key=key, headers=KAFKA_HEADERS))
        sent += 1
        if len(pending) >= IN_FLIGHT:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    return sent


async def produce_paced(
    kafka: AIOKafkaProducer, topic: str, make: Callable[[int], tuple[bytes, bytes]], *, rate: float, seconds: float
) -> int:
    """Sends ``rate`` records a second for ``seconds``, each built (and stamped) just before its send."""
    pending: list[asyncio.Future] = []
    start = time.monotonic()
    sent = 0
    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * rate) + 1
        while sent < due:
            key, value = make(sent)
            pending.append(await kafka.send(topic, value=value, key=key, headers=KAFKA_HEADERS))
            sent += 1
        await asyncio.sleep(min(0.005, 1 / rate))
    await asyncio.gather(*pending)
    return sent


class TopicCounter:
    """Counts a topic's records by its partitions' end offsets, with one long-lived client."""

    def __init__(self, bootstrap: str, topic: str, partitions: int) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
        self._partitions = [TopicPartition(topic, p) for p in range(partitions)]

    async def __aenter__(self) -> "TopicCounter":
        await self._consumer.start()
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self._consumer.stop()

    async def count(self) -> int:
        return sum((await self._consumer.end_offsets(self._partitions)).values())


async def read_all(bootstrap: str, topic: str, *, count: int, timeout: float) -> list:
    """Every record of the topic from its start (up to ``count``), without a consumer group."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    records: list = []
    try:
        deadline = time.monotonic() + timeout
        while len(records) < count and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=500, max_records=5000)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records
