"""Subscribes a service's handlers to topics with one delivery policy, written once:

- the consumer group reads in batches (FastStream's batch subscriber: at most
  ``consumer_batch_max_records`` records, waiting at most ``consumer_batch_timeout_ms``),
  from the earliest offset, auto-commit off (AckPolicy.MANUAL);
- the records of a batch (every partition it holds, partition by partition) are applied in
  ONE transaction: one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` into the inbox tells
  the new events from those this group applied before (counted as ``duplicate``, skipped,
  never dead-lettered), the handlers run for the new ones, one commit; then the offsets of
  the whole batch are committed once (a transaction per partition cost its fixed price a
  dozen times per fetch: small batches, a slow consumer, and on SQLite the partitions'
  transactions waiting on each other for the write lock);
- a handler failure that is not transient cuts the batch at that event: the events before
  it are committed, the event is retried alone (up to ``consumer_max_attempts``, with
  backoff), then it alone goes to the group's dead-letter topic ``<topic>.dlq.<group>``
  with its error in headers, and the events after it are applied next; per-partition order
  is kept;
- a transient failure (``transient.is_transient``: database or broker unreachable,
  deadlock, serialization failure, ...) rolls the batch's transaction back and retries
  it with backoff, without limit, never dead-lettering;
- a record that is not a known event goes straight to the dead-letter topic;
- a dead-letter publish that fails is retried without limit (logged and counted in
  ``storefronts_dead_letter_publish_failures_total``): the offset is committed only after
  every record before it was applied or dead-lettered. Nothing escapes the delivery
  wrapper (FastStream would swallow it and the next commit would pass the record); an
  unexpected error rewinds the consumer to the batch's first records and retries.

Handlers are plain async functions ``handler(event, *, uow)`` (or, registered with
``batch=True``, ``handler(events, *, uow)`` for set-based work). They use the unit of work
as everywhere: ``async with uow: ...; await uow.commit()``; here it shares the batch's
transaction: the block is a SAVEPOINT, ``commit()`` only flushes into it, and the batch
commits once after its last event (see unit_of_work.py). A handler must therefore not
expect its changes to be visible to other connections when ``commit()`` returns (work to do
after the real commit, such as waking a background task, goes in
``uow.after_commit(callback)``), and must not commit through any other session. Progress (time since a subscription last moved, its
lag) is in ``progress()``, /readyz and the Prometheus gauges.

With ``consumer_concurrency`` N > 1, each subscription runs N consumers of its group in the
process: Kafka gives each its own partitions, each applies and commits its batches as above
(its own transaction, its own offsets), concurrently with the others, so one's waits on the
database and the broker overlap another's. Everything above holds per partition. What
handlers must know: two batches of one subscription may now be in flight at once, holding
events of different partitions (different keys); rows that events of different keys both
write (a per-store counter...) are locked by one transaction while the other waits, and a
deadlock between them is a transient failure, rolled back and retried. The subscription's
lag is the sum of its consumers' lags, its seconds since progress the longest of theirs (a
consumer stuck behind its partitions shows even while another moves)."""

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from aiokafka import TopicPartition
from faststream import AckPolicy
from faststream.kafka import KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter, Gauge

from service_runtime.faults import crash_point
from service_runtime.inbox import Inbox
from service_runtime.messaging import Messaging
from service_runtime.settings import ServiceSettings
from service_runtime.transient import TransientError, is_transient
from service_runtime.unit_of_work import SharedTransaction, SqlUnitOfWork
from storefront_events import ContractError, Event, Topic, decode

__all__ = ["EventRouter", "TransientError", "is_transient"]

log = structlog.get_logger()

