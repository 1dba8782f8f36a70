"""Tracking back to the shop: the consumer of orders.v1 (thin: handler calls only) and the
scheduled job pushing the parcels due, every ``tracking_push_seconds`` and at once when a
parcel is recorded."""

from typing import Any

from connector.handlers import tracking
from service_runtime.background import BackgroundTask
from service_runtime.runtime import Runtime
from storefront_events import ORDERS_V1, OrderAccepted, OrderStatusChanged


class TrackingPushes(BackgroundTask):
    name = "connector-tracking-pushes"

    def __init__(self, deps: tracking.Pushing, *, every_seconds: float) -> None:
        super().__init__()
        self._deps = deps
        self._every = every_seconds

    async def run(self) -> None:
        while True:
            while await tracking.push_due(self._deps):
                pass  # more may be due at once: a long queue is worked through before sleeping
            await self.sleep(self._every)


def register_tracking_consumer(runtime: Runtime, *, clock: Any, job: TrackingPushes) -> None:
    @runtime.events.on(ORDERS_V1, group="connector-service", events=(OrderAccepted, OrderStatusChanged))
    async def on_order_shipped(event: Any, *, uow: Any) -> None:
        """Keeps an accepted order's lines; records each new parcel of a shipped order as a push
        to its shop, done by the push job (never here)."""
        if isinstance(event, OrderAccepted):
            await tracking.keep_order_lines(event, uow=uow)
        elif await tracking.parcels_shipped(event, uow=uow, clock=clock):
            uow.after_commit(job.wake)
