"""Our model of Pressero's OrderPlaced payload (platforms.md §4: the schema is not public; see
platform_simulators.pressero) in the canonical OrderReceived."""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from connector.domain import pressero as rules
from connector.domain.platform_errors import InvalidShopOrder
from connector.ports import ShopConnection
from storefront_events import Address, LineAttribute, OrderReceived, ShopOrderLine


def order_received(
    connection: ShopConnection, payload: dict[str, Any], *, line_attributes: Sequence[str], test: bool = False
) -> OrderReceived:
    order = payload.get("Order")
    if not isinstance(order, dict) or not order.get("OrderId"):
        raise InvalidShopOrder("order_unreadable", reason="no Order.OrderId")
    order_id = str(order["OrderId"])
    lines = [
        _line(item, line_attributes)
        for item in order.get("Items") or []
        if isinstance(item, dict)
        and int(item.get("Quantity") or 0) > 0
        and not rules.item_denied(item.get("ApprovalStatus"))
    ]
    if not lines:
        raise InvalidShopOrder("order_without_lines", order=order_id)
    shipping = _address(order.get("ShippingAddress")) or _address(order.get("BillingAddress"))
    if shipping is None:
        raise InvalidShopOrder("order_without_address", order=order_id)
    buyer = order.get("Buyer") if isinstance(order.get("Buyer"), dict) else {}
    try:
        return OrderReceived(
            store_id=connection.store_id,
            client_id=connection.client_id,
            platform="pressero",
            platform_order_id=order_id,
            order_number=_text(order.get("OrderNumber")),
            placed_at=_moment(order.get("OrderDate") or payload.get("EventDate")),
            currency=str(order.get("Currency") or "").upper(),
            total=_money(order.get("Total")) or Decimal("0"),
            shipping_total=_money(order.get("ShippingTotal")),
            tax_total=_money(order.get("TaxTotal")),
            customer_email=_text((buyer or {}).get("Email")) or shipping.email,
            shipping_address=shipping,
            billing_address=_address(order.get("BillingAddress")),
            shipping_method=_text(order.get("ShippingMethod")),
            note=f"PO {order['PONumber']}" if order.get("PONumber") else None,
            lines=lines,
            test=test or connection.test_mode,
        )
    except (ValidationError, ValueError) as error:
        raise InvalidShopOrder("order_unreadable", reason=str(error).splitlines()[0]) from error


def _line(item: dict[str, Any], wanted: Sequence[str]) -> ShopOrderLine:
    given = [
        (str(a.get("Name")), str(a.get("Value")))
        for a in item.get("Attributes") or []
        if isinstance(a, dict) and a.get("Name") is not None and a.get("Value") is not None
    ]
    attributes = [LineAttribute(name=n, value=v) for n, v in rules.line_attributes(given, wanted)]
    attributes += [LineAttribute(name="file_url", value=str(url)) for url in item.get("FileUrls") or []]
    if item.get("IntegrationId"):
        attributes.append(LineAttribute(name="integration_id", value=str(item["IntegrationId"])))
    return ShopOrderLine(
        platform_line_id=str(item.get("ItemId") or item.get("ItemNumber") or ""),
        platform_product_id=_text(item.get("ProductId")),
        sku=_text(item.get("IntegrationId")) or _text(item.get("Sku")),
        title=str(item.get("ProductName") or "?"),
        quantity=int(item["Quantity"]),
        unit_price=_money(item.get("UnitPrice")),
        attributes=attributes,
    )


def _address(given: Any) -> Address | None:
    if not isinstance(given, dict) or not given.get("Address1") or not given.get("City") or not given.get("Country"):
        return None
    return Address(
        first_name=_text(given.get("FirstName")),
        last_name=_text(given.get("LastName")),
        company=_text(given.get("Company")),
        address1=str(given["Address1"]),
        address2=_text(given.get("Address2")),
        city=str(given["City"]),
        state=_text(given.get("StateProvince")),
        postcode=_text(given.get("PostalCode")),
        country_code=str(given["Country"]).upper(),
        email=_text(given.get("Email")),
        phone=_text(given.get("Phone")),
    )


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _money(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def attribute_names(credentials_value: str | None) -> list[str]:
    """The configured names, kept as a JSON list with the store's sealed settings."""
    try:
        names = json.loads(credentials_value or "[]")
    except ValueError:
        return []
    return [str(n) for n in names] if isinstance(names, list) else []
