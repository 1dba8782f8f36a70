"""Events published by order-intake-service on `orders.v1` (key: order_id).

Every order event carries the order's identity in the shop (store, platform, platform order id,
number) so consumers (notifier postbacks, connector tracking) never call back.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from storefront_events.base import Event
from storefront_events.values import Address, CurrencyCode, LineAttribute, Money, Platform, PrintFile, Value

#: Production status of an accepted order.
OrderStatus = Literal[
    "accepted",
    "in_production",
    "printed",
    "packaged",
    "shipped",
    "in_transit",
    "delivered",
    "cancelled",
    "failed",
    "on_hold",
    "returned",
]


class OrderEvent(Event):
    """Fields common to every order event (not an event itself)."""

    order_id: str
    client_id: str
    store_id: str
    platform: Platform
    platform_order_id: str | None = Field(description="Order id on the platform; None for manual orders")
    order_number: str | None = Field(default=None, description="Number shown to the buyer, e.g. '#1001'")
    test: bool = Field(default=False, description="A test order: goes through every step but is never produced")
    client_reference: str | None = Field(default=None, description="The client's own order reference (manual, CSV)")


class ProductionLine(Value):
    """An order line resolved to what to produce."""

    line_id: str
    platform_line_id: str | None = None
    sku: str | None = None
    title: str
    quantity: int = Field(gt=0)
    product_uid: str = Field(description="Catalog product UID")
    print_files: list[PrintFile]
    attributes: list[LineAttribute] = []


class UnresolvedLine(Value):
    """An order line that stops the order: no mapping, no print file, ..."""

    platform_line_id: str | None = None
    platform_product_id: str | None = None
    platform_variant_id: str | None = None
    sku: str | None = None
    title: str
    problem: str = Field(description="unmapped, missing_print_file, ...")


class Shipment(Value):
    """A parcel sent for (part of) an order."""

    carrier: str | None = Field(default=None, description="Carrier name, e.g. 'UPS' (Shopify's list names)")
    tracking_number: str
    tracking_url: str | None = None
    line_ids: list[str] = Field(default=[], description="Lines in the parcel; empty = the whole order")


class OrderAccepted(OrderEvent):
    """Emitted by order-intake-service when an order (shop, manual or CSV) is fully resolved to
    production lines and accepted for production; also after a held order gets resolved."""

    event_type: Literal["order.accepted"] = "order.accepted"
    schema_version: Literal[1] = 1
    source: Literal["shop", "manual", "csv_import"] = "shop"
    currency: CurrencyCode
    total: Money = Field(description="Gross total in order currency")
    shipping_address: Address
    shipping_method: str | None = None
    lines: list[ProductionLine] = Field(min_length=1)


class OrderHeld(OrderEvent):
    """Emitted by order-intake-service when a received order cannot go to production yet (unmapped
    product, missing file, bad address); an OrderAccepted follows once it is resolved."""

    event_type: Literal["order.held"] = "order.held"
    schema_version: Literal[1] = 1
    reason: str = Field(description="unmapped_products, missing_print_files, invalid_address, ...")
    message: str = Field(description="Human-readable explanation")
    unresolved_lines: list[UnresolvedLine] = []


class OrderRejected(OrderEvent):
    """Emitted by order-intake-service when an order is refused for good (invalid, duplicate,
    store or client no longer active, cancelled in the shop before production)."""

    event_type: Literal["order.rejected"] = "order.rejected"
    schema_version: Literal[1] = 1
    reason: str = Field(description="invalid_order, duplicate, store_disconnected, cancelled_in_store, ...")
    message: str


class OrderStatusChanged(OrderEvent):
    """Emitted by order-intake-service each time an accepted order's production status changes
    (operator or production update); shipments carry tracking for the shop and postbacks."""

    event_type: Literal["order.status_changed"] = "order.status_changed"
    schema_version: Literal[1] = 1
    previous_status: OrderStatus | None
    status: OrderStatus
    message: str | None = None
    shipments: list[Shipment] = []
    line_id: str | None = Field(default=None, description="The line the change is about (partial cancellation)")
    cancelled_quantity: int | None = Field(default=None, description="Quantity of line_id cancelled by this change")
    actor: str | None = Field(default=None, description="Who made the change: a user id, 'shop', 'system'")
    actor_name: str | None = Field(
        default=None,
        description="The name (or e-mail) of the user who made the change, as their token gave it then; "
        "None when the shop or the system made it",
    )
