"""The loop that marks interrupted the CSV imports a stopped process left running, in every
process of the service: at start and every half minute, so a crash is known within a minute or
two even when no process restarts, and never for an import another process is running."""

from collections.abc import Callable
from typing import Any

from order_intake.handlers.manual import interrupt_left_imports
from service_runtime.background import BackgroundTask


class LeftImports(BackgroundTask):
    name = "order-intake-left-imports"

    def __init__(self, new_uow: Callable[[], Any], *, every_seconds: float = 30.0) -> None:
        super().__init__()
        self.new_uow = new_uow
        self.every_seconds = every_seconds

    async def run(self) -> None:
        while True:
            await interrupt_left_imports(uow=self.new_uow())
            await self.sleep(self.every_seconds)
