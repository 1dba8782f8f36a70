"""The ceiling: what raw aiokafka does with the same records on the same broker, with no
runtime, database or decoding. Producing: the relay's producer settings. Consuming: one
consumer, batches of ``getmany`` with a manual offset commit after each."""

import time
from dataclasses import asdict, dataclass

from aiokafka import AIOKafkaConsumer

from bench import kafka, machine
from bench.workload import THROUGHPUT, order_received, record

MAX_RECORDS = 500


@dataclass
class Ceiling:
    messages: int
    record_bytes: int
    partitions: int
    produce_per_s: float
    consume_per_s: float
    produce_seconds: float
    consume_seconds: float
    load_average: list[float]


async def measure(bootstrap: str, topic: str, partitions: int, n: int, *, value: bytes | None = None) -> dict:
    """``value``: the record to send n times (each under its own key), e.g. a real one taken
    from the platform's topic; by default the bench's own ``OrderReceived``."""
    await kafka.create_topics(bootstrap, {topic: partitions})
    if value is None:
        records = [record(order_received(THROUGHPUT, i)) for i in range(n)]  # encoded before the clock starts
    else:
        records = [(f"ceiling-{i}".encode(), value) for i in range(n)]
    producer = kafka.producer(bootstrap)
    await producer.start()
    try:
        started = time.perf_counter()
        await kafka.produce(producer, topic, records)
        produce_seconds = time.perf_counter() - started
    finally:
        await producer.stop()

    consume_seconds = await consume(bootstrap, topic, n, group=f"{topic}.consumer")
    return asdict(
        Ceiling(
            messages=n,
            record_bytes=len(records[0][1]),
            partitions=partitions,
            produce_per_s=round(n / produce_seconds),
            consume_per_s=round(n / consume_seconds),
            produce_seconds=round(produce_seconds, 3),
            consume_seconds=round(consume_seconds, 3),
            load_average=machine.load_average(),
        )
    )


async def consume(bootstrap: str, topic: str, n: int, *, group: str) -> float:
    """Seconds one consumer of a fresh group takes to read n records of the topic, from the
    first record to the last (the group join is not consumption): ``getmany`` of at most
    MAX_RECORDS and a manual offset commit after each batch, nothing decoded."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumed, first = 0, None
        while consumed < n:
            batches = await consumer.getmany(timeout_ms=1000, max_records=MAX_RECORDS)
            got = sum(len(batch) for batch in batches.values())
            if got and first is None:
                first = time.perf_counter()
            if got:
                await consumer.commit()
                consumed += got
        return time.perf_counter() - first
    finally:
        await consumer.stop()
