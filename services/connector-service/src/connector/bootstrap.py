"""Composition root: settings → runtime (database, Kafka, outbox relay) and the connector's
own parts (platform adapters, credentials vault, housekeeping, product syncs)."""

from typing import Any, cast

from connector.adapters.clock import SystemClock
from connector.adapters.db import MIGRATIONS, ConnectorUnitOfWork
from connector.adapters.housekeeping import ConnectorHousekeeping
from connector.adapters.platforms import PlatformAdapters, load_platforms
from connector.adapters.sync_runner import SyncRunner
from connector.adapters.vault import SecretBoxVault
from connector.adapters.webhook_writes import AutocommitDeliveries
from connector.entrypoints.connection_checking import ConnectionChecking
from connector.entrypoints.consumers import register_consumers
from connector.entrypoints.order_polling import OrderPolling
from connector.entrypoints.publishing_consumers import register_publishing
from connector.entrypoints.reconciling import Reconciling
from connector.entrypoints.tracking import TrackingPushes, register_tracking_consumer
from connector.entrypoints.webhook_deriving import WebhookDeriving
from connector.handlers.credentials import Connections
from connector.handlers.install import Addresses
from connector.handlers.tracking import Pushing
from connector.handlers.webhook_deriving import Derivation, derive_pending
from connector.handlers.webhook_groups import WebhookGroups
from connector.handlers.webhook_stores import WebhookStores
from connector.ports import UnitOfWork
from connector.settings import ConnectorSettings
from connector.tracking_ports import UnitOfWork as TrackingUnitOfWork
from service_runtime.runtime import Runtime
from service_runtime.secrets import SecretBox
from service_runtime.unit_of_work import Applying, SqlUnitOfWork


class ConnectorRuntime(Runtime):
    def __init__(self, settings: ConnectorSettings) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=ConnectorUnitOfWork)
        self.connector_settings = settings
        self.platforms: PlatformAdapters = load_platforms(settings)
        # development without keys: a key for this process only (sealed credentials do not survive a restart)
        self.vault = SecretBoxVault(self.secrets or SecretBox([SecretBox.generate_key()]))
        self.clock = SystemClock()
        self.webhook_stores = WebhookStores(settings.webhook_store_cache_seconds)
        self.webhook_deriving = WebhookDeriving(
            self._derive,
            batch_size=settings.webhook_derive_batch_size,
            poll_seconds=settings.webhook_derive_poll_seconds,
            gather_seconds=settings.webhook_derive_gather_seconds,
            products_to_sync=lambda store_id, products: self.syncs.start_products(store_id, products),
        )
        self.webhook_groups = (
            WebhookGroups(
                lambda: cast(UnitOfWork, self.uow()),
                writers=settings.webhook_group_writers,
                stored=self.webhook_deriving.wake,
                write=AutocommitDeliveries(self.engine).record_many
                if self.engine.dialect.name == "postgresql"
                else None,
            )
            if settings.webhook_group_writers > 0
            else None
        )
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
        self.tracking_pushes = TrackingPushes(
            Pushing(
                uow=lambda: cast(TrackingUnitOfWork, self.uow()),
                connections=self.connections,
                platforms=self.platforms,
                clock=self.clock,
                first_retry_seconds=settings.tracking_retry_seconds,
            ),
            every_seconds=settings.tracking_push_seconds,
        )
        register_tracking_consumer(self, clock=self.clock, job=self.tracking_pushes)
        register_publishing(self, connections=self.connections, clock=self.clock)
        self.order_polling = OrderPolling(
            self.connections,
            every_seconds=settings.order_poll_seconds,
            overlap_seconds=settings.order_poll_overlap_seconds,
        )
        self.reconciling = Reconciling(
            self.connections,
            every_seconds=settings.reconcile_seconds,
            lookback_seconds=settings.reconcile_lookback_seconds,
            poll_overlap_seconds=settings.order_poll_overlap_seconds,
        )
        self.connection_checking = ConnectionChecking(
            self.connections,
            every_seconds=settings.connection_check_seconds,
            addresses=Addresses(settings.public_base_url),
        )

    def uow(self, applying: Applying | None = None) -> SqlUnitOfWork:
        """Every unit of work tells the webhooks' store cache which stores it changes."""
        uow = super().uow(applying)
        if isinstance(uow, ConnectorUnitOfWork):
            uow.on_store_change(self.webhook_stores.forget)
        return uow

    async def _derive(self, limit: int, **options: Any) -> Derivation:
        """One batch of the deriving stage, on a unit of work of its own."""
        return await derive_pending(
            uow=cast(UnitOfWork, self.uow()),
            platforms=self.platforms,
            vault=self.vault,
            clock=self.clock,
            known=self.webhook_stores,
            limit=limit,
            **options,
        )

    def connector_uow(self) -> ConnectorUnitOfWork:
        """``uow()`` typed as the connector's (``ports.UnitOfWork``)."""
        uow = self.uow()
        assert isinstance(uow, ConnectorUnitOfWork)
        return uow

    def connections(self) -> Connections:
        """What opening a store's connection needs, with a unit of work of its own."""
        return Connections(
            uow=cast(UnitOfWork, self.uow()),  # a ConnectorUnitOfWork: the connector's repositories
            vault=self.vault,
            platforms=self.platforms,
            clock=self.clock,
            refresh_margin_seconds=self.connector_settings.etsy_token_refresh_margin_seconds,
        )

    async def start(self) -> None:
        await super().start()
        await self.syncs.interrupt_left_over()
        self.syncs.start()
        if self.connector_settings.webhook_deriving_enabled:
            self.webhook_deriving.start()
        if self.settings.housekeeping_enabled:
            self.connector_housekeeping.start()
        if self.connector_settings.order_poll_seconds > 0:
            self.order_polling.start()
        if self.connector_settings.tracking_push_seconds > 0:
            self.tracking_pushes.start()
        if self.connector_settings.reconcile_seconds > 0:
            self.reconciling.start()
        if self.connector_settings.connection_check_seconds > 0:
            self.connection_checking.start()

    async def stop(self) -> None:
        if self.webhook_groups is not None:
            await self.webhook_groups.stop()
        await self.webhook_deriving.stop()
        await self.syncs.stop()
        await self.connector_housekeeping.stop()
        await self.order_polling.stop()
        await self.tracking_pushes.stop()
        await self.reconciling.stop()
        await self.connection_checking.stop()
        await super().stop()


def build(settings: ConnectorSettings) -> ConnectorRuntime:
    return ConnectorRuntime(settings)
