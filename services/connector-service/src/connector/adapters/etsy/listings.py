"""Etsy listings with their inventory as shop products: each inventory product (one combination
of the listing's variations) is a variant."""

from collections.abc import Mapping
from typing import Any

from connector.adapters.etsy.receipts import amount
from storefront_events import StoreProduct, StoreVariant


def store_product(listing: Mapping[str, Any], inventory: Mapping[str, Any] | None) -> StoreProduct:
    listing_id = str(listing["listing_id"])
    variants: list[StoreVariant] = []
    for product in (inventory or {}).get("products") or []:
        if not isinstance(product, Mapping) or product.get("is_deleted"):
            continue
        options = {
            str(p.get("property_name")): ", ".join(str(v) for v in p.get("values") or [])
            for p in product.get("property_values") or []
            if isinstance(p, Mapping) and p.get("property_name")
        }
        offering = next(
            (o for o in product.get("offerings") or [] if isinstance(o, Mapping) and not o.get("is_deleted")), None
        )
        variants.append(
            StoreVariant(
                platform_variant_id=str(product["product_id"]),
                sku=str(product["sku"]) if product.get("sku") else None,
                title=" / ".join(options.values()) or None,
                options=options,
                price=amount(offering.get("price")) if offering else None,
            )
        )
    if not variants:  # a listing never edited with the inventory tools: the listing itself is the variant
        variants.append(StoreVariant(platform_variant_id=listing_id, price=amount(listing.get("price"))))
    return StoreProduct(
        platform_product_id=listing_id,
        title=str(listing.get("title") or ""),
        status=str(listing.get("state") or "active"),
        variants=variants,
    )
