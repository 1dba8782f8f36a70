"""Etsy receipts (its orders) in the canonical shape: one receipt, one OrderReceived."""

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from connector.domain.errors import PlatformError
from connector.ports import ShopConnection
from storefront_events import Address, LineAttribute, OrderReceived, ShopOrderLine


def amount(money: object) -> Decimal | None:
    """Etsy's Money ``{amount, divisor, currency_code}`` → the amount in major units."""
    if not isinstance(money, Mapping) or money.get("amount") is None:
        return None
    divisor = money.get("divisor") or 1
    return Decimal(int(money["amount"])) / Decimal(int(divisor))


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _line(raw: Mapping[str, Any]) -> ShopOrderLine:
    variations = [v for v in raw.get("variations") or [] if isinstance(v, Mapping)]
    values = [str(v.get("formatted_value")) for v in variations if v.get("formatted_value") is not None]
    return ShopOrderLine(
        platform_line_id=str(raw["transaction_id"]),
        platform_product_id=str(raw["listing_id"]) if raw.get("listing_id") else None,
        platform_variant_id=str(raw["product_id"]) if raw.get("product_id") else None,
        sku=_text(raw.get("sku")),
        title=str(raw.get("title") or ""),
        variant_title=" / ".join(values) or None,
        quantity=int(raw.get("quantity") or 1),
        unit_price=amount(raw.get("price")),
        attributes=[
            LineAttribute(name=str(v.get("formatted_name")), value=str(v.get("formatted_value")))
            for v in variations
            if v.get("formatted_name") is not None and v.get("formatted_value") is not None
        ],
    )


def order_received(connection: ShopConnection, receipt: Mapping[str, Any]) -> OrderReceived:
    """A paid receipt → OrderReceived (the receipt id is the platform order id and its number)."""
    try:
        total = receipt.get("grandtotal") or receipt.get("total_price") or {}
        created = receipt.get("create_timestamp") or receipt.get("created_timestamp")
        name = _text(receipt.get("name")) or ""
        first, _, last = name.partition(" ")
        return OrderReceived(
            store_id=connection.store_id,
            client_id=connection.client_id,
            platform="etsy",
            platform_order_id=str(receipt["receipt_id"]),
            order_number=str(receipt["receipt_id"]),
            placed_at=datetime.fromtimestamp(int(str(created)), UTC),
            currency=str(total.get("currency_code")),
            total=amount(total) or Decimal(0),
            shipping_total=amount(receipt.get("total_shipping_cost")),
            tax_total=amount(receipt.get("total_tax_cost")),
            customer_email=_text(receipt.get("buyer_email")),
            shipping_address=Address(
                first_name=first or None,
                last_name=last or None,
                address1=str(receipt.get("first_line") or ""),
                address2=_text(receipt.get("second_line")),
                city=str(receipt.get("city") or ""),
                state=_text(receipt.get("state")),
                postcode=_text(receipt.get("zip")),
                country_code=str(receipt.get("country_iso") or "").upper(),
            ),
            note=_text(receipt.get("message_from_buyer")),
            lines=[_line(t) for t in receipt.get("transactions") or [] if isinstance(t, Mapping)],
            test=connection.test_mode,
        )
    except (KeyError, TypeError, ValueError, ValidationError) as error:
        raise PlatformError("platform_refused", reason=f"receipt {receipt.get('receipt_id')} unreadable") from error
