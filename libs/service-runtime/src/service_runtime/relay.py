"""Publishes outbox rows to Kafka and marks them sent.

One pass: in one database transaction, take the oldest unsent rows (by id, polled by
``sent_at IS NULL``, never by id ranges, so a row whose id was taken before a
later-committed one is never skipped), queue them all on the idempotent producer,
await every send, then mark sent exactly the rows whose send succeeded (clearing the
payload of rows that hold a secret in the same UPDATE) and commit.

Only one relay of a service publishes at a time: on PostgreSQL each pass takes a
transaction-scoped advisory lock (``pg_try_advisory_xact_lock``) whose id is derived from
the service name; it ends with the pass's transaction, so a lost database connection
never leaves a lease behind, and a second process of the service simply skips passes
while another one runs (SQLite has one process).

Order, as tested: rows of one key (topic and message key) are published in id order, and
a later row of a key is never published while an earlier row of that key is unsent.
Within a pass, once a row of a key fails, the key's later rows are not queued, or, when
already queued, are not marked sent; the idempotent producer sends one batch per
partition at a time and a batch after a failed one fails too (sequence numbers), after
which the producer is rebuilt. Other keys keep flowing. Consumers do not rely on this
alone: events carry their aggregate's version, and a consumer applies only newer ones.

Failures: a retriable one (broker unavailable, timeout) leaves the row unsent for the
next pass, with ``last_error``. A non-retriable one is counted in ``attempts`` only when
it is the row's own: the size check, a refusal before queueing, or a pass that sends rows
one at a time (after a pass with an asynchronous non-retriable failure, which may have
failed whole Kafka batches of innocent rows, the relay isolates: it sends one row at a
time, rebuilding the producer after each failure). After ``relay_max_attempts`` such
failures the row is parked (``failed_at``): it stays unsent and visible, is logged as an
error and counted, and holds back only the later rows of its own key.

A crash after publishing but before marking re-publishes: consumers are idempotent."""

import asyncio
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import structlog
from aiokafka.errors import KafkaError, MessageSizeTooLargeError
from prometheus_client import Counter, Gauge
from sqlalchemy import BigInteger, any_, bindparam, case, exists, func, select, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlmodel import col

from service_runtime.background import BackgroundTask, raise_if_stop_requested
from service_runtime.faults import crash_point
from service_runtime.messaging import Messaging
from service_runtime.outbox import OutboxMessage
from service_runtime.settings import ServiceSettings
from storefront_events import KAFKA_HEADERS

log = structlog.get_logger()

PUBLISHED = Counter("storefronts_outbox_published_total", "Outbox rows published", ["topic"])
PENDING = Gauge("storefronts_outbox_pending", "Outbox rows not yet published in the last pass")
PUBLISH_FAILURES = Counter(
    "storefronts_outbox_publish_failures_total", "Outbox row sends that failed", ["topic", "retriable"]
)
PARKED_TOTAL = Counter(
    "storefronts_outbox_rows_parked_total", "Outbox rows parked after repeated non-retriable failures", ["topic"]
)
PARKED = Gauge("storefronts_outbox_parked_rows", "Outbox rows parked (failed_at set, never sent)")
OLDEST_UNSENT_AGE = Gauge(
    "storefronts_outbox_oldest_unsent_age_seconds", "Age of the oldest unsent, not parked outbox row (0 if none)"
)
BACKLOG_REPORT_SECONDS = 1.0

RELAY_ALIVE = Gauge("storefronts_outbox_relay_alive", "1 while the relay's task runs")
PASS_FAILURES = Counter(
    "storefronts_outbox_relay_pass_failures_total",
    "Relay passes that failed (database or broker unreachable, an operation cancelled under the relay, ...) "
    "and were retried after a backoff",
    ["error"],
)
PASS_BACKOFF_SECONDS = 0.2
PASS_MAX_BACKOFF_SECONDS = 10.0
PASS_FAILURES_BEFORE_ERROR = 5


