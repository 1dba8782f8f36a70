"""A whole catalog with one bulk operation (platforms.md §1.9): ``bulkOperationRunQuery`` runs the
products query in the background at no throttle cost, ``bulkOperation(id:)`` is polled until it is
done, then its JSONL is read: a line per product, a line per variant naming its product in
``__parentId``, in no promised order. Paging a 10,000-variant catalog costs its GraphQL points
(minutes at the usual restore rates); the bulk operation costs a few points and seconds."""

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import structlog

from connector.adapters.shopify.graphql import ShopifyGraphQL
from connector.adapters.shopify.products import store_product
from storefront_events import StoreProduct

log = structlog.get_logger()

PRODUCTS_QUERY = """
{
  products {
    edges {
      node {
        id legacyResourceId title status publishedAt
        featuredImage { url }
        variants { edges { node { id legacyResourceId sku title price selectedOptions { name value } } } }
      }
    }
  }
}
"""

RUN = """
mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}
"""
RUN_COST = 10

STATUS = """
query BulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url }
}
"""
STATUS_COST = 1

ENDED = ("FAILED", "CANCELED", "EXPIRED")


def catalog(lines: list[Mapping[str, Any]]) -> list[StoreProduct]:
    """The products of a bulk result, each with its variants, in the order the products came."""
    nodes: dict[str, dict[str, Any]] = {}
    variants: dict[str, list[Mapping[str, Any]]] = {}
    for line in lines:
        parent = line.get("__parentId")
        if parent:
            variants.setdefault(str(parent), []).append(line)
        else:
            nodes[str(line["id"])] = dict(line)
    return [store_product(node | {"variants": {"nodes": variants.get(gid, [])}}) for gid, node in nodes.items()]


async def products(api: ShopifyGraphQL, *, poll_seconds: float, max_wait_seconds: float) -> list[StoreProduct] | None:
    """Every product of the shop with every variant, by one bulk operation; None when the shop
    would not run it (another bulk query of ours in progress), it failed, or it took longer
    than ``max_wait_seconds``: the caller then pages through them instead."""
    started = await api.query(RUN, {"query": PRODUCTS_QUERY}, cost=RUN_COST)
    run = started.get("bulkOperationRunQuery") or {}
    operation = run.get("bulkOperation") or {}
    if run.get("userErrors") or not operation.get("id"):
        log.warning("products.bulk_refused", errors=[e.get("message") for e in run.get("userErrors") or []])
        return None
    deadline = time.monotonic() + max_wait_seconds
    while True:
        await asyncio.sleep(poll_seconds)
        status = (await api.query(STATUS, {"id": operation["id"]}, cost=STATUS_COST)).get("bulkOperation") or {}
        if status.get("status") == "COMPLETED":
            break
        if status.get("status") in ENDED or time.monotonic() > deadline:
            log.warning(
                "products.bulk_failed",
                operation=operation["id"],
                status=status.get("status"),
                error=status.get("errorCode"),
            )
            return None
    url = status.get("url")
    if not url:  # completed with no object: an empty shop
        return []
    lines = [line async for line in api.jsonl(str(url))]
    log.info("products.bulk_read", operation=operation["id"], objects=len(lines))
    return catalog(lines)
