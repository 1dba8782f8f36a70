"""What tracking back to the shop adds to ``ports``: the shipment pushes kept, and what a
platform adapter adds to push tracking and read it back."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from connector.domain.tracking import ShipmentPush
from connector.ports import Fulfillment, ShopConnection
from connector.ports import UnitOfWork as StoresUnitOfWork


class ShipmentPushes(Protocol):
    async def add_new(self, push: ShipmentPush) -> bool:
        """False when the order already has a push for that tracking number."""
        ...

    async def get(self, order_id: str, tracking_number: str, *, for_update: bool = False) -> ShipmentPush | None: ...
    async def due(self, now: datetime, *, limit: int, excluding_orders: Collection[str] = ()) -> list[ShipmentPush]:
        """Pending pushes whose time has come, oldest first (none of ``excluding_orders``)."""
        ...

    async def save(self, push: ShipmentPush) -> None: ...
    async def of_order(self, store_id: str, platform_order_id: str) -> list[ShipmentPush]: ...
    async def keep_lines(self, lines_by_order: Mapping[str, Mapping[str, str | None]]) -> None:
        """Each order's lines (order intake's line id → the platform's), replacing what was kept."""
        ...

    async def platform_lines(self, order_id: str, line_ids: Sequence[str]) -> list[str] | None: ...


class UnitOfWork(StoresUnitOfWork, Protocol):
    @property
    def shipment_pushes(self) -> ShipmentPushes: ...


@dataclass(frozen=True)
class ShopTracking:
    """A tracking number the shop shows on an order."""

    tracking_number: str
    carrier: str | None = None


@runtime_checkable
class TrackingPlatform(Protocol):
    """Platforms that take tracking back (Shopify, WooCommerce, Etsy). ``push_fulfillment`` adds
    the parcel unless ``tracking_shown`` already lists its number (an attempt cut short after the
    platform took it is not doubled)."""

    async def push_fulfillment(self, connection: ShopConnection, fulfillment: Fulfillment) -> None: ...

    async def tracking_shown(self, connection: ShopConnection, platform_order_id: str) -> list[ShopTracking]:
        """The tracking numbers the shop shows on the order now (read back to confirm a push)."""
        ...