def relay_lock_id(service_name: str) -> int:
    """The advisory lock id of a service's relay: one per service, stable across processes."""
    digest = hashlib.sha256(f"storefronts.outbox-relay.{service_name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SendTimedOut(Exception):
    """The broker did not acknowledge the send within ``relay_send_timeout_seconds``."""


class SendCancelled(Exception):
    """The send's future was cancelled (its producer was closed before the broker answered)."""


class RowTooLarge(Exception):
    """The row is larger than ``outbox_max_event_bytes``: it can never be published."""


@dataclass
class Pass:
    """What one relay pass did."""

    sent: int = 0
    failed: int = 0
    parked: int = 0
    held_back: int = 0
    busy: bool = False  # another process of the service held the relay lock


@dataclass(frozen=True)
class Backlog:
    oldest_unsent_age_seconds: float | None
    parked: int


def _retriable(error: BaseException) -> bool:
    return isinstance(error, KafkaError) and bool(getattr(error, "retriable", False))


def _the_rows_own(error: BaseException) -> bool:
    """A failure the row causes whatever the producer's state: it is too large."""
    return isinstance(error, (RowTooLarge, MessageSizeTooLargeError))


Outcome = dict[int, BaseException | None]
"""Per row id: None, published."""
Failures = dict[int, tuple[BaseException, bool]]
"""Per row id: the error, and whether it counts as one of the row's own attempts."""


class _Row(NamedTuple):
    """The columns of an unsent outbox row the relay needs, read as a plain row: building
    an ORM object per row cost the relay more than the rest of a row's work in Python."""

    id: int
    event_id: str
    event_type: str
    topic: str
    message_key: str
    payload: str
    attempts: int


_OUTBOX = OutboxMessage.metadata.tables["outbox_messages"]
_PARKED = _OUTBOX.alias("parked")
_NEXT_ROWS = (
    select(*(_OUTBOX.c[name] for name in _Row._fields))
    .where(
        _OUTBOX.c.sent_at.is_(None),
        _OUTBOX.c.failed_at.is_(None),
        ~exists().where(
            _PARKED.c.sent_at.is_(None),
            _PARKED.c.failed_at.is_not(None),
            _PARKED.c.topic == _OUTBOX.c.topic,
            _PARKED.c.message_key == _OUTBOX.c.message_key,
        ),
    )
    .order_by(_OUTBOX.c.id)
    .limit(bindparam("limit"))
)
"""The oldest unsent rows, without parked ones nor any row of a parked row's key (one
statement, so one snapshot)."""
_SENT_VALUES = {
    "sent_at": bindparam("sent_at"),
    "payload": case((_OUTBOX.c.holds_secret == True, ""), else_=_OUTBOX.c.payload),  # noqa: E712
}
_MARK_SENT_POSTGRESQL = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == any_(bindparam("ids", type_=postgresql.ARRAY(BigInteger))))
    .values(_SENT_VALUES)
)
"""Marks the sent rows with one array parameter: the same SQL text (and prepared
statement) whatever the number of rows."""
_MARK_SENT = update(_OUTBOX).where(_OUTBOX.c.id.in_(bindparam("ids", expanding=True))).values(_SENT_VALUES)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class OutboxRelay(BackgroundTask):
    name = "outbox-relay"

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        messaging: Messaging,
        settings: ServiceSettings,
        *,
        batch_size: int | None = None,
    ) -> None:
        super().__init__()
        self._engine = engine
        self._sessions = sessions
        self._messaging = messaging
        self._settings = settings
        self._batch_size = batch_size or settings.relay_batch_size
        self._lock_id = relay_lock_id(settings.service_name)
        self._isolating = False
        self.last_pass_at: float | None = None  # time.monotonic() of the last pass that completed
        self._backlog_reported_at = 0.0

    async def run(self) -> None:
        """Passes until stopped. A stop (the task's cancellation) ends it, even when an await
        inside the pass swallowed it or turned it into another error; any other failure of a
        pass, a ``CancelledError`` that is not the relay's own included (a send or a query
        cancelled under it), is logged, counted and retried after a backoff that doubles up
        to ``PASS_MAX_BACKOFF_SECONDS``."""
        RELAY_ALIVE.set(1)
        backoff = PASS_BACKOFF_SECONDS
        failures_in_a_row = 0
        try:
            while True:
                raise_if_stop_requested()
                try:
                    done = await self.publish_pending()
                    self.last_pass_at = time.monotonic()
                    if self._backlog_due(done):
                        await self.report_backlog()
                except (Exception, asyncio.CancelledError) as error:  # database or broker down, ...
                    raise_if_stop_requested(error)
                    failures_in_a_row += 1
                    self._pass_failed(error, failures_in_a_row, backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, PASS_MAX_BACKOFF_SECONDS)
                    continue
                failures_in_a_row = 0
                if done.failed:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, PASS_MAX_BACKOFF_SECONDS)
                    continue
                backoff = PASS_BACKOFF_SECONDS
                if done.sent < self._batch_size:
                    await self.sleep(self._settings.relay_poll_seconds, gather=self._settings.relay_gather_seconds)
        finally:
            RELAY_ALIVE.set(0)

    def _pass_failed(self, error: BaseException, failures_in_a_row: int, retry_in: float) -> None:
        PASS_FAILURES.labels(type(error).__name__).inc()
        # A few failures are a database or broker restart; more mean the relay is stuck. The
        # traceback goes with the first failure of a series and with the errors.
        stuck = failures_in_a_row >= PASS_FAILURES_BEFORE_ERROR
        (log.error if stuck else log.warning)(
            "outbox.pass_failed",
            error=f"{type(error).__name__}: {error}",
            failures_in_a_row=failures_in_a_row,
            retry_in=retry_in,
            exc_info=error if stuck or failures_in_a_row == 1 else None,
        )

    def _backlog_due(self, done: Pass) -> bool:
        """The backlog gauges (two queries) after an idle pass, a failure, or a second since
        they were last read: not after every pass while the relay is busy publishing
        (woken on each commit, it makes many small passes)."""
        return (
            done.sent == 0 or done.failed > 0 or time.monotonic() - self._backlog_reported_at >= BACKLOG_REPORT_SECONDS
        )

    async def publish_pending(self) -> Pass:
        if self._engine.dialect.name == "postgresql":
            async with self._sessions() as session, session.begin():
                if not await session.scalar(select(func.pg_try_advisory_xact_lock(self._lock_id))):
                    return Pass(busy=True)  # another process of this service is relaying
                rows = await self._next_rows(session)
                if not rows:
                    PENDING.set(0)
                    return Pass()
                outcome, failures = await self._send(rows)
                return await self._mark(session, rows, outcome, failures)
        # SQLite (one process): every write transaction holds the database's only write lock,
        # so the rows are read in a read transaction and marked in a short write transaction
        # after the sends, never holding the lock while Kafka answers.
        async with self._sessions() as session:
            await session.connection(execution_options={"sqlite_begin": "DEFERRED"})
            rows = await self._next_rows(session)
            await session.commit()
        if not rows:
            PENDING.set(0)
            return Pass()
        outcome, failures = await self._send(rows)
        async with self._sessions() as session, session.begin():
            return await self._mark(session, rows, outcome, failures)

    async def _send(self, rows: list[_Row]) -> tuple[Outcome, Failures]:
        if self._isolating:
            return await self._send_one_at_a_time(rows)
        return await self._send_all(rows)

    async def _mark(self, session: AsyncSession, rows: list[_Row], outcome: Outcome, failures: Failures) -> Pass:
        crash_point("relay.after_publish")
        sent = [row for row in rows if row.id in outcome and outcome[row.id] is None]
        if sent:
            mark = _MARK_SENT_POSTGRESQL if session.get_bind().dialect.name == "postgresql" else _MARK_SENT
            await session.execute(
                mark.execution_options(synchronize_session=False),
                {"ids": [row.id for row in sent], "sent_at": datetime.now(UTC)},
            )
        parked = await self._record_failures(session, rows, failures)
        per_topic: dict[str, int] = {}
        for row in sent:
            per_topic[row.topic] = per_topic.get(row.topic, 0) + 1
        for topic, count in per_topic.items():  # one counter update per topic, not per row
            PUBLISHED.labels(topic).inc(count)
        PENDING.set(len(rows) - len(sent))
        return Pass(
            sent=len(sent), failed=len(failures), parked=parked, held_back=len(rows) - len(sent) - len(failures)
        )

    async def _next_rows(self, session: AsyncSession) -> list[_Row]:
        found = await session.execute(_NEXT_ROWS, {"limit": self._batch_size})
        return [_Row(*values) for values in found]

    async def _queue(self, row: _Row, topics: dict[str, str]) -> "asyncio.Future[Any]":
        value = row.payload.encode()
        key = row.message_key.encode()
        size = len(value) + len(key)
        if size > self._settings.outbox_max_event_bytes:
            raise RowTooLarge(f"row is {size} bytes; the limit is {self._settings.outbox_max_event_bytes}")
        topic = topics.get(row.topic)
        if topic is None:
            topic = topics[row.topic] = self._settings.topic(row.topic)
        queued: asyncio.Future[Any] = await self._messaging.producer.send(
            topic, value=value, key=key, headers=KAFKA_HEADERS
        )
        return queued

    async def _send_all(self, rows: list[_Row]) -> tuple[Outcome, Failures]:
        """Queues every row (but those of a key that already failed in this pass), then
        awaits every send. Returns the outcome per row id (None: published) and the failures
        with whether they count as the row's own attempt."""
        failed_keys: set[tuple[str, str]] = set()
        failures: Failures = {}
        topics: dict[str, str] = {}
        queued: list[tuple[_Row, asyncio.Future[Any]]] = []
        rebuild = False
        for row in rows:
            key = (row.topic, row.message_key)
            if key in failed_keys:
                continue  # held back behind the failed row of its key
            try:
                queued.append((row, await self._queue(row, topics)))
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused before queueing
                failures[row.id] = (error, _the_rows_own(error))
                failed_keys.add(key)
                if not _retriable(error) and not _the_rows_own(error):
                    rebuild = True  # the producer itself may be broken
        if queued:
            await asyncio.wait([future for _, future in queued], timeout=self._settings.relay_send_timeout_seconds)
        outcome: Outcome = {}
        for row, future in queued:
            key = (row.topic, row.message_key)
            if not future.done():  # broker unreachable: left to the producer; the next pass sends again
                failures[row.id] = (SendTimedOut("not acknowledged in time"), False)
                failed_keys.add(key)
                continue
            if future.cancelled():  # the producer was closed under the send: the next pass sends again
                failures[row.id] = (SendCancelled("the send was cancelled"), False)
                failed_keys.add(key)
                continue
            result = future.exception()
            if isinstance(result, BaseException):
                # A whole Kafka batch fails together, so the culprit is not known yet:
                # not counted as an attempt; the next pass isolates.
                failures[row.id] = (result, False)
                failed_keys.add(key)
                if not _retriable(result):
                    rebuild = True
            elif key in failed_keys:
                log.warning("outbox.published_after_failed_row", event_id=row.event_id, topic=row.topic)
            else:
                outcome[row.id] = None
        if rebuild:
            self._isolating = True
            await self._messaging.restart_producer()
        return outcome, failures

    async def _send_one_at_a_time(self, rows: list[_Row]) -> tuple[Outcome, Failures]:
        """After a non-retriable failure of a batch: each row alone, so a failure is its own."""
        failed_keys: set[tuple[str, str]] = set()
        failures: Failures = {}
        topics: dict[str, str] = {}
        outcome: Outcome = {}
        for row in rows:
            key = (row.topic, row.message_key)
            if key in failed_keys:
                continue
            try:
                future = await self._queue(row, topics)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused before queueing
                failures[row.id] = (error, _the_rows_own(error))
                failed_keys.add(key)
                if not _retriable(error) and not _the_rows_own(error):
                    await self._messaging.restart_producer()
                continue
            done, _ = await asyncio.wait([future], timeout=self._settings.relay_send_timeout_seconds)
            if not done:  # the broker does not answer: the rest waits for the next pass
                failures[row.id] = (SendTimedOut("not acknowledged in time"), False)
                break
            if future.cancelled():  # the producer was closed under the send: the rest waits for the next pass
                failures[row.id] = (SendCancelled("the send was cancelled"), False)
                break
            outcome_error = future.exception()
            if outcome_error is None:
                outcome[row.id] = None
                continue
            failures[row.id] = (outcome_error, not _retriable(outcome_error))
            failed_keys.add(key)
            if not _retriable(outcome_error):
                await self._messaging.restart_producer()
        self._isolating = any(counted for _, counted in failures.values())
        return outcome, failures

    async def _record_failures(self, session: AsyncSession, rows: list[_Row], failures: Failures) -> int:
        parked = 0
        now = datetime.now(UTC)
        for row in rows:
            if row.id not in failures:
                continue
            error, counted = failures[row.id]
            retriable = _retriable(error)
            PUBLISH_FAILURES.labels(row.topic, str(retriable).lower()).inc()
            attempts = row.attempts + (1 if counted else 0)
            park = counted and attempts >= self._settings.relay_max_attempts
            description = f"{type(error).__name__}: {error}"[:2000]
            await session.execute(
                update(OutboxMessage)
                .where(col(OutboxMessage.id) == row.id)
                .execution_options(synchronize_session=False)
                .values(attempts=attempts, last_error=description, failed_at=now if park else None)
            )
            if park:
                parked += 1
                PARKED_TOTAL.labels(row.topic).inc()
                log.error(
                    "outbox.row_parked",
                    event_id=row.event_id,
                    event_type=row.event_type,
                    topic=row.topic,
                    key=row.message_key,
                    attempts=attempts,
                    error=description,
                )
            else:
                log.warning(
                    "outbox.row_not_published",
                    event_id=row.event_id,
                    topic=row.topic,
                    attempts=attempts,
                    error=description,
                )
        return parked

    async def backlog(self) -> Backlog:
        """The age of the oldest unsent, not parked row, and how many rows are parked."""
        async with self._sessions() as session:
            oldest = await session.scalar(
                select(col(OutboxMessage.created_at))
                .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None))
                .order_by(col(OutboxMessage.id))
                .limit(1)
            )
            parked = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_not(None))
            )
        age = None if oldest is None else max(0.0, (datetime.now(UTC) - _utc(oldest)).total_seconds())
        return Backlog(oldest_unsent_age_seconds=age, parked=parked or 0)

    async def report_backlog(self) -> Backlog:
        self._backlog_reported_at = time.monotonic()
        backlog = await self.backlog()
        OLDEST_UNSENT_AGE.set(backlog.oldest_unsent_age_seconds or 0)
        PARKED.set(backlog.parked)
        return backlog
