"""The schedule of connection repair: every ``connection_check_seconds``, each connected store's
credentials and webhook subscriptions are checked with its platform (see handlers/connection_repair.py)."""

from collections.abc import Callable

from connector.handlers.connection_repair import check_every_store
from connector.handlers.credentials import Connections
from connector.handlers.install import Addresses
from service_runtime.background import BackgroundTask


class ConnectionChecking(BackgroundTask):
    name = "connector-connection-checks"

    def __init__(self, connections: Callable[[], Connections], *, every_seconds: float, addresses: Addresses) -> None:
        super().__init__()
        self._connections = connections
        self._every = every_seconds
        self._addresses = addresses

    async def run(self) -> None:
        while True:
            await self.sleep(self._every)
            await check_every_store(self._connections(), addresses=self._addresses)
