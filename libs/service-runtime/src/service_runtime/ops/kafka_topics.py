"""What a topic holds, read as an operator reads it: each record's event decoded to the
fields that matter when following a request through the platform."""

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


class TopicNotFound(LookupError):
    """The topic does not exist on the broker."""


@dataclass(frozen=True)
class TopicRecord:
    """One record of a topic, its CloudEvent envelope decoded (``type`` says when it is not one)."""

    topic: str
    partition: int
    offset: int
    key: str | None
    type: str
    subject: str | None
    correlation_id: str | None
    time: str | None
    event_id: str | None
    source: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return (
            f"{self.time or '-'}  {self.topic}[{self.partition}]@{self.offset}  {self.type}  "
            f"key={self.key or '-'}  subject={self.subject or '-'}  correlation={self.correlation_id or '-'}"
        )


def describe(topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None) -> TopicRecord:
    """The record's envelope fields; an undecodable value is reported, never raised."""
    envelope: dict[str, Any] = {}
    kind = "<not a CloudEvent>"
    try:
        parsed = json.loads(value) if value is not None else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("type"), str):
        envelope, kind = parsed, parsed["type"]
    return TopicRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        key=key.decode(errors="replace") if key is not None else None,
        type=kind,
        subject=_text(envelope.get("subject")),
        correlation_id=_text(envelope.get("correlationid")),
        time=_text(envelope.get("time")),
        event_id=_text(envelope.get("id")),
        source=_text(envelope.get("source")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


async def topic_names(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def partitions_of(bootstrap: str, topic: str) -> list[TopicPartition]:
    """The topic's partitions; TopicNotFound when the broker does not know it."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15000)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if description.get("error_code") or not description.get("partitions"):
        raise TopicNotFound(topic)
    return [
        TopicPartition(topic, p["partition"]) for p in sorted(description["partitions"], key=lambda p: p["partition"])
    ]


async def message_counts(bootstrap: str, topics: list[str]) -> dict[str, int]:
    """Messages each topic holds now (end minus beginning offsets, over its partitions)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        counts = {}
        for topic in topics:
            partitions = await partitions_of(bootstrap, topic)
            beginning = await consumer.beginning_offsets(partitions)
            end = await consumer.end_offsets(partitions)
            counts[topic] = sum(end[tp] - beginning[tp] for tp in partitions)
        return counts
    finally:
        await consumer.stop()


async def tail(
    bootstrap: str,
    topic: str,
    *,
    last: int | None = 10,
    from_beginning: bool = False,
    follow: bool = False,
    correlation_id: str | None = None,
    display_topic: str | None = None,
) -> AsyncIterator[TopicRecord]:
    """The topic's records, decoded: its last ``last`` records per partition (or all of them
    ``from_beginning``), then, with ``follow``, every new one until cancelled. With
    ``correlation_id``, only the events of that request."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = await partitions_of(bootstrap, topic)
        consumer.assign(partitions)
        beginning = await consumer.beginning_offsets(partitions)
        end = await consumer.end_offsets(partitions)
        for tp in partitions:
            start = beginning[tp] if from_beginning or last is None else max(beginning[tp], end[tp] - last)
            consumer.seek(tp, start)
        backlog: list[TopicRecord] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                backlog.extend(_decoded(records, display_topic or topic))
        backlog.sort(key=lambda r: (r.time or "", r.partition, r.offset))
        for record in backlog:
            if correlation_id is None or record.correlation_id == correlation_id:
                yield record
        while follow:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in _decoded(records, display_topic or topic):
                    if correlation_id is None or record.correlation_id == correlation_id:
                        yield record
            await asyncio.sleep(0)
    finally:
        await consumer.stop()


def _decoded(records: Iterable[ConsumerRecord], topic: str) -> list[TopicRecord]:
    return [describe(topic, r.partition, r.offset, r.key, r.value) for r in records]
