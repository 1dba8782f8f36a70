"""Publishes outbox rows to Kafka in commit order and marks them sent.

Only one relay per service database publishes at a time (a PostgreSQL advisory lock;
SQLite has one process). Rows are polled by ``sent_at IS NULL``, never by id ranges,
so a row whose id was taken before a later-committed one is never skipped. Rows are
published in id order; if one fails, it and everything after it stay unsent and are
retried, so a key's events never overtake each other. A crash after publishing but
before marking re-publishes: consumers are idempotent. Rows holding a secret lose their
payload in the update that marks them sent."""

import asyncio
from datetime import UTC, datetime

import structlog
from prometheus_client import Counter, Gauge
from sqlalchemy import case, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from storefront_events import KAFKA_HEADERS

from service_runtime.background import BackgroundTask
from service_runtime.faults import crash_point
from service_runtime.messaging import Messaging
from service_runtime.outbox import OutboxMessage
from service_runtime.settings import ServiceSettings

log = structlog.get_logger()

PUBLISHED = Counter("storefronts_outbox_published_total", "Outbox rows published", ["topic"])
PENDING = Gauge("storefronts_outbox_pending", "Outbox rows not yet published")

_LEASE_ID = 7_340_002


class OutboxRelay(BackgroundTask):
    name = "outbox-relay"

    def __init__(
        self,
        engine: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        messaging: Messaging,
        settings: ServiceSettings,
        *,
        batch_size: int = 500,
    ) -> None:
        super().__init__()
        self._engine = engine
        self._sessions = sessions
        self._messaging = messaging
        self._settings = settings
        self._batch_size = batch_size

    async def run(self) -> None:
        if self._engine.dialect.name == "postgresql":
            async with self._engine.connect() as lease:
                while not await lease.scalar(text("SELECT pg_try_advisory_lock(:id)"), {"id": _LEASE_ID}):
                    await asyncio.sleep(2)  # another process of this service is relaying
                await lease.commit()
                await self._loop()
        else:
            await self._loop()

    async def _loop(self) -> None:
        backoff = 0.2
        while True:
            try:
                published = await self.publish_pending()
                backoff = 0.2
            except asyncio.CancelledError:
                raise
            except Exception as error:
                log.warning("outbox.publish_failed", error=str(error), retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10)
                continue
            if published < self._batch_size:
                await self.sleep(self._settings.relay_poll_seconds)

    async def publish_pending(self) -> int:
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None))  # type: ignore[union-attr]
                    .order_by(OutboxMessage.id)
                    .limit(self._batch_size)
                )
            ).scalars().all()
            if not rows:
                PENDING.set(0)
                return 0
            deliveries = [
                await self._messaging.producer.send(
                    self._settings.topic(row.topic),
                    value=row.payload.encode(),
                    key=row.message_key.encode(),
                    headers=KAFKA_HEADERS,
                )
                for row in rows
            ]
            results = await asyncio.gather(*deliveries, return_exceptions=True)
            sent_ids: list[int] = []
            for row, result in zip(rows, results):
                if isinstance(result, BaseException):
                    log.warning("outbox.row_not_published", event_id=row.event_id, error=str(result))
                    break
                sent_ids.append(row.id)  # type: ignore[arg-type]
                PUBLISHED.labels(row.topic).inc()
            crash_point("relay.after_publish")
            if sent_ids:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id.in_(sent_ids))  # type: ignore[union-attr]
                    .values(sent_at=datetime.now(UTC),
                            payload=case((OutboxMessage.holds_secret, ""), else_=OutboxMessage.payload))
                )
                await session.commit()
            PENDING.set(len(rows) - len(sent_ids))
            if len(sent_ids) < len(rows):
                raise RuntimeError(f"{len(rows) - len(sent_ids)} outbox rows not published")
            return len(sent_ids)
