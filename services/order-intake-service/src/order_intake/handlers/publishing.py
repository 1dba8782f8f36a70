"""The events an order's changes publish on orders.v1: OrderAccepted carries the production
order, OrderHeld the reasons, OrderStatusChanged every other change. Each carries the
order's sequence number as its aggregate version."""

from collections.abc import Iterable
from dataclasses import fields
from decimal import Decimal
from typing import Any, cast

from order_intake.domain.addresses import Address
from order_intake.domain.orders import Change, Order
from order_intake.ports import UnitOfWork
from storefront_events import (
    OrderAccepted,
    OrderHeld,
    OrderStatus,
    OrderStatusChanged,
    Shipment,
)
from storefront_events.base import Event

_ADDRESS_FIELDS = tuple(f.name for f in fields(Address))


def _common(order: Order, change: Change) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "client_id": order.client_id,
        "store_id": order.store_id,
        "platform": order.platform,
        "platform_order_id": order.platform_order_id,
        "order_number": order.order_number,
        "client_reference": order.client_reference,
        "test": order.test,
        "aggregate_version": change.sequence,
        "occurred_at": change.at,
    }


def _shipment(shipment: Any) -> Shipment:
    return Shipment(
        carrier=shipment.carrier,
        tracking_number=shipment.tracking_number,
        tracking_url=shipment.tracking_url,
        line_ids=list(shipment.line_ids),
    )


def accepted(order: Order, change: Change) -> OrderAccepted:
    """Validated as one nested dict: one call into pydantic-core for the event, its address and
    lines, where a model built per line, file and attribute costs a call each (a third more
    per order on the hot path)."""
    return OrderAccepted.model_validate(
        {
            **_common(order, change),
            "source": order.source,
            "currency": order.currency,
            "total": Decimal(order.total or 0),  # required by the event: an order without prices says 0 here
            "shipping_address": {name: getattr(order.shipping_address, name) for name in _ADDRESS_FIELDS},
            "shipping_method": order.shipping_method,
            "lines": [
                {
                    "line_id": line.line_id,
                    "platform_line_id": line.platform_line_id,
                    "sku": line.sku,
                    "title": line.title,
                    "quantity": line.open_quantity,
                    "product_uid": line.product_uid or "",
                    "print_files": [{"type": f.type, "url": f.url} for f in line.print_files],
                    "attributes": [{"name": n, "value": v} for n, v in line.attributes],
                }
                for line in order.lines
                if line.open_quantity > 0
            ],
        }
    )


def held(order: Order, change: Change) -> OrderHeld:
    return OrderHeld.model_validate(
        {
            **_common(order, change),
            "reason": order.holds[0].reason if order.holds else "on_hold",
            "message": "; ".join(h.message for h in order.holds) or (change.reason or "on hold"),
            "unresolved_lines": [
                {
                    "platform_line_id": line.platform_line_id,
                    "platform_product_id": line.platform_product_id,
                    "platform_variant_id": line.platform_variant_id,
                    "sku": line.sku,
                    "title": line.title,
                    "problem": line.problem or "unmapped",
                }
                for line in order.unresolved_lines
            ],
        }
    )


def status_changed(order: Order, change: Change) -> OrderStatusChanged:
    return OrderStatusChanged(
        **_common(order, change),
        previous_status=cast(OrderStatus, change.from_status) if change.from_status != "received" else None,
        status=cast(OrderStatus, change.to_status),
        message=change.reason,
        shipments=[_shipment(s) for s in order.shipments] if change.shipment else [],
        line_id=change.line_id,
        cancelled_quantity=change.cancelled_quantity,
        actor=change.actor,
        actor_name=change.actor_name,
    )


def events_of(order: Order, changes: Iterable[Change]) -> list[Event]:
    """The event of each change (none for the bare 'received': its outcome follows at once).
    OrderAccepted is published for the last state only, so it carries the lines as they are."""
    events: list[Event] = []
    for change in changes:
        if change.to_status == "received":
            continue
        if change.to_status == "accepted" and change.from_status != "accepted":
            events.append(accepted(order, change))
        elif change.to_status == "on_hold" and change.from_status != "on_hold":
            events.append(held(order, change))
        else:
            events.append(status_changed(order, change))
    return events


async def keep_changes(orders: Iterable[Order], *, uow: UnitOfWork) -> None:
    """Every change of these orders goes into their history (one bulk insert) and out as events."""
    changes: list[Change] = []
    for order in orders:
        for event in events_of(order, order.changes):
            uow.outbox.add(event)
        changes.extend(order.changes)
        order.changes = []
    await uow.orders.keep_history(changes)