CONSUMED = Counter("storefronts_events_consumed_total", "Events consumed", ["topic", "group", "outcome"])
RETRIED = Counter(
    "storefronts_consumer_transient_failures_total",
    "Batches rolled back by a transient failure and retried",
    ["topic", "group"],
)
DEAD_LETTER_FAILURES = Counter(
    "storefronts_dead_letter_publish_failures_total", "Dead-letter publishes that failed (retried)", ["topic", "group"]
)
LAG = Gauge("storefronts_consumer_lag", "End offset minus committed offset, summed over partitions", ["topic", "group"])
SINCE_PROGRESS = Gauge(
    "storefronts_consumer_seconds_since_progress",
    "Seconds since the subscription last committed a batch or was caught up",
    ["topic", "group"],
)

Handler = Callable[..., Awaitable[None]]
UowFactory = Callable[..., SqlUnitOfWork]


class EventRouter:
    def __init__(self, settings: ServiceSettings, messaging: Messaging, uow_factory: UowFactory) -> None:
        self.settings = settings
        self.messaging = messaging
        self.uow_factory = uow_factory
        self.router = KafkaRouter()
        self.subscribed: list[str] = []
        self.subscriptions: list[_Subscription] = []

    def on(
        self, topic: Topic, *, group: str, events: tuple[type[Event], ...], batch: bool = False
    ) -> Callable[[Handler], Handler]:
        """Registers ``handler(event, *, uow)``, or with ``batch=True``
        ``handler(events, *, uow)`` (a list of the batch's new events of ``events``, in
        partition order)."""
        topic_name = self.settings.topic(topic.name)
        group_id = self.settings.group(group)
        dead_letter_topic = self.settings.topic(topic.dead_letter(group))
        self.messaging.dead_letter_topics.add(dead_letter_topic)

        def register(handler: Handler) -> Handler:
            subscription = _Subscription(topic_name, group_id)
            for member in range(1, self.settings.consumer_concurrency + 1):
                delivery = _Delivery(
                    self,
                    handler,
                    events,
                    topic_name,
                    group_id,
                    dead_letter_topic,
                    batch=batch,
                    subscription=subscription,
                )
                title = f"{topic_name}:{handler.__name__}" + (f"#{member}" if member > 1 else "")
                delivery.subscriber = self.router.subscriber(
                    topic_name,
                    group_id=group_id,
                    ack_policy=AckPolicy.MANUAL,
                    auto_offset_reset="earliest",
                    batch=True,
                    max_records=self.settings.consumer_batch_max_records,
                    batch_timeout_ms=self.settings.consumer_batch_timeout_ms,
                    parser=_batch_parsed_by_its_first_record,
                    heartbeat_interval_ms=self.settings.consumer_heartbeat_interval_ms,
                    decoder=_records_only,
                    title=title,
                    description=handler.__doc__,
                )
                delivery.subscriber(_subscriber_of(delivery, handler))
                subscription.deliveries.append(delivery)
            self.subscribed.append(f"{topic_name}:{group_id}")
            self.subscriptions.append(subscription)
            return handler

        return register

    async def progress(self) -> dict[str, dict[str, float | int | None]]:
        """``{"<topic>:<group>": {"lag": ..., "seconds_since_progress": ...}}`` for each
        subscription (lag None while a consumer of it is not running or the broker does not answer)."""
        return {f"{s.topic}:{s.group}": await s.progress() for s in self.subscriptions}

    def partitions(self) -> dict[str, list[int]]:
        """``{"<topic>:<group>": [partition, ...]}``: the partitions Kafka gave this process's
        consumers of each subscription (processes of one group share them out)."""
        return {f"{s.topic}:{s.group}": s.partitions() for s in self.subscriptions}


def _subscriber_of(delivery: "_Delivery", handler: Handler) -> Callable[[KafkaMessage], Awaitable[None]]:
    """The function FastStream calls with a consumer's batches (one per consumer: FastStream
    reads its signature, so the delivery is bound here, not as a parameter)."""

    async def subscriber(message: KafkaMessage) -> None:
        await delivery(message)

    subscriber.__name__ = handler.__name__
    subscriber.__doc__ = handler.__doc__
    return subscriber


