"""The schedule of order polling: every ``order_poll_seconds``, each connected store whose orders
are polled (Etsy) is asked for its new orders."""

from collections.abc import Callable

from connector.handlers.credentials import Connections
from connector.handlers.order_polls import poll_every_store
from service_runtime.background import BackgroundTask


class OrderPolling(BackgroundTask):
    name = "connector-order-polling"

    def __init__(self, connections: Callable[[], Connections], *, every_seconds: float, overlap_seconds: int) -> None:
        super().__init__()
        self._connections = connections
        self._every = every_seconds
        self._overlap = overlap_seconds

    async def run(self) -> None:
        while True:
            await poll_every_store(self._connections(), overlap_seconds=self._overlap)
            await self.sleep(self._every)
