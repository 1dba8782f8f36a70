"""Composition root: settings → runtime (database, Kafka, outbox relay, consumers) plus what
order intake adds: the loop releasing orders whose delay window passed, and the one marking
interrupted the CSV imports a stopped process left running."""

from order_intake.adapters.db import MIGRATIONS, OrderIntakeUnitOfWork
from order_intake.entrypoints.consumers import register_consumers
from order_intake.entrypoints.delayed_release import DelayedRelease
from order_intake.entrypoints.left_imports import LeftImports
from order_intake.settings import OrderIntakeSettings
from service_runtime.runtime import Runtime


class OrderIntakeRuntime(Runtime):
    settings: OrderIntakeSettings

    def __init__(self, settings: OrderIntakeSettings) -> None:
        super().__init__(settings, migrations=MIGRATIONS, unit_of_work=OrderIntakeUnitOfWork)
        self.delayed_release = DelayedRelease(self.uow, every_seconds=settings.delayed_release_seconds)
        self.left_imports = LeftImports(self.uow)
        self._release_started = False

    async def start(self) -> None:
        await super().start()
        self.left_imports.start()
        if self.settings.consumers_enabled:  # a process that applies events also releases orders
            self.delayed_release.start()
            self._release_started = True

    async def stop(self) -> None:
        try:
            await self.left_imports.stop()
            if self._release_started:
                await self.delayed_release.stop()
        finally:
            await super().stop()


def build(settings: OrderIntakeSettings) -> Runtime:
    runtime = OrderIntakeRuntime(settings)
    register_consumers(runtime)
    return runtime
