"""Composition root: settings → runtime (database, Kafka, outbox relay, consumers) plus what
order intake adds: the loop releasing orders whose delay window passed."""

import gc
from typing import cast

from order_intake.adapters.db import MIGRATIONS, OrderIntakeUnitOfWork
from order_intake.entrypoints.consumers import register_consumers
from order_intake.entrypoints.delayed_release import DelayedRelease
from order_intake.handlers.manual import interrupt_left_imports
from order_intake.settings import OrderIntakeSettings
from service_runtime.runtime import Runtime


class OrderIntakeRuntime(Runtime):
    settings: OrderIntakeSettings

    def __init__(self, settings: OrderIntakeSettings) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=OrderIntakeUnitOfWork)
        self.delayed_release = DelayedRelease(self.uow, every_seconds=settings.delayed_release_seconds)
        self._release_started = False

    async def start(self) -> None:
        await super().start()
        await interrupt_left_imports(
            uow=cast(OrderIntakeUnitOfWork, self.uow())
        )  # one process serves imports: none of them runs now
        if self.settings.consumers_enabled:  # a process that applies events also releases orders
            self.delayed_release.start()
            self._release_started = True
        settle_heap()

    async def stop(self) -> None:
        try:
            if self._release_started:
                await self.delayed_release.stop()
        finally:
            await super().stop()


def settle_heap() -> None:
    """What is alive once the service has started (modules, models, schemas, the app) lives as
    long as the process: it leaves the cyclic collector's generations, so its full collections
    scan what batches allocate rather than everything (they cost ~40 % of the intake's CPU per
    order, bench/intake.py)."""
    gc.collect()
    gc.freeze()


def build(settings: OrderIntakeSettings) -> Runtime:
    runtime = OrderIntakeRuntime(settings)
    register_consumers(runtime)
    return runtime
