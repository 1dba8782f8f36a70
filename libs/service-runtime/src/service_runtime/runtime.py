"""The parts every service's bootstrap builds: database, migrations, Kafka, outbox
relay, housekeeping, event router, token verifier, secret box. Built from settings, never at import;
started and stopped by the API lifespan (or a test)."""

import json
import time
from typing import Any

import structlog

from service_runtime.auth import JwtVerifier
from service_runtime.database import create_engine, ping, session_factory
from service_runtime.event_router import EventRouter
from service_runtime.housekeeping import Housekeeping
from service_runtime.messaging import Messaging
from service_runtime.migrations import Migrations, upgrade
from service_runtime.outbox import MAX_EVENT_BYTES_KEY
from service_runtime.relay import OutboxRelay
from service_runtime.revocations import ACCESS_CHANGES, EventFedRevocations, follow_access_change
from service_runtime.secrets import SecretBox
from service_runtime.settings import ServiceSettings
from service_runtime.unit_of_work import Applying, SqlUnitOfWork
from storefront_events import ACCESS_V1

log = structlog.get_logger()


class Runtime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        migrations: Migrations,
        unit_of_work: type[SqlUnitOfWork] = SqlUnitOfWork,
        follow_access_revocations: bool = True,
    ) -> None:
        self.settings = settings
        self.engine = create_engine(settings.effective_database_url(), pre_ping=settings.database_pre_ping)
        self.sessions = session_factory(self.engine)
        self.sessions.configure(info={MAX_EVENT_BYTES_KEY: settings.outbox_max_event_bytes})
        self.messaging = Messaging(settings)
        self.relay = OutboxRelay(self.engine, self.sessions, self.messaging, settings)
        self.housekeeping = Housekeeping(self.sessions, settings)
        self.verifier = JwtVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            jwks_url=settings.jwks_url,
            jwks=json.loads(settings.jwks_json) if settings.jwks_json else None,
            ttl=settings.jwks_ttl_seconds,
            refetch_after=settings.jwks_refetch_seconds,
        )
        keys = [k.get_secret_value() for k in settings.secret_keys]
        self.secrets = SecretBox(keys) if keys else None
        self.events = EventRouter(settings, self.messaging, self.uow)
        self._unit_of_work = unit_of_work
        self.migrations = migrations
        self.metadata = migrations.metadata(revocations=follow_access_revocations)
        self._relay_started = False
        self._housekeeping_started = False
        self.revocations = None
        if follow_access_revocations:
            self.revocations = EventFedRevocations(self.sessions)
            self.events.on(ACCESS_V1, group=f"{settings.service_name}.revocations", events=ACCESS_CHANGES)(
                follow_access_change
            )

    def uow(self, applying: Applying | None = None) -> SqlUnitOfWork:
        return self._unit_of_work(
            self.sessions,
            source=f"/{self.settings.service_name}",
            on_commit=self.relay.wake,
            applying=applying,
        )

    async def migrate(self) -> None:
        """Upgrades the service's database to the head of its Alembic history."""
        await upgrade(self.engine, self.migrations, self.metadata, service=self.settings.service_name)

    async def start(self) -> None:
        self.settings.require_secret_keys()
        await self.migrate()
        self.messaging.include(self.events.router)
        await self.messaging.start_producer()
        if self.settings.relay_enabled:
            self.relay.start()
            self._relay_started = True
        if self.settings.housekeeping_enabled:
            self.housekeeping.start()
            self._housekeeping_started = True
        if self.settings.consumers_enabled:
            await self.messaging.start_consumers()
        log.info("service.started", database=self.engine.url.render_as_string(hide_password=True))

    async def stop(self) -> None:
        if self._housekeeping_started:
            await self.housekeeping.stop()
        if self._relay_started:
            await self.relay.stop()
        await self.messaging.stop()
        await self.engine.dispose()

    async def ready(self) -> dict[str, bool]:
        try:
            await ping(self.engine)
            database = True
        except Exception:
            database = False
        checks = {"database": database, "kafka": await self.messaging.ready()}
        if self.settings.consumers_enabled and self.events.subscribed:
            checks["consumers"] = self.messaging.consumers_alive()
        if self.settings.relay_enabled:
            checks["relay"] = self.relay.alive()
        return checks

    async def relay_status(self) -> dict[str, Any]:
        """What /readyz shows of the relay: alive, seconds since its last completed pass,
        the age of the oldest unsent row (parked ones aside) and how many rows are parked."""
        status: dict[str, Any] = {"enabled": self.settings.relay_enabled, "alive": self.relay.alive()}
        last = self.relay.last_pass_at
        status["seconds_since_last_pass"] = None if last is None else round(time.monotonic() - last, 3)
        try:
            backlog = await self.relay.report_backlog()
        except Exception as error:  # database down: the database check says so
            log.warning("relay.backlog_unavailable", error=repr(error))
            status["oldest_unsent_age_seconds"] = None
            status["parked"] = None
            return status
        status["oldest_unsent_age_seconds"] = backlog.oldest_unsent_age_seconds
        status["parked"] = backlog.parked
        return status

    async def subscriptions(self) -> dict[str, dict[str, float | int | None]]:
        """Each subscription's lag and seconds since it last made progress (reported, not
        part of readiness)."""
        if not self.settings.consumers_enabled:
            return {}
        return await self.events.progress()

    def partitions(self) -> dict[str, list[int]]:
        """The partitions each subscription's consumers hold in this process (reported, not
        part of readiness): with several processes in a group, each holds its share."""
        if not self.settings.consumers_enabled:
            return {}
        return self.events.partitions()
