"""The loop that sends held orders to production once their client's delay window has passed."""

from collections.abc import Callable
from typing import Any

import structlog

from order_intake.handlers.orders import release_due
from service_runtime.background import BackgroundTask

log = structlog.get_logger()


class DelayedRelease(BackgroundTask):
    name = "order-intake-delayed-release"

    def __init__(self, new_uow: Callable[[], Any], *, every_seconds: float) -> None:
        super().__init__()
        self.new_uow = new_uow
        self.every_seconds = every_seconds

    async def run(self) -> None:
        while True:
            looked_at = await release_due(uow=self.new_uow())
            if looked_at:
                log.info("orders.delay_passed", orders=looked_at)
                continue  # more may be due
            await self.sleep(self.every_seconds)
