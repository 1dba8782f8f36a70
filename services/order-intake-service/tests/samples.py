"""Shop-shaped events for the tests (Shopify ids, titles and variants)."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from storefront_events import OrderReceived, ProductMapped, StoreConnected
from storefront_events.stores import ShopOrderLine
from storefront_events.values import Address, PrintFile

ADDRESS = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="12 Main Street",
    city="Springfield",
    state="IL",
    postcode="62701",
    country_code="US",
)


def store(store_id: str, client_id: str, **changes: object) -> StoreConnected:
    values: dict[str, object] = {
        "store_id": store_id,
        "client_id": client_id,
        "platform": "shopify",
        "name": "Acme tees",
        "shop_url": "acme.myshopify.com",
    }
    return StoreConnected(**(values | changes))


def line(n: int, *, product: str = "7982301462701", variant: str | None = None, **changes: object) -> ShopOrderLine:
    values: dict[str, object] = {
        "platform_line_id": f"1300{n}",
        "platform_product_id": product,
        "platform_variant_id": variant or f"4401234567{n:04d}",
        "sku": f"TEE-{n}",
        "title": "Summer tee",
        "variant_title": "Blue / XL",
        "quantity": 1,
        "unit_price": Decimal("19.90"),
    }
    return ShopOrderLine(**(values | changes))


def order(store_id: str, client_id: str, platform_order_id: str | None = None, **changes: object) -> OrderReceived:
    platform_order_id = platform_order_id or str(5400000000 + uuid.uuid4().int % 100000000)
    values: dict[str, object] = {
        "store_id": store_id,
        "client_id": client_id,
        "platform": "shopify",
        "platform_order_id": platform_order_id,
        "order_number": f"#{platform_order_id[-4:]}",
        "placed_at": datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        "currency": "USD",
        "total": Decimal("39.80"),
        "shipping_address": ADDRESS,
        "lines": [line(1)],
    }
    return OrderReceived(**(values | changes))


def mapped(store_id: str, client_id: str, shop_line: ShopOrderLine, **changes: object) -> ProductMapped:
    values: dict[str, object] = {
        "mapping_id": str(uuid.uuid4()),
        "store_id": store_id,
        "client_id": client_id,
        "platform": "shopify",
        "platform_product_id": shop_line.platform_product_id,
        "platform_variant_id": shop_line.platform_variant_id,
        "sku": shop_line.sku,
        "product_uid": "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_xl_gco_blue",
        "print_files": [PrintFile(type="default", url="https://files.example.com/summer-front.pdf")],
    }
    return ProductMapped(**(values | changes))
