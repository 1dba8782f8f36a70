"""Composition root: settings → runtime (database, Kafka, outbox relay) + email delivery."""

from notifier.adapters.clock import SystemClock
from notifier.adapters.db import MIGRATIONS, NotifierUnitOfWork
from notifier.adapters.smtp import SmtpMailer
from notifier.delivery import EmailDelivery
from notifier.domain import RetryPolicy
from notifier.entrypoints.consumers import register_consumers
from notifier.ports import Clock, Mailer
from notifier.settings import NotifierSettings
from service_runtime.runtime import Runtime


class NotifierRuntime(Runtime):
    """The shared runtime plus the email delivery task, started after it and stopped before it."""

    def __init__(self, settings: NotifierSettings, *, mailer: Mailer, clock: Clock) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=NotifierUnitOfWork)
        self.clock = clock
        self.delivery = EmailDelivery(
            self.uow, mailer, clock,
            policy=RetryPolicy(settings.retry_base_seconds, settings.retry_max_seconds,
                               settings.permanent_failure_attempts),
            sweep_seconds=settings.sweep_seconds,
        )
        self._delivery_enabled = settings.delivery_enabled

    async def start(self) -> None:
        await super().start()
        if self._delivery_enabled:
            self.delivery.start()

    async def stop(self) -> None:
        await self.delivery.stop()
        await super().stop()


def build(settings: NotifierSettings, *, mailer: Mailer | None = None, clock: Clock | None = None) -> NotifierRuntime:
    runtime = NotifierRuntime(settings, mailer=mailer or SmtpMailer(settings), clock=clock or SystemClock())
    register_consumers(runtime)
    return runtime
