"""Shopify's order payloads (REST shape, as webhooks deliver them) in the canonical shape."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from connector.domain.errors import WebhookUnreadable
from connector.ports import ShopConnection
from storefront_events import OrderCancelledInStore, OrderReceived


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _money(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise WebhookUnreadable("webhook_field_invalid", field_name="price", value=str(value)[:40]) from None


def _set_amount(payload: Mapping[str, Any], name: str) -> Decimal | None:
    """``total_shipping_price_set.shop_money.amount``: the amount in the shop's currency."""
    money = (payload.get(name) or {}).get("shop_money") or {}
    return _money(money.get("amount"))


def _address(raw: object, email: str | None = None) -> dict[str, Any] | None:
    """The fields of an ``Address`` (validated with the order, in one pass)."""
    if not isinstance(raw, Mapping) or not raw.get("address1") or not raw.get("country_code"):
        return None
    return {
        "first_name": _text(raw.get("first_name")),
        "last_name": _text(raw.get("last_name")),
        "company": _text(raw.get("company")),
        "address1": str(raw["address1"]),
        "address2": _text(raw.get("address2")),
        "city": _text(raw.get("city")) or "",
        "state": _text(raw.get("province_code")) or _text(raw.get("province")),
        "postcode": _text(raw.get("zip")),
        "country_code": str(raw["country_code"]).upper(),
        "email": email,
        "phone": _text(raw.get("phone")),
    }


def _line(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a ``ShopOrderLine`` (validated with the order, in one pass)."""
    attributes = [
        {"name": str(p.get("name")), "value": str(p.get("value"))}
        for p in raw.get("properties") or []
        if isinstance(p, Mapping) and p.get("name") is not None
    ]
    return {
        "platform_line_id": str(raw["id"]),
        "platform_product_id": _text(raw.get("product_id")),
        "platform_variant_id": _text(raw.get("variant_id")),
        "sku": _text(raw.get("sku")),
        "title": _text(raw.get("title")) or _text(raw.get("name")) or "",
        "variant_title": _text(raw.get("variant_title")),
        "quantity": int(raw["quantity"]),
        "unit_price": _money(raw.get("price")),
        "attributes": attributes,
    }


def order_received(connection: ShopConnection, payload: Mapping[str, Any]) -> OrderReceived:
    """orders/create → OrderReceived. A payload we cannot read raises ``WebhookUnreadable``
    (its raw body is kept: the order can be derived again once the reason is fixed).

    The order, its addresses and lines are validated in one pass from plain values (building
    each address and line as a model first, then the order, cost twice as much: every order
    webhook comes through here)."""
    try:
        email = _text(payload.get("email")) or _text(payload.get("contact_email"))
        if email is None and isinstance(payload.get("customer"), Mapping):
            email = _text(payload["customer"].get("email"))
        shipping = _address(payload.get("shipping_address"), email)
        if shipping is None:
            raise WebhookUnreadable("webhook_no_shipping_address", order=str(payload.get("name") or payload.get("id")))
        shipping_lines = payload.get("shipping_lines") or []
        return OrderReceived.model_validate(
            {
                "store_id": connection.store_id,
                "client_id": connection.client_id,
                "platform": "shopify",
                "platform_order_id": str(payload["id"]),
                "order_number": _text(payload.get("name")) or _text(payload.get("order_number")),
                "placed_at": datetime.fromisoformat(str(payload.get("created_at") or payload.get("processed_at"))),
                "currency": str(payload.get("currency") or payload.get("presentment_currency")),
                "total": _money(payload.get("total_price")) or Decimal(0),
                "shipping_total": _set_amount(payload, "total_shipping_price_set"),
                "tax_total": _money(payload.get("total_tax")),
                "customer_email": email,
                "shipping_address": shipping,
                "billing_address": _address(payload.get("billing_address")),
                "shipping_method": _text(shipping_lines[0].get("title")) if shipping_lines else None,
                "note": _text(payload.get("note")),
                "lines": [_line(line) for line in payload.get("line_items") or []],
                "test": bool(payload.get("test")) or connection.test_mode,
            }
        )
    except WebhookUnreadable:
        raise
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise WebhookUnreadable("webhook_payload_invalid", reason=_reason(error)) from error


def order_cancelled(connection: ShopConnection, payload: Mapping[str, Any]) -> OrderCancelledInStore:
    try:
        return OrderCancelledInStore(
            store_id=connection.store_id,
            client_id=connection.client_id,
            platform="shopify",
            platform_order_id=str(payload["id"]),
            reason=_text(payload.get("cancel_reason")),
        )
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise WebhookUnreadable("webhook_payload_invalid", reason=_reason(error)) from error


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"[:200]
    if isinstance(error, KeyError):
        return f"missing {error.args[0]}"
    return str(error)[:200]
