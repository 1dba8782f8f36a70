"""The parts every service's bootstrap builds: database, migrations, Kafka, outbox
relay, event router, token verifier, secret box. Built from settings, never at import;
started and stopped by the API lifespan (or a test)."""

import json
from collections.abc import Sequence

import structlog
from storefront_events import ACCESS_V1

from service_runtime.auth import JwtVerifier
from service_runtime.database import create_engine, ping, session_factory
from service_runtime.event_router import EventRouter
from service_runtime.inbox import AppliedEvent
from service_runtime.messaging import Messaging
from service_runtime.migrations import Migration, create_tables, migrate
from service_runtime.outbox import OutboxMessage
from service_runtime.relay import OutboxRelay
from service_runtime.revocations import ACCESS_CHANGES, REVOCATION_MIGRATIONS, EventFedRevocations, follow_access_change
from service_runtime.secrets import SecretBox
from service_runtime.settings import ServiceSettings
from service_runtime.unit_of_work import Applying, SqlUnitOfWork

log = structlog.get_logger()

RUNTIME_MIGRATIONS = (Migration("runtime-0001-outbox-and-inbox", create_tables(OutboxMessage, AppliedEvent)),)


class Runtime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        migrations: Sequence[Migration],
        unit_of_work: type[SqlUnitOfWork] = SqlUnitOfWork,
        follow_access_revocations: bool = True,
    ) -> None:
        self.settings = settings
        self.engine = create_engine(settings.effective_database_url())
        self.sessions = session_factory(self.engine)
        self.messaging = Messaging(settings)
        self.relay = OutboxRelay(self.engine, self.sessions, self.messaging, settings)
        self.verifier = JwtVerifier(
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            jwks_url=settings.jwks_url,
            jwks=json.loads(settings.jwks_json) if settings.jwks_json else None,
        )
        keys = [k.get_secret_value() for k in settings.secret_keys]
        self.secrets = SecretBox(keys) if keys else None
        self.events = EventRouter(settings, self.messaging, self.uow)
        self._unit_of_work = unit_of_work
        self._migrations = [*RUNTIME_MIGRATIONS, *migrations]
        self._relay_started = False
        self.revocations = None
        if follow_access_revocations:
            self._migrations[len(RUNTIME_MIGRATIONS):len(RUNTIME_MIGRATIONS)] = REVOCATION_MIGRATIONS
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

    async def migrate(self) -> list[str]:
        return await migrate(self.engine, self._migrations)

    async def start(self) -> None:
        await self.migrate()
        self.messaging.include(self.events.router)
        await self.messaging.start_producer()
        if self.settings.relay_enabled:
            self.relay.start()
            self._relay_started = True
        if self.settings.consumers_enabled:
            await self.messaging.start_consumers()
        log.info("service.started", database=self.engine.url.render_as_string(hide_password=True))

    async def stop(self) -> None:
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
        return checks

    async def subscriptions(self) -> dict[str, dict[str, float | int | None]]:
        """Each subscription's lag and seconds since it last made progress (reported, not
        part of readiness)."""
        if not self.settings.consumers_enabled:
            return {}
        return await self.events.progress()
