"""Creating a product in a Shopify shop: ``productSet`` (synchronous) with the product's handle
as identifier, so a second call for the same draft updates the product instead of making a
second one. Options are declared from the variants' option values, SKUs go through the
inventory item (Admin API 2024-07 and later)."""

from collections.abc import Mapping
from typing import Any

from connector.domain.errors import PlatformError
from connector.publishing_ports import ProductDraft

PRODUCT_SET = """
mutation PublishProduct($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(synchronous: true, input: $input, identifier: $identifier) {
    product {
      id legacyResourceId title handle status publishedAt
      featuredImage { url }
      variants(first: 250) {
        pageInfo { hasNextPage endCursor }
        nodes { id legacyResourceId sku title price selectedOptions { name value } }
      }
    }
    userErrors { field message code }
  }
}
"""
PRODUCT_SET_COST = 10


def product_set_variables(draft: ProductDraft) -> dict[str, Any]:
    option_names: list[str] = []
    values: dict[str, list[str]] = {}
    for variant in draft.variants:
        for name, value in variant.options.items():
            if name not in values:
                option_names.append(name)
                values[name] = []
            if value not in values[name]:
                values[name].append(value)
    product: dict[str, Any] = {
        "title": draft.title,
        "handle": draft.handle,
        "status": "ACTIVE",
        "tags": list(draft.tags),
        "productOptions": [{"name": n, "values": [{"name": v} for v in values[n]]} for n in option_names],
        "variants": [
            {
                "optionValues": [{"optionName": n, "name": v} for n, v in variant.options.items()],
                "price": str(variant.price),
                "inventoryItem": {"sku": variant.sku},
            }
            for variant in draft.variants
        ],
    }
    if draft.description is not None:
        product["descriptionHtml"] = draft.description
    return {"input": product, "identifier": {"handle": draft.handle}}


def created_node(data: Mapping[str, Any]) -> dict[str, Any]:
    """The product node of the answer; ``PlatformError`` with Shopify's words on user errors."""
    answer = data.get("productSet") or {}
    if errors := answer.get("userErrors"):
        raise PlatformError("platform_refused", reason="; ".join(str(e.get("message")) for e in errors)[:300])
    node = answer.get("product")
    if not isinstance(node, dict):
        raise PlatformError("platform_refused", reason="no product in the answer")
    return node
