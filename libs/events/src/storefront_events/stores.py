"""Events published by connector-service.

Store events go on `stores.v1` (key: store_id); shop orders on `shop-orders.v1`
(key: store_id + platform_order_id).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from storefront_events.base import Event
from storefront_events.values import Address, CurrencyCode, LineAttribute, Money, Platform, UtcDatetime, Value


class StoreVariant(Value):
    """One sellable variant of a shop product (Etsy: an inventory product; simple products: one)."""

    platform_variant_id: str = Field(description="Variant id on the platform (for simple products: the product id)")
    sku: str | None = None
    title: str | None = None
    options: dict[str, str] = Field(default={}, description="Option name -> value, e.g. {'Size': 'M'}")
    price: Money | None = None


class StoreProduct(Value):
    """A product as it exists in the shop, with its variants."""

    platform_product_id: str = Field(description="Product id on the platform (Etsy listing id, Pressero product id)")
    title: str
    status: str | None = Field(default=None, description="Platform status, e.g. active, draft, archived")
    integration_id: str | None = Field(default=None, description="Pressero integration ID, if any")
    image_url: str | None = None
    variants: list[StoreVariant] = []


class StoreConnected(Event):
    """Emitted by connector-service when a client connects a shop (OAuth done, keys verified, Pressero
    site linked or manual store created), and again when a broken connection is re-established."""

    event_type: Literal["store.connected"] = "store.connected"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    name: str = Field(description="Display name of the store")
    shop_url: str | None = Field(default=None, description="Shop address (Shopify domain, Woo URL, Etsy shop URL)")
    platform_shop_id: str | None = Field(default=None, description="Shop id on the platform, if any")
    currency: CurrencyCode | None = None
    test_mode: bool = Field(default=False, description="The store is in test mode: its orders are never produced")


class StoreDisconnected(Event):
    """Emitted by connector-service when a store is disconnected by the client, revoked on the
    platform (app uninstalled, token refused) or removed because its client was archived."""

    event_type: Literal["store.disconnected"] = "store.disconnected"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    reason: str = Field(description="Why: by_client, revoked_on_platform, client_archived, ...")


class StoreNeedsAttention(Event):
    """Emitted by connector-service when a store's connection broke and the connector could not
    repair it (token revoked or expired, app removed on the platform): orders stop until the
    client reconnects it. Once per break (the store moving into this state), never repeated while
    it stays there."""

    event_type: Literal["store.needs_attention"] = "store.needs_attention"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    name: str = Field(description="Display name of the store")
    reason: str = Field(description="Message key of the cause: platform_auth_failed, reconnect_needed, ...")
    explanation: str = Field(
        description="What happened and how to repair it, in English words a client understands (for the email)"
    )


class StoreProductsSynced(Event):
    """Emitted by connector-service after a product sync with the shop; large catalogs are split
    into several batches of one sync (`batch` of `batches`)."""

    event_type: Literal["store.products_synced"] = "store.products_synced"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    sync_id: str = Field(description="Id of the sync job; shared by all its batches")
    products: list[StoreProduct]
    batch: int = Field(default=1, ge=1, description="Number of this batch, from 1")
    batches: int = Field(default=1, ge=1, description="Total batches of this sync")
    full_sync: bool = Field(default=True, description="True: products absent from every batch no longer exist")


class ProductPublished(Event):
    """Emitted by connector-service once a product requested by ProductPublishRequested exists in the shop."""

    event_type: Literal["product.published"] = "product.published"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    publish_request_id: str = Field(description="Id from the ProductPublishRequested this answers")
    product: StoreProduct = Field(description="The product as created in the shop")
    product_url: str | None = None


class ProductPublishFailed(Event):
    """Emitted by connector-service when a product requested by ProductPublishRequested could not
    be created in the shop (the platform refused it, the store is disconnected, ...)."""

    event_type: Literal["product.publish_failed"] = "product.publish_failed"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    publish_request_id: str = Field(description="Id from the ProductPublishRequested this answers")
    reason: str = Field(description="Message key: platform_refused, store_disconnected, platform_not_supported, ...")
    detail: str | None = Field(default=None, description="What the platform said, when it said something")


class ShopOrderLine(Value):
    """One line of a shop order, as the platform sent it."""

    platform_line_id: str
    platform_product_id: str | None = Field(default=None, description="None for custom/deleted items")
    platform_variant_id: str | None = None
    sku: str | None = None
    title: str
    variant_title: str | None = None
    quantity: int = Field(gt=0)
    unit_price: Money | None = None
    attributes: list[LineAttribute] = Field(default=[], description="Personalisation, uploaded files, options")


class OrderReceived(Event):
    """Emitted by connector-service once a shop order is durably received (webhook or reconciliation poll)."""

    event_type: Literal["order.received"] = "order.received"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    platform_order_id: str
    order_number: str | None = Field(default=None, description="Number shown to the buyer, e.g. '#1001'")
    placed_at: UtcDatetime = Field(description="When the buyer placed the order")
    currency: CurrencyCode
    total: Money = Field(description="Gross total in order currency")
    shipping_total: Money | None = None
    tax_total: Money | None = None
    customer_email: str | None = None
    shipping_address: Address
    billing_address: Address | None = None
    shipping_method: str | None = None
    note: str | None = Field(default=None, description="Buyer's note / message")
    lines: list[ShopOrderLine] = Field(min_length=1)
    test: bool = Field(default=False, description="Platform test order")


class OrderCancelledInStore(Event):
    """Emitted by connector-service when a shop reports an order cancelled on the platform."""

    event_type: Literal["order.cancelled_in_store"] = "order.cancelled_in_store"
    schema_version: Literal[1] = 1
    store_id: str
    client_id: str
    platform: Platform
    platform_order_id: str
    reason: str | None = Field(default=None, description="Platform's cancel reason, if given")
