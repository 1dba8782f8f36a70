"""Shopify products (Admin GraphQL) in the shape of StoreProductsSynced."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from storefront_events import StoreProduct, StoreVariant

PAGE_SIZE = 50
VARIANTS_PER_PRODUCT = 100

PRODUCTS_QUERY = f"""
query Products($first: Int!, $after: String, $query: String, $withCount: Boolean!) {{
  productsCount(query: $query) @include(if: $withCount) {{ count }}
  products(first: $first, after: $after, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{
      id legacyResourceId title status publishedAt
      featuredImage {{ url }}
      variants(first: {VARIANTS_PER_PRODUCT}) {{
        pageInfo {{ hasNextPage endCursor }}
        nodes {{ id legacyResourceId sku title price selectedOptions {{ name value }} }}
      }}
    }}
  }}
}}
"""

VARIANTS_QUERY = """
query ProductVariants($id: ID!, $after: String) {
  product(id: $id) {
    variants(first: 250, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id legacyResourceId sku title price selectedOptions { name value } }
    }
  }
}
"""
VARIANTS_QUERY_COST = 1 + 250 // 10

#: Shopify's estimate: one point per object asked for, plus the connection
QUERY_COST = 2 + PAGE_SIZE * (1 + VARIANTS_PER_PRODUCT // 10)


def _id(node: Mapping[str, Any]) -> str:
    legacy = node.get("legacyResourceId")
    return str(legacy) if legacy else str(node["id"]).rsplit("/", 1)[-1]


def _price(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def store_product(node: Mapping[str, Any]) -> StoreProduct:
    """ACTIVE, DRAFT, ARCHIVED → active, draft, archived; an active product not published to the
    online store is ``unpublished``."""
    status = str(node.get("status") or "active").lower()
    if status == "active" and node.get("publishedAt") is None and "publishedAt" in node:
        status = "unpublished"
    variants = [
        StoreVariant(
            platform_variant_id=_id(v),
            sku=(v.get("sku") or None),
            title=v.get("title"),
            options={str(o["name"]): str(o["value"]) for o in v.get("selectedOptions") or []},
            price=_price(v.get("price")),
        )
        for v in ((node.get("variants") or {}).get("nodes") or [])
    ]
    return StoreProduct(
        platform_product_id=_id(node),
        title=str(node.get("title") or ""),
        status=status,
        image_url=(node.get("featuredImage") or {}).get("url"),
        variants=variants,
    )


def ids_query(product_ids: list[str]) -> str:
    return " OR ".join(f"id:{pid}" for pid in product_ids)
