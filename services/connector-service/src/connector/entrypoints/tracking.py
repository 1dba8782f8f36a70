"""Tracking back to the shop: the consumer of orders.v1 (thin: handler calls only) and the
scheduled job pushing the parcels due, every ``tracking_push_seconds`` and at once when a
parcel is recorded or a push ends."""

import asyncio
from typing import Any

import structlog

from connector.handlers import tracking
from service_runtime.background import BackgroundTask
from service_runtime.runtime import Runtime
from storefront_events import ORDERS_V1, OrderAccepted, OrderStatusChanged

log = structlog.get_logger()


class TrackingPushes(BackgroundTask):
    """Keeps up to ``parallel`` pushes in flight, each on its own: a shop that is slow or failing
    holds one slot while it lasts, never the pushes of other orders or stores behind it."""

    name = "connector-tracking-pushes"

    def __init__(self, deps: tracking.Pushing, *, every_seconds: float) -> None:
        super().__init__()
        self._deps = deps
        self._every = every_seconds
        self._running: dict[asyncio.Task[Any], str] = {}  # push in flight → its order

    async def run(self) -> None:
        while True:
            free = self._deps.parallel - len(self._running)
            if free > 0:
                busy = set(self._running.values())
                for push in await tracking.claim_due(self._deps, limit=free, busy_orders=busy):
                    task = asyncio.create_task(tracking.push_one(push, self._deps))
                    self._running[task] = push.order_id
                    task.add_done_callback(self._ended)
            await self.sleep(self._every)

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._running.pop(task, None)
        if not task.cancelled() and (error := task.exception()) is not None:
            # left claimed: tried again when its lease ends
            log.error("tracking.push_crashed", error=repr(error))
        self.wake()

    async def stop(self) -> None:
        await super().stop()
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)


def register_tracking_consumer(runtime: Runtime, *, clock: Any, job: TrackingPushes) -> None:
    @runtime.events.on(ORDERS_V1, group="connector-service", events=(OrderAccepted, OrderStatusChanged), batch=True)
    async def on_order_events(events: list[Any], *, uow: Any) -> None:
        """Keeps accepted orders' lines; records each new parcel of a shipped order as a push to
        its shop, done by the push job (never here). Set-based: every order passes here."""
        if await tracking.record_order_events(events, uow=uow, clock=clock):
            uow.after_commit(job.wake)
