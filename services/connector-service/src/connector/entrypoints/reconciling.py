"""The schedule of reconciliation: every ``reconcile_seconds``, each connected store's recent
orders are fetched again (orders its webhooks missed are recovered)."""

from collections.abc import Callable

from connector.handlers.credentials import Connections
from connector.handlers.reconciliation import reconcile_every_store
from service_runtime.background import BackgroundTask


class Reconciling(BackgroundTask):
    name = "connector-reconciliation"

    def __init__(
        self,
        connections: Callable[[], Connections],
        *,
        every_seconds: float,
        lookback_seconds: int,
        poll_overlap_seconds: int,
    ) -> None:
        super().__init__()
        self._connections = connections
        self._every = every_seconds
        self._lookback = lookback_seconds
        self._overlap = poll_overlap_seconds

    async def run(self) -> None:
        while True:
            await self.sleep(self._every)  # the first pass after one period: the webhooks had their chance
            await reconcile_every_store(
                self._connections(), lookback_seconds=self._lookback, poll_overlap_seconds=self._overlap
            )
