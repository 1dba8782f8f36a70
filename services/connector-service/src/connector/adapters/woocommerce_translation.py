"""WooCommerce's JSON (platforms.md §3.6) in the canonical shapes of libs/events: an order
becomes OrderReceived or OrderCancelledInStore, a product and its variations a StoreProduct.
What the order *means* (placed, cancelled, not yet) is the domain's rule (domain/woocommerce.py)."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from connector.domain.platform_errors import InvalidShopOrder
from connector.ports import ShopConnection
from storefront_events import Address, LineAttribute, OrderCancelledInStore, OrderReceived, ShopOrderLine
from storefront_events.stores import StoreProduct, StoreVariant


def order_received(connection: ShopConnection, order: dict[str, Any]) -> OrderReceived:
    order_id = str(order.get("id", ""))
    lines = [_line(item) for item in order.get("line_items") or [] if int(item.get("quantity") or 0) > 0]
    if not lines:
        raise InvalidShopOrder("order_without_lines", order=order_id)
    billing = _address(order.get("billing"))
    shipping = _address(order.get("shipping")) or billing
    if shipping is None:
        raise InvalidShopOrder("order_without_address", order=order_id)
    shipping_lines = order.get("shipping_lines") or []
    try:
        return OrderReceived(
            store_id=connection.store_id,
            client_id=connection.client_id,
            platform="woocommerce",
            platform_order_id=order_id,
            order_number=str(order.get("number") or order_id),
            placed_at=_gmt(order.get("date_created_gmt") or order.get("date_created")),
            currency=str(order.get("currency") or "").upper(),
            total=_money(order.get("total")) or Decimal("0"),
            shipping_total=_money(order.get("shipping_total")),
            tax_total=_money(order.get("total_tax")),
            customer_email=_text((order.get("billing") or {}).get("email")),
            shipping_address=shipping,
            billing_address=billing,
            shipping_method=_text(shipping_lines[0].get("method_title")) if shipping_lines else None,
            note=_text(order.get("customer_note")),
            lines=lines,
            test=connection.test_mode,
        )
    except (ValidationError, ValueError) as error:
        raise InvalidShopOrder("order_unreadable", reason=_first_error(error)) from error


def order_cancelled(connection: ShopConnection, order: dict[str, Any]) -> OrderCancelledInStore:
    return OrderCancelledInStore(
        store_id=connection.store_id,
        client_id=connection.client_id,
        platform="woocommerce",
        platform_order_id=str(order.get("id", "")),
        reason=str(order.get("status") or "cancelled"),
    )


def store_product(product: dict[str, Any], variations: list[dict[str, Any]]) -> StoreProduct:
    """A simple product is its own single variant; a variable one has one per variation."""
    product_id = str(product["id"])
    if variations:
        variants = [
            StoreVariant(
                platform_variant_id=str(v["id"]),
                sku=_text(v.get("sku")),
                title=" / ".join(str(a.get("option")) for a in v.get("attributes") or []) or None,
                options={str(a.get("name")): str(a.get("option")) for a in v.get("attributes") or []},
                price=_money(v.get("price")),
            )
            for v in variations
        ]
    else:
        variants = [
            StoreVariant(
                platform_variant_id=product_id, sku=_text(product.get("sku")), price=_money(product.get("price"))
            )
        ]
    images = product.get("images") or []
    return StoreProduct(
        platform_product_id=product_id,
        title=str(product.get("name") or product_id),
        status=_text(product.get("status")),
        image_url=_text(images[0].get("src")) if images and isinstance(images[0], dict) else None,
        variants=variants,
    )


def _line(item: dict[str, Any]) -> ShopOrderLine:
    variation_id = int(item.get("variation_id") or 0)
    product_id = int(item.get("product_id") or 0)
    attributes = [
        LineAttribute(
            name=str(meta.get("display_key") or meta["key"]), value=str(meta.get("display_value") or meta["value"])
        )
        for meta in item.get("meta_data") or []
        if isinstance(meta, dict)
        and not str(meta.get("key", "_")).startswith("_")
        and isinstance(meta.get("value"), str | int | float)
    ]
    name = str(item.get("name") or "")
    return ShopOrderLine(
        platform_line_id=str(item.get("id", "")),
        platform_product_id=str(product_id) if product_id else None,
        platform_variant_id=str(variation_id) if variation_id else None,
        sku=_text(item.get("sku")),
        title=str(item.get("parent_name") or name or "?"),
        variant_title=name if variation_id and item.get("parent_name") else None,
        quantity=int(item.get("quantity") or 0),
        unit_price=_money(item.get("price")),
        attributes=attributes,
    )


def _address(given: Any) -> Address | None:
    if not isinstance(given, dict) or not given.get("address_1") or not given.get("city") or not given.get("country"):
        return None
    return Address(
        first_name=_text(given.get("first_name")),
        last_name=_text(given.get("last_name")),
        company=_text(given.get("company")),
        address1=str(given["address_1"]),
        address2=_text(given.get("address_2")),
        city=str(given["city"]),
        state=_text(given.get("state")),
        postcode=_text(given.get("postcode")),
        country_code=str(given["country"]).upper(),
        email=_text(given.get("email")),
        phone=_text(given.get("phone")),
    )


def _gmt(value: Any) -> datetime:
    """WooCommerce's ``*_gmt`` dates carry no offset: they are UTC."""
    moment = datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _money(value: Any) -> Decimal | None:
    """Money comes as strings ("19.90"), prices of lines sometimes as numbers."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _first_error(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(error)