class _Subscription:
    """A handler's subscription to a topic in a group: its consumers in this process (one
    ``_Delivery`` each, ``consumer_concurrency`` of them), reported as one."""

    def __init__(self, topic: str, group: str) -> None:
        self.topic = topic
        self.group = group
        self.deliveries: list[_Delivery] = []
        SINCE_PROGRESS.labels(topic, group).set_function(self.seconds_since_progress)

    def seconds_since_progress(self) -> float:
        """The longest of its consumers' (each 0 while caught up on its own partitions)."""
        return max((d.seconds_since_progress() for d in self.deliveries), default=0.0)

    def lag_changed(self) -> None:
        LAG.labels(self.topic, self.group).set(sum(d.lag or 0 for d in self.deliveries))

    def partitions(self) -> list[int]:
        return sorted({partition for delivery in self.deliveries for partition in delivery.partitions()})

    async def progress(self) -> dict[str, float | int | None]:
        lags = [await d.refresh_lag() for d in self.deliveries]
        lag = None if any(one is None for one in lags) else sum(one for one in lags if one is not None)
        return {"lag": lag, "seconds_since_progress": round(self.seconds_since_progress(), 3)}


async def _known_position(consumer: Any, topic_partition: Any, *, default: int) -> int:
    """The consumer's position on a partition when it has one (no broker round trip:
    aiokafka answers at once from its state), else ``default``."""
    try:
        return int(await asyncio.wait_for(consumer.position(topic_partition), timeout=0.05))
    except Exception:  # no valid position yet (the fetcher is resetting it) or no longer assigned
        return default


def _by_partition(items: Sequence[tuple[Any, Event]]) -> dict[int, list[Any]]:
    records: dict[int, list[Any]] = {}
    for record, _ in items:
        records.setdefault(record.partition, []).append(record)
    return records


async def _batch_parsed_by_its_first_record(records: tuple[Any, ...], original: Callable[..., Awaitable[Any]]) -> Any:
    """FastStream's batch message for our subscribers, its headers and bodies taken from the
    first record only: its parser decoded every record's headers into a dict and listed every
    body, which nothing reads (the delivery reads ``raw_message``, the whole batch)."""
    message = await original(records[:1])
    message.raw_message = records
    return message


async def _records_only(message: Any) -> None:
    """FastStream's decoder for our subscribers: nothing. The delivery reads the raw
    records (``message.raw_message``) and decodes each event once itself; FastStream's
    default decoder parsed every record's JSON (and built a message object for it) only
    to hand a body no subscriber reads."""
    return None


