"""The events an order's changes publish on orders.v1: OrderAccepted carries the production
order, OrderHeld the reasons, OrderStatusChanged every other change. Each carries the
order's sequence number as its aggregate version."""

from collections.abc import Iterable
from dataclasses import fields
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import uuid4

from pydantic import BaseModel

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
from storefront_events.orders import ProductionLine
from storefront_events.values import Address as EventAddress
from storefront_events.values import LineAttribute, PrintFile

ModelT = TypeVar("ModelT", bound=BaseModel)

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


def _built(cls: type[ModelT], values: dict[str, Any]) -> ModelT:
    """The model of values that are valid already, given for every field in the model's order
    (its serializer writes them in that order): what ``model_validate`` would build, without
    validating again (as ``storefront_events.decode`` builds a consumed event)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


_ACCEPTED_TYPE = OrderAccepted.model_fields["event_type"].default
_ACCEPTED_VERSION = OrderAccepted.model_fields["schema_version"].default


def accepted_from_shop(order: Order, change: Change) -> OrderAccepted:
    """``accepted`` for an order just received from a shop, whose every value was validated as
    its OrderReceived (the same types as OrderAccepted's: address, currency, lines, attributes)
    or its lines' ProductMapped (product, print files): built without validating them again,
    which was a third of this event's cost on the hot path. The same event, field for field
    (tests/unit/test_publishing.py)."""
    address = order.shipping_address
    return _built(
        OrderAccepted,
        {
            "event_id": uuid4(),
            "occurred_at": change.at,
            "correlation_id": None,
            "aggregate_version": change.sequence,
            "order_id": order.id,
            "client_id": order.client_id,
            "store_id": order.store_id,
            "platform": order.platform,
            "platform_order_id": order.platform_order_id,
            "order_number": order.order_number,
            "test": order.test,
            "client_reference": order.client_reference,
            "event_type": _ACCEPTED_TYPE,
            "schema_version": _ACCEPTED_VERSION,
            "source": order.source,
            "currency": order.currency,
            "total": Decimal(order.total or 0),
            "shipping_address": _built(
                EventAddress,
                {
                    "first_name": address.first_name,
                    "last_name": address.last_name,
                    "company": address.company,
                    "address1": address.address1,
                    "address2": address.address2,
                    "city": address.city,
                    "state": address.state,
                    "postcode": address.postcode,
                    "country_code": address.country_code,
                    "email": address.email,
                    "phone": address.phone,
                },
            ),
            "shipping_method": order.shipping_method,
            "lines": [
                _built(
                    ProductionLine,
                    {
                        "line_id": line.line_id,
                        "platform_line_id": line.platform_line_id,
                        "sku": line.sku,
                        "title": line.title,
                        "quantity": line.open_quantity,
                        "product_uid": line.product_uid or "",
                        "print_files": [_built(PrintFile, {"type": f.type, "url": f.url}) for f in line.print_files],
                        "attributes": [_built(LineAttribute, {"name": n, "value": v}) for n, v in line.attributes],
                    },
                )
                for line in order.lines
                if line.open_quantity > 0
            ],
        },
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


def events_of(order: Order, changes: Iterable[Change], *, from_shop: bool = False) -> list[Event]:
    """The event of each change (none for the bare 'received': its outcome follows at once).
    OrderAccepted is published for the last state only, so it carries the lines as they are.
    ``from_shop``: orders just received from a shop (``accepted_from_shop``)."""
    events: list[Event] = []
    for change in changes:
        if change.to_status == "received":
            continue
        if change.to_status == "accepted" and change.from_status != "accepted":
            events.append(accepted_from_shop(order, change) if from_shop else accepted(order, change))
        elif change.to_status == "on_hold" and change.from_status != "on_hold":
            events.append(held(order, change))
        else:
            events.append(status_changed(order, change))
    return events


async def keep_changes(orders: Iterable[Order], *, uow: UnitOfWork, from_shop: bool = False) -> None:
    """Every change of these orders goes into their history (one bulk insert) and out as events.
    ``from_shop``: orders just received from a shop (``events_of``)."""
    changes: list[Change] = []
    for order in orders:
        for event in events_of(order, order.changes, from_shop=from_shop):
            uow.outbox.add(event)
        changes.extend(order.changes)
        order.changes = []
    await uow.orders.keep_history(changes)
