"""The service's connection to Kafka: a FastStream broker for its subscribers and one
idempotent producer (acks=all) for the outbox relay and dead letters. Every client gets
its bootstrap servers and security (TLS, SASL) from settings (kafka_clients.py)."""

import asyncio
from collections.abc import Awaitable, Callable

import structlog
from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker, KafkaRouter

from service_runtime.kafka_admin import ensure_topics
from service_runtime.kafka_clients import broker_security, client_options
from service_runtime.partitioner import default_partition
from service_runtime.settings import ServiceSettings
from storefront_events import ALL_TOPICS

log = structlog.get_logger()

RELAY_BATCH_BYTES = 256 * 1024


class Messaging:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.broker = KafkaBroker(
            settings.kafka_bootstrap.split(","),  # FastStream takes "a,b,c" as one host name
            client_id=settings.service_name,
            enable_idempotence=True,
            security=broker_security(settings),
            logger=None,
        )
        self._producer: AIOKafkaProducer | None = None
        self.dead_letter_topics: set[str] = set()
        self._producer_started = False
        self._broker_started = False

    def include(self, router: KafkaRouter) -> None:
        self.broker.include_router(router)

    def topics_to_create(self) -> dict[str, int]:
        wanted = {self.settings.topic(t.name): t.partitions for t in ALL_TOPICS}
        wanted.update({name: 1 for name in self.dead_letter_topics})
        return wanted

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("the producer starts with the service (Messaging.start_producer)")
        return self._producer

    async def start_producer(self) -> None:
        await _until_ready(
            lambda: ensure_topics(
                self.settings, self.topics_to_create(), dead_letters=frozenset(self.dead_letter_topics)
            )
        )
        await _until_ready(self._start_new_producer)
        self._producer_started = True

    async def restart_producer(self) -> None:
        """A fresh producer in place of the current one, after a non-retriable send failure:
        aiokafka's idempotent producer does not reset its sequence numbers then (the Java
        client does, KIP-360), so every later batch of that partition would fail too. The
        old producer is flushed and closed once the new one is in place."""
        old = self._producer
        await self._start_new_producer()
        if old is not None:
            try:
                await old.stop()
            except Exception as error:
                log.warning("kafka.old_producer_stop_failed", error=str(error))
        log.warning("kafka.producer_restarted")

    async def _start_new_producer(self) -> None:
        producer = AIOKafkaProducer(
            **client_options(self.settings),
            client_id=f"{self.settings.service_name}-relay",
            enable_idempotence=True,  # forces acks=all; one batch per partition in flight keeps key order
            acks="all",
            linger_ms=5,
            # Room for a pass's records of a partition in one batch (aiokafka's default, 16 KiB,
            # is about 15 events): fewer, larger produce requests for the relay.
            max_batch_size=min(RELAY_BATCH_BYTES, self.settings.kafka_max_request_bytes),
            partitioner=default_partition,
            request_timeout_ms=30000,
            max_request_size=self.settings.kafka_max_request_bytes,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def start_consumers(self) -> None:
        await self.broker.start()
        self._broker_started = True

    async def stop(self) -> None:
        if self._broker_started:
            await self.broker.stop()
        if self._producer_started:
            await self.producer.stop()

    def consumers_alive(self) -> bool:
        """Every subscriber runs and its consume loop has not died (a consumer can stay
        stuck after a broker restart without any other signal)."""
        if not self._broker_started:
            return False
        for subscriber in self.broker.subscribers:
            tasks = getattr(subscriber, "tasks", [])
            if not subscriber.running or any(task.done() for task in tasks):
                return False
        return True

    async def ready(self) -> bool:
        if not self._producer_started:
            return False
        try:
            await asyncio.wait_for(self.producer.client.fetch_all_metadata(), timeout=3)
        except Exception:
            return False
        return True


async def _until_ready(start: Callable[[], Awaitable[object]], attempts: int = 30) -> None:
    """Kafka may still be booting when a service starts: retry with a short backoff."""
    for attempt in range(1, attempts + 1):
        try:
            await start()
            return
        except Exception as error:
            if attempt == attempts:
                raise
            log.warning("kafka.not_ready", attempt=attempt, error=str(error))
            await asyncio.sleep(min(0.5 * attempt, 3))
