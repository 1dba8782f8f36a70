"""Subscribes a service's handlers to topics with one delivery policy, written once:

- the consumer group reads from the earliest offset, auto-commit is off, and the offset
  is committed only after the handler's transaction committed (AckPolicy.MANUAL);
- an event already applied by this group (inbox) is skipped;
- transient failures (database or broker unreachable) are retried with backoff and never
  committed past;
- any other failure is retried a bounded number of times, then the message goes to the
  group's dead-letter topic with its error, and only then is its offset committed;
- a message that is not a known event goes straight to the dead-letter topic.

Handlers are plain async functions ``handler(event, *, uow)``; the unit of work they get
records the event as applied when it commits."""

import asyncio
import socket
import traceback
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from faststream import AckPolicy
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter
from sqlalchemy.exc import DBAPIError, OperationalError
from storefront_events import ContractError, Event, Topic, decode

from service_runtime.faults import crash_point
from service_runtime.messaging import Messaging
from service_runtime.settings import ServiceSettings
from service_runtime.unit_of_work import Applying, SqlUnitOfWork

log = structlog.get_logger()

CONSUMED = Counter(
    "storefronts_events_consumed_total", "Events consumed", ["topic", "group", "outcome"]
)

Handler = Callable[..., Awaitable[None]]
UowFactory = Callable[..., SqlUnitOfWork]


class TransientError(Exception):
    """Raise from a handler for a failure that must be retried without limit
    (an outside system is down), never dead-lettered."""


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TransientError | OperationalError | ConnectionError | socket.gaierror | TimeoutError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


class EventRouter:
    def __init__(self, settings: ServiceSettings, messaging: Messaging, uow_factory: UowFactory) -> None:
        self.settings = settings
        self.messaging = messaging
        self.uow_factory = uow_factory
        self.router = KafkaRouter()
        self.subscribed: list[str] = []

    def on(self, topic: Topic, *, group: str, events: tuple[type[Event], ...]) -> Callable[[Handler], Handler]:
        topic_name = self.settings.topic(topic.name)
        group_id = self.settings.group(group)
        dead_letter_topic = self.settings.topic(topic.dead_letter(group))
        self.messaging.dead_letter_topics.add(dead_letter_topic)

        def register(handler: Handler) -> Handler:
            delivery = _Delivery(self, handler, events, topic_name, group_id, dead_letter_topic)

            async def subscriber(message: KafkaMessage) -> None:
                await delivery(message)

            subscriber.__name__ = handler.__name__
            subscriber.__doc__ = handler.__doc__
            self.router.subscriber(
                topic_name,
                group_id=group_id,
                ack_policy=AckPolicy.MANUAL,
                auto_offset_reset="earliest",
                title=f"{topic_name}:{handler.__name__}",
                description=handler.__doc__,
            )(subscriber)
            self.subscribed.append(f"{topic_name}:{group_id}")
            return handler

        return register


class _Delivery:
    def __init__(self, router: EventRouter, handler: Handler, events, topic: str, group: str, dead_letter_topic: str):
        self.router = router
        self.handler = handler
        self.events = events
        self.topic = topic
        self.group = group
        self.dead_letter_topic = dead_letter_topic

    async def __call__(self, message: Any) -> None:
        record = message.raw_message
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(topic=self.topic, partition=record.partition, offset=record.offset)
        try:
            event = decode(message.body)
        except ContractError as error:
            await self._dead_letter(message, error, attempts=1)
            return
        structlog.contextvars.bind_contextvars(event_id=str(event.event_id), correlation_id=event.correlation_id)
        if not isinstance(event, self.events):
            await message.ack()
            CONSUMED.labels(self.topic, self.group, "ignored").inc()
            return
        await self._apply(message, event)

    async def _apply(self, message: Any, event: Event) -> None:
        settings = self.router.settings
        attempts = 0
        transient_wait = settings.consumer_backoff_seconds
        while True:
            try:
                outcome = await self._apply_once(event)
                crash_point("consumer.after_commit")
                await message.ack()
                CONSUMED.labels(self.topic, self.group, outcome).inc()
                log.info("event.applied" if outcome == "applied" else "event.duplicate", event_type=event.event_type)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if is_transient(error):
                    log.warning("event.transient_failure", error=repr(error), retry_in=transient_wait)
                    await asyncio.sleep(transient_wait)
                    transient_wait = min(transient_wait * 2, 30)
                    continue
                attempts += 1
                log.warning("event.failed", error=repr(error), attempt=attempts)
                if attempts >= settings.consumer_max_attempts:
                    await self._dead_letter(message, error, attempts=attempts)
                    return
                await asyncio.sleep(settings.consumer_backoff_seconds * 2 ** (attempts - 1))

    async def _apply_once(self, event: Event) -> str:
        event_id = str(event.event_id)
        async with self.router.uow_factory() as probe:
            if await probe.inbox.already_applied(self.group, event_id):
                return "duplicate"
        uow = self.router.uow_factory(applying=Applying(self.group, event_id))
        await self.handler(event, uow=uow)
        return "applied"

    async def _dead_letter(self, message: Any, error: BaseException, *, attempts: int) -> None:
        record = message.raw_message
        headers = [
            ("dlq.error", str(error)[:2000].encode()),
            ("dlq.error_type", type(error).__name__.encode()),
            ("dlq.traceback", "".join(traceback.format_exception(error))[-4000:].encode()),
            ("dlq.original_topic", record.topic.encode()),
            ("dlq.original_partition", str(record.partition).encode()),
            ("dlq.original_offset", str(record.offset).encode()),
            ("dlq.group", self.group.encode()),
            ("dlq.attempts", str(attempts).encode()),
            ("dlq.failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        await self.router.messaging.producer.send_and_wait(
            self.dead_letter_topic, value=record.value, key=record.key, headers=headers
        )
        await message.ack()
        CONSUMED.labels(self.topic, self.group, "dead_lettered").inc()
        log.error("event.dead_lettered", error=str(error), attempts=attempts, dead_letter_topic=self.dead_letter_topic)