class _SplitBatch(Exception):
    """A batch handler failed on the whole batch, whose work had no savepoint: the batch's
    transaction is rolled back and applied again, one event at a time."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(repr(error))
        self.error = error


class _Cut:
    """Where a batch stopped: the record at ``index`` was not applied."""

    def __init__(self, index: int, error: BaseException, *, malformed: bool = False) -> None:
        self.index = index
        self.error = error
        self.malformed = malformed


class _Delivery:
    def __init__(
        self,
        router: EventRouter,
        handler: Handler,
        events: tuple[type[Event], ...],
        topic: str,
        group: str,
        dead_letter_topic: str,
        *,
        batch: bool,
        subscription: _Subscription,
    ) -> None:
        self.router = router
        self.subscription = subscription
        self.settings = router.settings
        self.handler = handler
        self.events = events
        self.topic = topic
        self.group = group
        self.dead_letter_topic = dead_letter_topic
        self.batch = batch
        self.subscriber: Any = None
        self.committed: dict[int, int] = {}
        self.pending: dict[int, int] = {}  # partition -> first offset received, not yet committed
        self.last_progress = time.monotonic()
        self.caught_up = False
        self.lag: int | None = None

    def seconds_since_progress(self) -> float:
        return 0.0 if self.caught_up else time.monotonic() - self.last_progress

    async def __call__(self, message: Any) -> None:
        records = tuple(message.raw_message)
        consumer = message.consumer
        structlog.contextvars.clear_contextvars()
        by_partition: dict[int, list[Any]] = {}
        for record in records:
            by_partition.setdefault(record.partition, []).append(record)
        for partition, part in by_partition.items():
            self.pending.setdefault(partition, part[0].offset)
        try:
            # Every partition of the fetch in one transaction: its records partition by
            # partition, so each partition's order is kept whatever is cut out.
            await self._apply_records([record for part in by_partition.values() for record in part])
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a defect: never let FastStream swallow it and commit past it
            log.error(
                "consumer.batch_failed",
                error=repr(error),
                partitions={p: part[0].offset for p, part in by_partition.items()},
                exc_info=error,
            )
            for partition, part in by_partition.items():
                consumer.seek(TopicPartition(self.topic, partition), part[0].offset)  # read again from there
            await asyncio.sleep(self.settings.consumer_backoff_seconds)
            return
        done = {TopicPartition(self.topic, p): part[-1].offset + 1 for p, part in by_partition.items()}
        if done:
            try:
                await self._commit_offsets(consumer, done)
            except Exception as error:
                log.error("offsets.commit_failed", error=repr(error))

    async def _apply_records(self, records: Sequence[Any]) -> None:
        """Applies or dead-letters every record of the batch, in order; returns only when
        all are done."""
        remaining = list(records)
        while remaining:
            cut = await self._apply_until_cut(remaining)
            if cut is None:
                return
            await self._retry_alone(remaining[cut.index], cut)
            remaining = remaining[cut.index + 1 :]

    async def _apply_until_cut(self, records: Sequence[Any]) -> _Cut | None:
        """Decodes ``records`` and applies the longest prefix it can in one transaction
        (transient failures retried here without limit); returns where it stopped."""
        items: list[tuple[Any, Event]] = []
        malformed: _Cut | None = None
        for index, record in enumerate(records):
            try:
                items.append((record, decode(record.value)))
            except ContractError as error:
                malformed = _Cut(index, error, malformed=True)
                break
        if not items:
            return malformed
        cut = await self._with_transient_retries(items)
        return cut if cut is not None else malformed

    async def _with_transient_retries(self, items: list[tuple[Any, Event]]) -> _Cut | None:
        wait = self.settings.consumer_backoff_seconds
        split = False
        while True:
            try:
                return await self._apply_once(items, split=split)
            except asyncio.CancelledError:
                raise
            except _SplitBatch as failure:  # rolled back: each event next, in savepoints
                log.warning("events.batch_split", error=repr(failure.error), events=len(items))
                split = True
                continue
            except Exception as error:
                RETRIED.labels(self.topic, self.group).inc()
                transient = is_transient(error)
                (log.warning if transient else log.error)(
                    "events.transient_failure" if transient else "events.batch_not_applied",
                    error=repr(error),
                    events=len(items),
                    retry_in=wait,
                    partition=items[0][0].partition,
                    first_offset=items[0][0].offset,
                )
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.settings.consumer_max_backoff_seconds)

    async def _apply_once(self, items: list[tuple[Any, Event]], *, split: bool = False) -> _Cut | None:
        """One transaction: inbox insert of the events' ids, the handlers of the new ones,
        one commit. A transient error raises (the caller retries all); a handler's other
        error cuts the batch before its event. A batch handler gets the whole batch first
        (``split``: each event alone, to find the one that fails)."""
        probe = self.router.uow_factory()
        async with probe.shared_transaction() as shared:
            inbox = Inbox(shared.session)
            ids = [str(event.event_id) for _, event in items]
            wanted = [index for index, (_, event) in enumerate(items) if isinstance(event, self.events)]
            new_ids = await inbox.record_new(self.group, (ids[index] for index in wanted))
            outcomes = ["ignored"] * len(items)
            to_apply: list[int] = []
            for index in wanted:
                if ids[index] in new_ids:
                    new_ids.discard(ids[index])  # a second copy in the same batch is a duplicate
                    to_apply.append(index)
                    outcomes[index] = "applied"
                else:
                    outcomes[index] = "duplicate"
            failure = await self._run_handlers(shared, [items[i][1] for i in to_apply], split=split)
            end = len(items)
            cut = None
            if failure is not None:
                position, error = failure
                end = to_apply[position]
                await inbox.forget(self.group, (ids[i] for i in to_apply[position:]))
                cut = _Cut(end, error)
            crash_point("consumer.before_commit")
            await shared.commit()
        if shared.outbox_added:
            probe.notify_committed()
        crash_point("consumer.after_commit")
        counts: dict[str, int] = {}
        for outcome in outcomes[:end]:
            counts[outcome] = counts.get(outcome, 0) + 1
        self._log_outcomes(items[:end], ids, outcomes, applied=counts.get("applied", 0))
        for outcome, count in counts.items():  # one counter update per outcome, not per event
            CONSUMED.labels(self.topic, self.group, outcome).inc(count)
        if end:
            self.last_progress = time.monotonic()
        return cut

    def _log_outcomes(
        self, items: list[tuple[Any, Event]], ids: list[str], outcomes: list[str], *, applied: int
    ) -> None:
        """Each duplicate one line (``event.duplicate``); the applied events one
        ``events.applied`` line per committed batch (its event ids, correlation ids and
        offsets), and a line each (``event.applied``) at DEBUG, or at INFO with
        ``consumer_log_each_event``: a line per event cost about a tenth of a consumed
        event's CPU time."""
        each = self.settings.consumer_log_each_event
        each_applied = log.info if each else log.debug
        log_each_applied = each or log.is_enabled_for(logging.DEBUG)
        for index, ((record, event), outcome) in enumerate(zip(items, outcomes, strict=False)):
            if outcome == "duplicate" or (log_each_applied and outcome == "applied"):
                (log.info if outcome == "duplicate" else each_applied)(
                    f"event.{outcome}",
                    event_id=ids[index],
                    correlation_id=event.correlation_id,
                    event_type=getattr(event, "event_type", None),
                    topic=self.topic,
                    partition=record.partition,
                    offset=record.offset,
                )
        if each or not applied:
            return
        indexes = [index for index, outcome in enumerate(outcomes[: len(items)]) if outcome == "applied"]
        log.info(
            "events.applied",
            topic=self.topic,
            count=len(indexes),
            event_ids=[ids[index] for index in indexes],
            correlation_ids=sorted({c for index in indexes if (c := items[index][1].correlation_id)}),
            offsets={p: [part[0].offset, part[-1].offset] for p, part in _by_partition(items).items()},
        )

    async def _run_handlers(
        self, shared: SharedTransaction, events: list[Event], *, split: bool
    ) -> tuple[int, BaseException] | None:
        """Runs the handlers in the shared transaction; returns (position, error) of the
        first event that failed (its work rolled back), None if all applied. A batch handler
        given the whole batch runs without a savepoint: if it fails, ``_SplitBatch`` rolls
        the transaction back (a batch of one is that event's failure)."""
        if not events:
            return None
        if self.batch and not split:
            structlog.contextvars.clear_contextvars()
            failure = await self._run_one(shared, events, savepoint=len(events) == 1)
            if failure is None:
                return None
            if len(events) == 1:
                return 0, failure
            raise _SplitBatch(failure)
        for position, event in enumerate(events):
            structlog.contextvars.bind_contextvars(event_id=str(event.event_id), correlation_id=event.correlation_id)
            failure = await self._run_one(shared, [event] if self.batch else event)
            if failure is not None:
                return position, failure
        structlog.contextvars.clear_contextvars()
        return None

    async def _run_one(
        self, shared: SharedTransaction, argument: Any, *, savepoint: bool = True
    ) -> BaseException | None:
        uow = self.router.uow_factory().sharing(shared, savepoint=savepoint)
        try:
            await self.handler(argument, uow=uow)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if is_transient(error):
                raise
            await uow.discard()
            return error
        await uow.keep()
        return None

    async def _retry_alone(self, record: Any, cut: _Cut) -> None:
        """The record a batch stopped at: retried alone up to ``consumer_max_attempts``
        (malformed ones are not), then dead-lettered."""
        attempts = 1
        error = cut.error
        structlog.contextvars.bind_contextvars(partition=record.partition, offset=record.offset)
        while not cut.malformed and attempts < self.settings.consumer_max_attempts:
            log.warning("event.failed", error=repr(error), attempt=attempts)
            await asyncio.sleep(self.settings.consumer_backoff_seconds * 2 ** (attempts - 1))
            retried = await self._apply_until_cut([record])
            if retried is None:
                return
            error = retried.error
            attempts += 1
        await self._dead_letter(record, error, attempts=attempts)

    async def _dead_letter(self, record: Any, error: BaseException, *, attempts: int) -> None:
        """Publishes the record to the dead-letter topic, retrying without limit: the
        offset is never committed past a record neither applied nor dead-lettered."""
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
        wait = self.settings.consumer_backoff_seconds
        while True:
            try:
                await self.router.messaging.producer.send_and_wait(
                    self.dead_letter_topic, value=record.value, key=record.key, headers=headers
                )
                break
            except asyncio.CancelledError:
                raise
            except Exception as publish_error:
                DEAD_LETTER_FAILURES.labels(self.topic, self.group).inc()
                log.error(
                    "event.dead_letter_publish_failed",
                    error=repr(publish_error),
                    retry_in=wait,
                    partition=record.partition,
                    offset=record.offset,
                    dead_letter_topic=self.dead_letter_topic,
                )
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.settings.consumer_max_backoff_seconds)
        CONSUMED.labels(self.topic, self.group, "dead_lettered").inc()
        self.last_progress = time.monotonic()
        log.error(
            "event.dead_lettered",
            error=str(error),
            attempts=attempts,
            dead_letter_topic=self.dead_letter_topic,
            partition=record.partition,
            offset=record.offset,
        )

    async def _commit_offsets(self, consumer: Any, offsets: dict[TopicPartition, int]) -> None:
        """Commits the batch's offsets once. If that fails for good (the partitions moved to
        another consumer in a rebalance), the records come again and are duplicates."""
        wait = self.settings.consumer_backoff_seconds
        for attempt in range(1, 6):
            try:
                await consumer.commit(offsets)
                break
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if attempt == 5 or not is_transient(error):
                    log.warning("offsets.commit_failed", error=repr(error), offsets=str(offsets))
                    return
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.settings.consumer_max_backoff_seconds)
        for topic_partition, offset in offsets.items():
            self.committed[topic_partition.partition] = offset
            self.pending.pop(topic_partition.partition, None)
        self.last_progress = time.monotonic()
        self._set_lag(await self._lag(consumer))

    def _set_lag(self, lag: int) -> None:
        self.lag = lag
        self.caught_up = lag == 0
        if self.caught_up:
            self.last_progress = time.monotonic()
        self.subscription.lag_changed()

    def partitions(self) -> set[int]:
        """The partitions of its topic assigned to its consumer now (none while it is not running)."""
        consumer = getattr(self.subscriber, "consumer", None)
        if consumer is None:
            return set()
        return {topic_partition.partition for topic_partition in consumer.assignment()}

    async def refresh_lag(self) -> int | None:
        """This consumer's lag on its partitions, None while it is not running."""
        consumer = getattr(self.subscriber, "consumer", None)
        if consumer is None:
            return None
        lag = await self._lag(consumer)
        self._set_lag(lag)
        return lag

    async def _lag(self, consumer: Any) -> int:
        """From what the consumer already knows, never waiting on the broker: per assigned
        partition, its end offset (high watermark of the last fetch) minus the offset this
        subscription committed, or, before its first commit, the first offset it received,
        or, for a partition nothing was handed from yet, the consumer's position there (where
        its next fetch starts: records fetched ahead but not yet handed over are lag too)."""
        lag = 0
        for topic_partition in consumer.assignment():
            end = consumer.highwater(topic_partition)
            if end is None:
                continue
            partition = topic_partition.partition
            done = self.committed.get(partition, self.pending.get(partition))
            if done is None:
                done = await _known_position(consumer, topic_partition, default=end)
            lag += max(end - done, 0)
        return lag
