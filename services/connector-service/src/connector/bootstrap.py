"""Composition root: settings → runtime (database, Kafka, outbox relay) and the connector's
own parts (platform adapters, credentials vault, housekeeping, product syncs)."""

from connector.adapters.clock import SystemClock
from connector.adapters.db import MIGRATIONS, ConnectorUnitOfWork
from connector.adapters.housekeeping import ConnectorHousekeeping
from connector.adapters.platforms import PlatformAdapters, load_platforms
from connector.adapters.sync_runner import SyncRunner
from connector.adapters.vault import SecretBoxVault
from connector.entrypoints.consumers import register_consumers
from connector.settings import ConnectorSettings
from service_runtime.runtime import Runtime
from service_runtime.secrets import SecretBox


class ConnectorRuntime(Runtime):
    def __init__(self, settings: ConnectorSettings) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=ConnectorUnitOfWork)
        self.connector_settings = settings
        self.platforms: PlatformAdapters = load_platforms(settings)
        # development without keys: a key for this process only (sealed credentials do not survive a restart)
        self.vault = SecretBoxVault(self.secrets or SecretBox([SecretBox.generate_key()]))
        self.clock = SystemClock()
        self.connector_housekeeping = ConnectorHousekeeping(self.sessions, settings)
        self.syncs = SyncRunner(
            self,
            platforms=self.platforms,
            vault=self.vault,
            clock=self.clock,
            batch_size=settings.sync_batch_products,
            batch_bytes=settings.outbox_max_event_bytes // 2,  # the envelope and some margin
        )
        register_consumers(self)

    def connector_uow(self) -> ConnectorUnitOfWork:
        """``uow()`` typed as the connector's (``ports.UnitOfWork``)."""
        uow = self.uow()
        assert isinstance(uow, ConnectorUnitOfWork)
        return uow

    async def start(self) -> None:
        await super().start()
        await self.syncs.interrupt_left_over()
        if self.settings.housekeeping_enabled:
            self.connector_housekeeping.start()

    async def stop(self) -> None:
        await self.syncs.stop()
        await self.connector_housekeeping.stop()
        await super().stop()


def build(settings: ConnectorSettings) -> ConnectorRuntime:
    return ConnectorRuntime(settings)
