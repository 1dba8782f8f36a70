"""Events published by mapping-service on `mappings.v1` (key: store_id)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from storefront_events.base import Event
from storefront_events.values import CurrencyCode, Money, Platform, PrintFile, Value


class ProductMapped(Event):
    """Emitted by mapping-service when a shop product/variant is connected to a catalog product
    (by hand, by CSV import or after publishing); a later ProductMapped for the same variant replaces it."""

    event_type: Literal["product.mapped"] = "product.mapped"
    schema_version: Literal[1] = 1
    mapping_id: str
    store_id: str
    client_id: str
    platform: Platform
    platform_product_id: str
    platform_variant_id: str | None = Field(description="None: the mapping applies to every variant of the product")
    sku: str | None = Field(default=None, description="Shop SKU, fallback match key for order lines")
    product_uid: str = Field(description="Catalog product UID encoding the print spec")
    print_files: list[PrintFile] = Field(description="Design files to print")
    source: Literal["manual", "csv_import", "publish"] = "manual"
    print_options: dict[str, str] = Field(
        default={}, description="Print options chosen with the mapping, e.g. {'finish': 'gloss'}"
    )


class ProductUnmapped(Event):
    """Emitted by mapping-service when a mapping is removed (by hand, CSV import, or its shop product vanished)."""

    event_type: Literal["product.unmapped"] = "product.unmapped"
    schema_version: Literal[1] = 1
    mapping_id: str
    store_id: str
    client_id: str
    platform_product_id: str
    platform_variant_id: str | None
    sku: str | None = None
    reason: str | None = Field(
        default=None,
        description="Why: by_hand, csv_import, or the mapping broke: variant_deleted, sku_changed, options_changed, "
        "product_unpublished, catalog_product_retired",
    )


class MappingBroken(Event):
    """Emitted by mapping-service when the shop changed under a mapping (variant deleted, SKU or
    options changed, product unpublished) or its catalog product was retired. A ProductUnmapped
    for the same mapping goes with it; this one is for telling the client's admin (notifier)
    before an order fails on it."""

    event_type: Literal["mapping.broken"] = "mapping.broken"
    schema_version: Literal[1] = 1
    mapping_id: str
    store_id: str
    client_id: str
    platform: Platform
    platform_product_id: str
    platform_variant_id: str | None
    product_title: str | None = Field(default=None, description="The shop product's title, as last synced")
    variant_title: str | None = Field(default=None, description="The variant's title or options, as last synced")
    sku: str | None = None
    product_uid: str = Field(description="The catalog product it was mapped to")
    reason: Literal[
        "variant_deleted", "sku_changed", "options_changed", "product_unpublished", "catalog_product_retired"
    ]


class PublishVariant(Value):
    """A variant to create in the shop, already tied to its catalog product and files."""

    sku: str
    title: str
    options: dict[str, str] = Field(default={}, description="Option name -> value, e.g. {'Size': 'M'}")
    price: Money
    product_uid: str
    print_files: list[PrintFile]


class ProductPublishRequested(Event):
    """Emitted by mapping-service when a client creates a product from the catalog and asks to publish
    it to a shop; the connector creates it there and answers with ProductPublished."""

    event_type: Literal["product.publish_requested"] = "product.publish_requested"
    schema_version: Literal[1] = 1
    publish_request_id: str
    store_id: str
    client_id: str
    platform: Platform
    title: str
    description: str | None = Field(default=None, description="Product description (HTML allowed)")
    currency: CurrencyCode
    variants: list[PublishVariant] = Field(min_length=1)
    image_urls: list[str] = Field(default=[], description="Mock-up images to upload")
    tags: list[str] = []
