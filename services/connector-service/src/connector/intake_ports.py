"""What the WooCommerce and Pressero handlers add to ``ports``: the intake's de-duplication,
Pressero integrations, the read model of clients, the SSRF check of a shop's address."""

from dataclasses import dataclass
from typing import Protocol

from connector.ports import UnitOfWork as StoresUnitOfWork


@dataclass(frozen=True)
class KnownClient:
    id: str
    name: str
    reference_id: str | None
    archived: bool
    version: int | None


@dataclass(frozen=True)
class PresseroIntegration:
    store_id: str
    integration_id: str


class PresseroRepository(Protocol):
    async def of_integration(self, integration_id: str) -> PresseroIntegration | None: ...
    async def of_store(self, store_id: str) -> PresseroIntegration | None: ...
    async def release(self, store_id: str) -> None: ...
    def add(self, integration: PresseroIntegration) -> None: ...


class ClientRepository(Protocol):
    async def get(self, client_id: str, *, for_update: bool = False) -> KnownClient | None: ...
    async def put(self, client: KnownClient) -> None: ...


class UnitOfWork(StoresUnitOfWork, Protocol):
    @property
    def pressero(self) -> PresseroRepository: ...
    @property
    def clients(self) -> ClientRepository: ...


class AddressGuard(Protocol):
    async def check(self, url: str) -> None:
        """Refuses (``InvalidShopUrl``) an address whose host is private, loopback or reserved."""
        ...
