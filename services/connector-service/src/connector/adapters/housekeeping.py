"""The connector's own housekeeping: raw webhook bodies (and their de-duplication keys) past
``webhook_retention_days`` once derived, parked ones past ``parked_webhook_retention_days`` (kept
longer: they wait for a retry), OAuth states past their expiry."""

from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from connector.adapters.db import purge_oauth_states, purge_webhook_deliveries
from connector.settings import ConnectorSettings
from service_runtime.background import BackgroundTask

log = structlog.get_logger()


class ConnectorHousekeeping(BackgroundTask):
    name = "connector-housekeeping"

    def __init__(self, sessions: async_sessionmaker[AsyncSession], settings: ConnectorSettings) -> None:
        super().__init__()
        self._sessions = sessions
        self._settings = settings

    async def run(self) -> None:
        while True:
            await self.purge()
            await self.sleep(self._settings.housekeeping_interval_seconds)

    async def purge(self, *, now: datetime | None = None) -> tuple[int, int]:
        now = now or datetime.now(UTC)
        async with self._sessions() as session:
            deliveries = await purge_webhook_deliveries(
                session,
                before=now - timedelta(days=self._settings.webhook_retention_days),
                parked_before=now - timedelta(days=self._settings.parked_webhook_retention_days),
            )
            states = await purge_oauth_states(session, before=now)
            await session.commit()
        if deliveries or states:
            log.info("connector.housekeeping", webhook_deliveries=deliveries, oauth_states=states)
        return deliveries, states
