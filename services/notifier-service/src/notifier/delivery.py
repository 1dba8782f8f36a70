"""The background task that sends queued emails: woken when one is queued, and every
``sweep_seconds`` for retries and for emails a crash left pending."""

import asyncio
from collections.abc import Callable

import structlog

from notifier import handlers
from notifier.domain import RetryPolicy
from notifier.ports import Clock, Mailer
from service_runtime.background import BackgroundTask

log = structlog.get_logger()


class EmailDelivery(BackgroundTask):
    name = "email-delivery"

    def __init__(
        self,
        uow_factory: Callable[[], object],
        mailer: Mailer,
        clock: Clock,
        *,
        policy: RetryPolicy,
        sweep_seconds: float,
    ) -> None:
        super().__init__()
        self._uow_factory = uow_factory
        self._mailer = mailer
        self._clock = clock
        self._policy = policy
        self._sweep_seconds = sweep_seconds

    async def send_due(self) -> int:
        return await handlers.send_due_emails(
            uow=self._uow_factory(), mailer=self._mailer, clock=self._clock, policy=self._policy
        )

    async def run(self) -> None:
        while True:
            try:
                await self.send_due()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # database down: the emails stay pending, the next pass retries
                log.warning("email.delivery_pass_failed", error=repr(error))
            await self.sleep(self._sweep_seconds)
