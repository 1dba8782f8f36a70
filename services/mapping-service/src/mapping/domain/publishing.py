"""Creating a product from the catalog and publishing it to a shop: the variants asked for,
and which shop variant each became once the shop has the product."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from mapping.domain.mappings import DesignFile, VariantChoice
from mapping.domain.store_products import StoreVariant

PublishStatus = Literal["requested", "published", "failed"]


@dataclass(frozen=True)
class VariantToPublish:
    sku: str
    title: str
    options: dict[str, str]
    price: Decimal
    product_uid: str
    files: tuple[DesignFile, ...]
    print_options: dict[str, str] = field(default_factory=dict)

    def as_store_variant(self, store_id: str) -> StoreVariant:
        """The variant as it will be in the shop (its SKU stands for its id until then), to check it like a shop's."""
        return StoreVariant(store_id, "", self.sku, "", None, self.title, self.sku, self.options)

    def choice(self, platform_variant_id: str) -> VariantChoice:
        return VariantChoice(platform_variant_id, self.product_uid, self.files, self.print_options)


@dataclass(frozen=True)
class PublishRequest:
    publish_request_id: str
    store_id: str
    client_id: str
    platform: str
    title: str
    variants: tuple[VariantToPublish, ...]
    status: PublishStatus
    created_by: str
    created_at: datetime
    platform_product_id: str | None = None
    product_url: str | None = None
    published_at: datetime | None = None
    failure_reason: str | None = None  # the connector's message key (platform_refused, store_disconnected, ...)
    failure_detail: str | None = None  # its sentence: what the shop said
    failed_at: datetime | None = None


def match_published(
    asked: tuple[VariantToPublish, ...], created: list[StoreVariant]
) -> list[tuple[VariantToPublish, StoreVariant]]:
    """Which shop variant each asked variant became: by SKU, else by options, else by position."""
    left = list(created)
    pairs: list[tuple[VariantToPublish, StoreVariant]] = []
    unmatched: list[VariantToPublish] = []
    for wanted in asked:
        found = next((v for v in left if v.sku and v.sku == wanted.sku), None)
        found = found or next((v for v in left if v.options and v.options == wanted.options), None)
        if found is None:
            unmatched.append(wanted)
            continue
        left.remove(found)
        pairs.append((wanted, found))
    pairs += list(zip(unmatched, left, strict=False))
    return pairs


@dataclass(frozen=True)
class ProductTemplate:
    """A configured product saved by a client (what a publish request asks, without a store)."""

    template_id: str
    client_id: str
    name: str
    product: dict[str, object]  # the publish body: title, description, currency, tags, image_urls, variants
    created_by: str
    created_at: datetime
