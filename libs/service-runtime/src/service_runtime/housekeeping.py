"""Deletes what a long-running service no longer needs: outbox rows sent longer ago than
``outbox_retention_days`` and inbox rows (``applied_events``) older than
``inbox_retention_days``. Parked outbox rows (never sent) are kept. Runs every
``housekeeping_interval_seconds``."""

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from prometheus_client import Counter
from sqlalchemy import CursorResult, Result, delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from service_runtime.background import BackgroundTask
from service_runtime.inbox import AppliedEvent
from service_runtime.outbox import OutboxMessage
from service_runtime.settings import ServiceSettings

log = structlog.get_logger()

PURGED = Counter("storefronts_housekeeping_purged_total", "Rows deleted by housekeeping", ["table"])


@dataclass(frozen=True)
class Purged:
    outbox: int
    inbox: int


class Housekeeping(BackgroundTask):
    name = "housekeeping"

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: ServiceSettings) -> None:
        super().__init__()
        self._sessions = sessions
        self._settings = settings

    async def purge(self, *, now: datetime | None = None) -> Purged:
        now = now or datetime.now(UTC)
        sent_before = now - timedelta(days=self._settings.outbox_retention_days)
        applied_before = now - timedelta(days=self._settings.inbox_retention_days)
        async with self._sessions() as session, session.begin():
            outbox = await session.execute(delete(OutboxMessage).where(col(OutboxMessage.sent_at) < sent_before))
            inbox = await session.execute(delete(AppliedEvent).where(col(AppliedEvent.applied_at) < applied_before))
        purged = Purged(outbox=_deleted(outbox), inbox=_deleted(inbox))
        PURGED.labels("outbox_messages").inc(purged.outbox)
        PURGED.labels("applied_events").inc(purged.inbox)
        if purged.outbox or purged.inbox:
            log.info("housekeeping.purged", outbox_messages=purged.outbox, applied_events=purged.inbox)
        return purged

    async def run(self) -> None:
        while True:
            try:
                await self.purge()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # database down: the next round purges
                log.warning("housekeeping.failed", error=repr(error))
            await self.sleep(self._settings.housekeeping_interval_seconds)


def _deleted(result: Result[Any]) -> int:
    """Rows a DELETE removed (``execute`` types its result as a plain ``Result``)."""
    return result.rowcount if isinstance(result, CursorResult) and result.rowcount else 0
