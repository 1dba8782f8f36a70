"""The background task that sends queued emails: woken when one is queued, and every
``sweep_seconds`` for retries and for emails a crash left pending."""

import asyncio
from collections.abc import Callable

import structlog

from notifier import handlers
from notifier.domain import RetryPolicy
from notifier.ports import Clock, Mailer

log = structlog.get_logger()


class EmailDelivery:
    def __init__(self, uow_factory: Callable[[], object], mailer: Mailer, clock: Clock, *, policy: RetryPolicy,
                 sweep_seconds: float) -> None:
        self._uow_factory = uow_factory
        self._mailer = mailer
        self._clock = clock
        self._policy = policy
        self._sweep_seconds = sweep_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="email-delivery")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def send_due(self) -> int:
        return await handlers.send_due_emails(uow=self._uow_factory(), mailer=self._mailer, clock=self._clock,
                                              policy=self._policy)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.send_due()
            except asyncio.CancelledError:
                raise
            except Exception as error:  # database down: the emails stay pending, the next pass retries
                log.warning("email.delivery_pass_failed", error=repr(error))
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._sweep_seconds)
            except TimeoutError:
                pass
