from datetime import datetime
from typing import Protocol

from client.domain import Client
from service_runtime.ports import UnitOfWork as RuntimeUnitOfWork


class ClientRepository(Protocol):
    async def get(self, client_id: str, *, for_update: bool = False) -> Client | None: ...
    async def reference_taken(self, reference_id: str, *, other_than: str | None = None) -> bool: ...
    def add(self, client: Client) -> None: ...
    async def save(self, client: Client) -> None: ...
    async def search(
        self, *, text: str | None, status: str, after: tuple[str, str] | None, limit: int
    ) -> list[Client]: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class UnitOfWork(RuntimeUnitOfWork, Protocol):
    """What client's handlers use: one transaction over the clients and the outbox."""

    @property
    def clients(self) -> ClientRepository: ...
