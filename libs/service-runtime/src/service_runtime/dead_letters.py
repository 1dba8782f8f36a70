"""Ops command for dead-letter topics: list what failed and why, and replay messages
to the topic they came from once the cause is fixed (consumers are idempotent, so a
replay of an event already applied changes nothing).

    python -m service_runtime.dead_letters list                                   every dead-letter topic, with its count
    python -m service_runtime.dead_letters list   clients.v1.dlq.access-service
    python -m service_runtime.dead_letters replay clients.v1.dlq.access-service [--offset N ...]

The Kafka address, security (STOREFRONTS_KAFKA_SECURITY_PROTOCOL, ..._SASL_*, ..._SSL_CAFILE)
and topic prefix come from the STOREFRONTS_* variables, as for the services."""

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from service_runtime.kafka_clients import client_options
from service_runtime.ops.kafka_topics import message_counts, topic_names
from service_runtime.settings import ServiceSettings

DEAD_LETTER_MARK = ".dlq."


@dataclass(frozen=True)
class DeadLetter:
    offset: int
    key: str | None
    original_topic: str
    original_offset: str
    group: str
    attempts: str
    error_type: str
    error: str
    failed_at: str
    value: bytes

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "value"}


def _connection(bootstrap: str, connection: dict[str, Any] | None) -> dict[str, Any]:
    """aiokafka keyword arguments: ``connection`` (kafka_clients.client_options) or the bare bootstrap."""
    return connection if connection is not None else {"bootstrap_servers": bootstrap}


async def read_dead_letters(
    bootstrap: str, topic: str, *, connection: dict[str, Any] | None = None
) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(**_connection(bootstrap, connection), enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in await _partitions(bootstrap, topic, connection)]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        letters: list[DeadLetter] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                letters.extend(_letter(record) for record in records)
        return letters
    finally:
        await consumer.stop()


async def _partitions(bootstrap: str, topic: str, connection: dict[str, Any] | None) -> list[int]:
    admin = AIOKafkaAdminClient(**_connection(bootstrap, connection))
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if description.get("error_code"):
        return []
    return sorted(p["partition"] for p in description["partitions"])


def _letter(record: ConsumerRecord) -> DeadLetter:
    headers = {k: v.decode(errors="replace") for k, v in record.headers}
    return DeadLetter(
        offset=record.offset,
        key=record.key.decode(errors="replace") if record.key else None,
        original_topic=headers.get("dlq.original_topic", ""),
        original_offset=headers.get("dlq.original_offset", ""),
        group=headers.get("dlq.group", ""),
        attempts=headers.get("dlq.attempts", ""),
        error_type=headers.get("dlq.error_type", ""),
        error=headers.get("dlq.error", ""),
        failed_at=headers.get("dlq.failed_at", ""),
        value=record.value,
    )


async def replay(
    bootstrap: str, topic: str, offsets: set[int] | None = None, *, connection: dict[str, Any] | None = None
) -> list[DeadLetter]:
    """Publishes the chosen dead letters (all when no offsets) back to their original topic."""
    chosen = [
        d
        for d in await read_dead_letters(bootstrap, topic, connection=connection)
        if offsets is None or d.offset in offsets
    ]
    producer = AIOKafkaProducer(**_connection(bootstrap, connection), enable_idempotence=True)
    await producer.start()
    try:
        for letter in chosen:
            await producer.send_and_wait(
                letter.original_topic,
                letter.value,
                key=letter.key.encode() if letter.key else None,
                headers=[("content-type", b"application/cloudevents+json"), ("dlq.replayed_from", topic.encode())],
            )
    finally:
        await producer.stop()
    return chosen


async def dead_letter_topics(bootstrap: str, prefix: str = "") -> dict[str, int]:
    """Every dead-letter topic under ``prefix`` (named without it) → the messages it holds."""
    names = sorted(t for t in await topic_names(bootstrap) if t.startswith(prefix) and DEAD_LETTER_MARK in t)
    counts = await message_counts(bootstrap, names)
    return {name.removeprefix(prefix): counts[name] for name in names}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m service_runtime.dead_letters", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("command", choices=("list", "replay"))
    parser.add_argument(
        "topic",
        nargs="?",
        help="dead-letter topic, e.g. clients.v1.dlq.access-service (without the prefix); "
        "'list' without it lists the dead-letter topics and their counts",
    )
    parser.add_argument("--offset", type=int, action="append", help="replay only these offsets")
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    connection = client_options(settings)
    bootstrap, prefix = settings.kafka_bootstrap, settings.topic_prefix
    if args.topic is None:
        if args.command == "replay":
            parser.error("replay needs the dead-letter topic to replay")
        topics = asyncio.run(dead_letter_topics(bootstrap, prefix))
        for name, count in topics.items():
            print(f"{count:>8}  {name}")
        print(f"{len(topics)} dead-letter topics on {bootstrap}", file=sys.stderr)
        return 0
    topic = settings.topic(args.topic)
    if topic not in asyncio.run(topic_names(bootstrap)):
        print(
            f"topic {topic} does not exist on {bootstrap}; the dead-letter topics are listed by "
            "'python -m service_runtime.dead_letters list'",
            file=sys.stderr,
        )
        return 2
    if args.command == "list":
        letters = asyncio.run(read_dead_letters(settings.kafka_bootstrap, topic, connection=connection))
    else:
        offsets = set(args.offset) if args.offset else None
        letters = asyncio.run(replay(settings.kafka_bootstrap, topic, offsets, connection=connection))
    for letter in letters:
        print(json.dumps(letter.summary()))
    print(
        f"{len(letters)} dead letters {'listed' if args.command == 'list' else 'replayed'} from {topic}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
