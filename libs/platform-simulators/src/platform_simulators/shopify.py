"""A Shopify simulator: OAuth install, the Admin GraphQL API our connector uses, signed webhooks.

Built from Shopify's public documentation (`../shared/reference/platforms.md` §1); one server
plays every shop, each under ``/shops/{shop}`` (``{shop}`` a ``*.myshopify.com`` domain):

- ``GET  /shops/{shop}/admin/oauth/authorize`` — the merchant approves at once: 302 to the
  app's ``redirect_uri`` with ``code``, ``shop``, ``state``, ``timestamp``, ``host`` and the
  query ``hmac`` (hex HMAC-SHA256 of the sorted pairs with the app's secret);
- ``POST /shops/{shop}/admin/oauth/access_token`` — ``{client_id, client_secret, code}`` →
  ``{access_token, scope}``; a code works once, for its shop only;
- ``POST /shops/{shop}/admin/api/{version}/graphql.json`` — ``shop``, ``products`` (with
  ``productsCount``, variants, cursor pagination and an ``id:`` search), ``webhookSubscriptions``,
  ``webhookSubscriptionCreate``, ``order(id:)`` (its ``fulfillmentOrders`` and ``fulfillments``
  with their tracking), ``fulfillmentCreate`` (line items of the order's fulfillment orders,
  tracking info; quantities checked against what remains, the fulfillment recorded) and
  ``productSet`` (synchronous; with ``identifier: {handle}`` a second call updates the product of
  that handle instead of creating another), ``bulkOperationRunQuery`` of a ``products`` query (one
  at a time per shop; it runs ``bulk_seconds`` plus its objects at ``bulk_objects_per_second``)
  and ``bulkOperation(id:)`` (its status, then the ``url`` of its JSONL under
  ``/simulator/bulk/...``: every product's line, then every variant's with ``__parentId``).
  Not a GraphQL engine: the operation is recognised by its root
  field. Every answer carries ``extensions.cost.throttleStatus`` of a leaky bucket; a query
  costing more than what is left gets ``THROTTLED``; ``throttle_every`` answers a 429 with
  ``Retry-After`` now and then; a revoked or unknown token gets 401; injected failures 5xx;
- webhooks: orders/create (a placed order), products/update, app/uninstalled, delivered to each
  subscription's ``uri`` signed with the app's secret (``X-Shopify-Hmac-Sha256``, base64), with
  ``X-Shopify-Webhook-Id`` (one per delivery, kept on redelivery), retried a few times on failure;
- ``GET /shops/{shop}/admin/api/{version}/orders.json`` — the REST orders list (``status``,
  ``created_at_min``, ``updated_at_min``, ``limit`` up to 250), newest first, cursor pagination
  through a ``Link: <...page_info=...>; rel="next"`` header, as Shopify's REST Admin API;
- ``/simulator/...`` — the test and demo controls: place an order, redeliver, uninstall the
  app, revoke tokens, inject failures (every call, or those about one order), change, delete or
  look at a product (or those of a handle), refuse the next products created (``productSet`` user
  errors), fail the next bulk operations, look at the deliveries and at an order's fulfillments, drop webhooks on purpose
  (``POST /simulator/shops/{shop}/webhooks/drop``: recorded, never sent) and delete a
  subscription (as Shopify does after failing deliveries for hours).

``python -m platform_simulators.shopify --port 8090`` runs it (``make up`` does, with a demo shop).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

SHOP_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]*\.myshopify\.com$")
TOPIC_HEADERS = {
    "ORDERS_CREATE": "orders/create",
    "ORDERS_UPDATED": "orders/updated",
    "ORDERS_CANCELLED": "orders/cancelled",
    "ORDERS_PAID": "orders/paid",
    "PRODUCTS_UPDATE": "products/update",
    "PRODUCTS_CREATE": "products/create",
    "PRODUCTS_DELETE": "products/delete",
    "APP_UNINSTALLED": "app/uninstalled",
}
SIZES = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]
COLOURS = ["Black", "White", "Navy", "Red", "Green", "Heather", "Sand", "Royal"]
KINDS = ["T-shirt", "Poster", "Mug", "Hoodie", "Tote bag", "Card", "Sticker", "Canvas"]


@dataclass
class SimulatorConfig:
    api_key: str = "storefronts-dev-app"
    api_secret: str = "storefronts-dev-app-secret"
    api_version: str = "2025-07"
    catalog_products: int = 2000
    variants_per_product: int = 3
    bucket_max: float = 2000.0
    restore_rate: float = 100.0
    throttle_every: int = 0  # every Nth GraphQL request answers 429 (0: never)
    webhook_attempts: int = 3
    webhook_retry_seconds: float = 0.5
    demo_shops: tuple[str, ...] = ("demo-shop.myshopify.com",)
    bulk_seconds: float = 0.5  # a bulk operation runs this long, plus its objects at the rate below
    bulk_objects_per_second: float = 50_000.0


def sign_webhook(body: bytes, secret: str) -> str:
    """``X-Shopify-Hmac-Sha256``: base64 of HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def sign_query(params: dict[str, str], secret: str) -> str:
    """The OAuth callback's ``hmac``: hex HMAC-SHA256 of the sorted ``k=v`` pairs but hmac."""

    def escape(text: str, *, key: bool) -> str:
        text = text.replace("%", "%25").replace("&", "%26")
        return text.replace("=", "%3D") if key else text

    message = "&".join(
        f"{escape(k, key=True)}={escape(v, key=False)}"
        for k, v in sorted(params.items())
        if k not in ("hmac", "signature")
    )
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def webhook_headers(
    *, topic: str, shop: str, body: bytes, secret: str, webhook_id: str | None = None, api_version: str = "2025-07"
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": sign_webhook(body, secret),
        "X-Shopify-Shop-Domain": shop,
        "X-Shopify-API-Version": api_version,
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Variant:
    id: int
    sku: str
    title: str
    price: str
    options: dict[str, str]


@dataclass
class Product:
    id: int
    title: str
    status: str = "ACTIVE"
    published: bool = True
    variants: list[Variant] = field(default_factory=list)
    updated_at: str = field(default_factory=_now)
    handle: str = ""
    description_html: str | None = None
    tags: list[str] = field(default_factory=list)


def build_catalog(products: int, variants_per_product: int, *, seed: int = 0) -> dict[int, Product]:
    catalog: dict[int, Product] = {}
    for n in range(products):
        product_id = 7_000_000_000 + seed * 1_000_000 + n
        kind = KINDS[n % len(KINDS)]
        product = Product(id=product_id, title=f"{kind} design #{n + 1}")
        for v in range(variants_per_product):
            size, colour = SIZES[v % len(SIZES)], COLOURS[(v // len(SIZES)) % len(COLOURS)]
            product.variants.append(
                Variant(
                    id=40_000_000_000 + seed * 10_000_000 + n * 100 + v,
                    sku=f"{kind[:3].upper()}-{n + 1:05d}-{size}-{colour[:3].upper()}",
                    title=f"{size} / {colour}",
                    price=f"{12 + (n % 20)}.{v % 10}0",
                    options={"Size": size, "Color": colour},
                )
            )
        catalog[product_id] = product
    return catalog


@dataclass
class Delivery:
    webhook_id: str
    topic: str
    uri: str
    body: bytes
    attempts: list[int] = field(default_factory=list)  # HTTP status per attempt (0: no answer)
    dropped: bool = False  # dropped on purpose by the test switch: never sent

    @property
    def delivered(self) -> bool:
        return bool(self.attempts) and 200 <= self.attempts[-1] < 300


@dataclass
class BulkOperation:
    """``bulkOperationRunQuery``: runs in the background, then its JSONL is at ``url``."""

    id: int
    query: str
    objects: int  # products and variants, each a line of the file
    roots: int  # products
    started: float = field(default_factory=time.monotonic)
    runs_for: float = 0.0
    fails: bool = False

    @property
    def gid(self) -> str:
        return f"gid://shopify/BulkOperation/{self.id}"

    def status(self) -> str:
        if time.monotonic() - self.started < self.runs_for:
            return "RUNNING"
        return "FAILED" if self.fails else "COMPLETED"


@dataclass
class Shop:
    domain: str
    catalog: dict[int, Product]
    name: str = ""
    currency: str = "EUR"
    tokens: dict[str, str] = field(default_factory=dict)  # token → scopes
    codes: dict[str, str] = field(default_factory=dict)  # code → scopes
    subscriptions: list[dict[str, str]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    failing_orders: dict[int, int] = field(default_factory=dict)  # order id → HTTP status of calls about it
    dropping_tracking: set[int] = field(default_factory=set)  # orders whose fulfillments lose their tracking
    fulfillment_orders: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # order id → its
    fulfillments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # order id → its
    refuse_products: list[str] = field(default_factory=list)  # userErrors messages for the next productSet calls
    next_product_id: int = 8_000_000_000
    next_variant_id: int = 50_000_000_000
    available: float = 0.0
    refilled_at: float = field(default_factory=time.monotonic)
    requests: int = 0
    throttled: int = 0
    order_number: int = 1000
    drop_webhooks: int = 0  # the next N deliveries are dropped on purpose (-1: every one until switched off)
    bulk_operations: list[BulkOperation] = field(default_factory=list)
    fail_next_bulk: int = 0  # the next N bulk operations end FAILED (INTERNAL_SERVER_ERROR)
    bulk_downloads: int = 0


class ShopifySimulator:
    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.shops: dict[str, Shop] = {}
        for domain in self.config.demo_shops:
            self.shop(domain)

    def shop(self, domain: str) -> Shop:
        if not SHOP_DOMAIN.match(domain):
            raise HTTPException(404, f"There is no shop at {domain}")
        if domain not in self.shops:
            self.shops[domain] = Shop(
                domain=domain,
                name=domain.split(".")[0].replace("-", " ").title(),
                catalog=build_catalog(
                    self.config.catalog_products, self.config.variants_per_product, seed=len(self.shops)
                ),
                available=self.config.bucket_max,
            )
        return self.shops[domain]

    # ------------------------------------------------------------------ throttle

    def _refill(self, shop: Shop) -> None:
        now = time.monotonic()
        shop.available = min(
            self.config.bucket_max, shop.available + (now - shop.refilled_at) * self.config.restore_rate
        )
        shop.refilled_at = now

    def _cost_extension(self, shop: Shop, requested: float, actual: float | None) -> dict[str, Any]:
        return {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": actual,
                "throttleStatus": {
                    "maximumAvailable": self.config.bucket_max,
                    "currentlyAvailable": round(shop.available, 1),
                    "restoreRate": self.config.restore_rate,
                },
            }
        }

    # ------------------------------------------------------------------ GraphQL

    def graphql(
        self, shop: Shop, query: str, variables: dict[str, Any], *, base_url: str = ""
    ) -> tuple[dict[str, Any], float]:
        if "bulkOperationRunQuery" in query:
            return self._bulk_run(shop, variables), 10
        if re.search(r"\bbulkOperation\s*\(", query):
            return self._bulk_status(shop, variables, base_url), 1
        if "fulfillmentCreate" in query:
            return self._fulfil(shop, variables), 10
        if re.search(r"\border\s*\(", query):
            return {"order": self._order_fulfillment(shop, variables)}, 5
        if re.search(r"\bproductSet\s*\(", query):
            return self._product_set(shop, variables), 10
        if "webhookSubscriptionCreate" in query:
            return self._subscribe(shop, variables), 10
        if "webhookSubscriptions" in query:
            return {"webhookSubscriptions": {"nodes": [dict(s) for s in shop.subscriptions]}}, 12
        if re.search(r"\bproducts\s*\(", query):
            return self._products(shop, query, variables)
        if re.search(r"\bproduct\s*\(", query):
            return self._product_variants(shop, query, variables)
        if re.search(r"\bshop\s*\{", query):
            return {
                "shop": {
                    "id": f"gid://shopify/Shop/{zlib.crc32(shop.domain.encode())}",
                    "name": shop.name,
                    "currencyCode": shop.currency,
                    "myshopifyDomain": shop.domain,
                    "plan": {"displayName": "Basic"},
                }
            }, 1
        raise HTTPException(400, "The simulator does not know this query")

    def _subscribe(self, shop: Shop, variables: dict[str, Any]) -> dict[str, Any]:
        topic, uri = str(variables.get("topic", "")), str(variables.get("uri", ""))
        errors = []
        if topic not in TOPIC_HEADERS:
            errors.append({"field": ["topic"], "message": f"Topic {topic} is not valid"})
        if not uri.startswith(("https://", "http://")):
            errors.append({"field": ["webhookSubscription", "uri"], "message": "Address is invalid"})
        if any(s["topic"] == topic and s["uri"] == uri for s in shop.subscriptions):
            errors.append(
                {"field": ["webhookSubscription", "uri"], "message": "Address for this topic has already been taken"}
            )
        if errors:
            return {"webhookSubscriptionCreate": {"webhookSubscription": None, "userErrors": errors}}
        subscription = {
            "id": f"gid://shopify/WebhookSubscription/{uuid.uuid4().int >> 80}",
            "topic": topic,
            "uri": uri,
        }
        shop.subscriptions.append(subscription)
        return {"webhookSubscriptionCreate": {"webhookSubscription": dict(subscription), "userErrors": []}}

    def _product_set(self, shop: Shop, variables: dict[str, Any]) -> dict[str, Any]:
        """``productSet(synchronous: true, input:, identifier:)``: creates the product, or updates
        the one whose handle the identifier names (its variants replaced by those of the input)."""
        product_input = dict(variables.get("input") or {})
        handle = str(((variables.get("identifier") or {}).get("handle")) or product_input.get("handle") or "")
        errors: list[dict[str, Any]] = []
        if shop.refuse_products:
            errors.append({"field": ["input"], "message": shop.refuse_products.pop(0), "code": "INVALID_PRODUCT"})
        title = str(product_input.get("title") or "").strip()
        if not title:
            errors.append({"field": ["input", "title"], "message": "Title can't be blank", "code": "BLANK"})
        variants_in = list(product_input.get("variants") or [])
        if len(variants_in) > 100:
            errors.append({"field": ["input", "variants"], "message": "Too many variants", "code": "INVALID_VARIANT"})
        if errors:
            return {"productSet": {"product": None, "userErrors": errors}}
        handle = handle or re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
        product = next((p for p in shop.catalog.values() if p.handle == handle), None)
        if product is None:
            shop.next_product_id += 1
            product = Product(id=shop.next_product_id, title=title, handle=handle)
            shop.catalog[product.id] = product
            existing: dict[str, Variant] = {}
        else:
            existing = {v.sku: v for v in product.variants}
        product.title = title
        product.status = str(product_input.get("status") or "ACTIVE")
        product.description_html = product_input.get("descriptionHtml")
        product.tags = [str(t) for t in product_input.get("tags") or []]
        product.updated_at = _now()
        product.variants = []
        for wanted in variants_in:
            options = {str(o["optionName"]): str(o["name"]) for o in wanted.get("optionValues") or []}
            sku = str((wanted.get("inventoryItem") or {}).get("sku") or "")
            variant = existing.get(sku) if sku else None
            if variant is None:
                shop.next_variant_id += 1
                variant = Variant(id=shop.next_variant_id, sku=sku, title="", price="0.00", options={})
            variant.options = options
            variant.title = " / ".join(options.values()) or "Default Title"
            variant.price = str(wanted.get("price") or "0.00")
            product.variants.append(variant)
        return {"productSet": {"product": _product_node(product, 250), "userErrors": []}}

    def _products(self, shop: Shop, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], float]:
        first = min(int(variables.get("first") or 50), 250)
        variants_first = int(m.group(1)) if (m := re.search(r"variants\(first:\s*(\d+)", query)) else 100
        products = sorted(shop.catalog.values(), key=lambda p: p.id)
        if search := variables.get("query"):
            wanted = {int(x) for x in re.findall(r"id:(\d+)", str(search))}
            products = [p for p in products if p.id in wanted]
        start = 0
        if after := variables.get("after"):
            last_id = int(base64.b64decode(str(after)).decode().split(":")[1])
            start = next((i for i, p in enumerate(products) if p.id > last_id), len(products))
        page = products[start : start + first]
        nodes = [_product_node(p, variants_first) for p in page]
        has_next = start + first < len(products)
        data: dict[str, Any] = {
            "products": {
                "pageInfo": {
                    "hasNextPage": has_next,
                    "endCursor": base64.b64encode(f"cursor:{page[-1].id}".encode()).decode() if page else None,
                },
                "nodes": nodes,
            }
        }
        if "productsCount" in query and variables.get("withCount", True):
            data["productsCount"] = {"count": len(products)}
        cost = 2 + first * (1 + variants_first / 10)
        return data, cost

    # ------------------------------------------------------------------ bulk operations

    def _bulk_run(self, shop: Shop, variables: dict[str, Any]) -> dict[str, Any]:
        """``bulkOperationRunQuery(query:)``: one bulk query at a time per shop and app; the
        simulator knows how to run a ``products`` query (products and their variants)."""
        query = str(variables.get("query", ""))
        running = next((op for op in shop.bulk_operations if op.status() == "RUNNING"), None)
        errors = []
        if running is not None:
            errors.append(
                {
                    "field": None,
                    "message": f"A bulk query operation for this app and shop is already in progress: {running.gid}.",
                }
            )
        elif not re.search(r"\bproducts\b", query):
            errors.append({"field": ["query"], "message": "Invalid bulk query: the simulator runs products queries"})
        if errors:
            return {"bulkOperationRunQuery": {"bulkOperation": None, "userErrors": errors}}
        variants = sum(len(p.variants) for p in shop.catalog.values()) if re.search(r"\bvariants\b", query) else 0
        objects = len(shop.catalog) + variants
        operation = BulkOperation(
            id=9_000_000 + len(shop.bulk_operations) + 1,
            query=query,
            objects=objects,
            roots=len(shop.catalog),
            runs_for=self.config.bulk_seconds + objects / self.config.bulk_objects_per_second,
            fails=shop.fail_next_bulk > 0,
        )
        shop.fail_next_bulk = max(shop.fail_next_bulk - 1, 0)
        shop.bulk_operations.append(operation)
        return {
            "bulkOperationRunQuery": {"bulkOperation": {"id": operation.gid, "status": "CREATED"}, "userErrors": []}
        }

    def _bulk_status(self, shop: Shop, variables: dict[str, Any], base_url: str) -> dict[str, Any]:
        wanted = str(variables.get("id", ""))
        operation = next((op for op in shop.bulk_operations if op.gid == wanted), None)
        if operation is None:
            return {"bulkOperation": None}
        status = operation.status()
        done = status == "COMPLETED"
        return {
            "bulkOperation": {
                "id": operation.gid,
                "status": status,
                "errorCode": "INTERNAL_SERVER_ERROR" if status == "FAILED" else None,
                "objectCount": str(operation.objects if done else 0),
                "rootObjectCount": str(operation.roots if done else 0),
                "url": f"{base_url.rstrip('/')}/simulator/bulk/{shop.domain}/{operation.id}.jsonl" if done else None,
                "partialDataUrl": None,
            }
        }

    def bulk_lines(self, shop: Shop, operation: BulkOperation) -> list[bytes]:
        """The operation's JSONL: a line per product, then a line per variant naming its product in
        ``__parentId`` (Shopify does not promise any order of the lines: every product first is the
        hardest a reader can get)."""
        products = sorted(shop.catalog.values(), key=lambda p: p.id)
        lines = []
        for product in products:
            node = _product_node(product, 0)
            del node["variants"]
            lines.append(_json(node))
        if re.search(r"\bvariants\b", operation.query):
            for product in products:
                parent = f"gid://shopify/Product/{product.id}"
                for variant in _variant_connection(product, len(product.variants), None)["nodes"]:
                    lines.append(_json(variant | {"__parentId": parent}))
        return lines

    def _product_variants(self, shop: Shop, query: str, variables: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """``product(id:) { variants(first:, after:) }``: the variants past a product's first page."""
        product_id = int(str(variables.get("id", "")).rsplit("/", 1)[-1] or 0)
        first = min(int(m.group(1)) if (m := re.search(r"variants\(first:\s*(\d+)", query)) else 250, 250)
        product = shop.catalog.get(product_id)
        if product is None:
            return {"product": None}, 1
        return {"product": {"variants": _variant_connection(product, first, variables.get("after"))}}, 1 + first / 10

    # ------------------------------------------------------------------ fulfillment

    def add_order(self, shop: Shop, order: dict[str, Any]) -> None:
        """An order placed: Shopify opens one fulfillment order with every line (one location)."""
        shop.orders.append(order)
        order_id = int(order["id"])
        shop.fulfillment_orders[order_id] = [
            {
                "id": f"gid://shopify/FulfillmentOrder/{order_id}1",
                "status": "OPEN",
                "lineItems": [
                    {
                        "id": f"gid://shopify/FulfillmentOrderLineItem/{line['id']}",
                        "remainingQuantity": int(line["quantity"]),
                        "lineItem": {"id": f"gid://shopify/LineItem/{line['id']}", "sku": line.get("sku")},
                    }
                    for line in order["line_items"]
                ],
            }
        ]
        shop.fulfillments[order_id] = []

    def order_about(self, shop: Shop, query: str, variables: dict[str, Any]) -> int | None:
        """The order a query or mutation is about (to fail only the calls about one order)."""
        if "fulfillmentCreate" in query:
            wanted = {
                str(group.get("fulfillmentOrderId"))
                for group in (variables.get("fulfillment") or {}).get("lineItemsByFulfillmentOrder") or []
            }
            return next(
                (oid for oid, fos in shop.fulfillment_orders.items() if any(fo["id"] in wanted for fo in fos)), None
            )
        if re.search(r"\border\s*\(", query):
            return _legacy_id(variables.get("id"))
        return None

    def _order_fulfillment(self, shop: Shop, variables: dict[str, Any]) -> dict[str, Any] | None:
        order_id = _legacy_id(variables.get("id"))
        if order_id is None or order_id not in shop.fulfillment_orders:
            return None
        return {
            "id": f"gid://shopify/Order/{order_id}",
            "displayFulfillmentStatus": _fulfillment_status(shop.fulfillment_orders[order_id]),
            "fulfillments": [dict(f) for f in shop.fulfillments[order_id]],
            "fulfillmentOrders": {
                "nodes": [
                    {
                        "id": fo["id"],
                        "status": fo["status"],
                        "lineItems": {"nodes": [dict(item) for item in fo["lineItems"]]},
                    }
                    for fo in shop.fulfillment_orders[order_id]
                ]
            },
        }

    def _fulfil(self, shop: Shop, variables: dict[str, Any]) -> dict[str, Any]:
        """``fulfillmentCreate(fulfillment: FulfillmentInput!)``: all or nothing."""
        given = variables.get("fulfillment") or {}
        groups = given.get("lineItemsByFulfillmentOrder") or []
        errors: list[dict[str, Any]] = []
        found = {fo["id"]: (oid, fo) for oid, fos in shop.fulfillment_orders.items() for fo in fos}
        planned: list[tuple[dict[str, Any], int]] = []
        orders = set()
        if not groups:
            errors.append({"field": ["fulfillment", "lineItemsByFulfillmentOrder"], "message": "can't be blank"})
        for group in groups:
            entry = found.get(str(group.get("fulfillmentOrderId")))
            if entry is None:
                errors.append({"field": ["fulfillment"], "message": "Fulfillment order does not exist."})
                continue
            order_id, fulfillment_order = entry
            orders.add(order_id)
            if fulfillment_order["status"] not in ("OPEN", "IN_PROGRESS"):
                errors.append({"field": ["fulfillment"], "message": "Fulfillment order is not in an open state."})
                continue
            items = {item["id"]: item for item in fulfillment_order["lineItems"]}
            asked = group.get("fulfillmentOrderLineItems")
            if asked is None:  # none given: everything that remains
                asked = [{"id": i["id"], "quantity": i["remainingQuantity"]} for i in items.values()]
            for line in asked:
                item = items.get(str(line.get("id")))
                quantity = int(line.get("quantity") or 0)
                if item is None or quantity <= 0 or quantity > item["remainingQuantity"]:
                    errors.append(
                        {"field": ["fulfillment"], "message": "Invalid fulfillment order line item quantity requested."}
                    )
                    continue
                planned.append((item, quantity))
        if len(orders) > 1:
            errors.append(
                {"field": ["fulfillment"], "message": "All fulfillment orders must belong to the same order."}
            )
        if not errors and not planned:
            errors.append({"field": ["fulfillment"], "message": "Nothing left to fulfill."})
        if errors:
            return {"fulfillmentCreate": {"fulfillment": None, "userErrors": errors}}
        for item, quantity in planned:
            item["remainingQuantity"] -= quantity
        order_id = orders.pop()
        for fulfillment_order in shop.fulfillment_orders[order_id]:
            remaining = sum(i["remainingQuantity"] for i in fulfillment_order["lineItems"])
            fulfillment_order["status"] = "CLOSED" if remaining == 0 else "IN_PROGRESS"
        tracking = given.get("trackingInfo") or {}
        fulfillment = {
            "id": f"gid://shopify/Fulfillment/{order_id}{len(shop.fulfillments[order_id]) + 1}",
            "status": "SUCCESS",
            "createdAt": _now(),
            "notifyCustomer": bool(given.get("notifyCustomer")),
            "trackingInfo": [
                {"company": tracking.get("company"), "number": tracking.get("number"), "url": tracking.get("url")}
            ]
            if tracking.get("number") and order_id not in shop.dropping_tracking
            else [],
            "fulfillmentLineItems": [{"id": item["lineItem"]["id"], "quantity": q} for item, q in planned],
        }
        shop.fulfillments[order_id].append(fulfillment)
        order = next((o for o in shop.orders if int(o["id"]) == order_id), None)
        if order is not None:
            status = _fulfillment_status(shop.fulfillment_orders[order_id])
            order["fulfillment_status"] = {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}.get(status)
        return {"fulfillmentCreate": {"fulfillment": dict(fulfillment), "userErrors": []}}

    # ------------------------------------------------------------------ webhooks out

    async def deliver(self, shop: Shop, topic_enum: str, payload: dict[str, Any]) -> list[Delivery]:
        body = _json(payload)
        deliveries = []
        for subscription in [s for s in shop.subscriptions if s["topic"] == topic_enum]:
            delivery = Delivery(
                webhook_id=str(uuid.uuid4()), topic=TOPIC_HEADERS[topic_enum], uri=subscription["uri"], body=body
            )
            shop.deliveries.append(delivery)
            deliveries.append(delivery)
            if shop.drop_webhooks:
                delivery.dropped = True
                shop.drop_webhooks -= 1 if shop.drop_webhooks > 0 else 0
                continue
            await self.send(shop, delivery)
        return deliveries

    async def send(self, shop: Shop, delivery: Delivery) -> None:
        """One delivery, tried ``webhook_attempts`` times, with the same webhook id."""
        headers = webhook_headers(
            topic=delivery.topic,
            shop=shop.domain,
            body=delivery.body,
            secret=self.config.api_secret,
            webhook_id=delivery.webhook_id,
            api_version=self.config.api_version,
        )
        async with httpx.AsyncClient(timeout=5) as http:
            for attempt in range(self.config.webhook_attempts):
                try:
                    response = await http.post(delivery.uri, content=delivery.body, headers=headers)
                    delivery.attempts.append(response.status_code)
                    if 200 <= response.status_code < 300:
                        return
                except httpx.HTTPError:
                    delivery.attempts.append(0)
                if attempt + 1 < self.config.webhook_attempts:
                    await asyncio.sleep(self.config.webhook_retry_seconds * (attempt + 1))

    def order_payload(
        self, shop: Shop, *, lines: list[tuple[int, int]] | None = None, test: bool = False
    ) -> dict[str, Any]:
        """A Shopify order (REST shape, as orders/create delivers it). ``lines``: (variant id, quantity)."""
        variants = {v.id: (p, v) for p in shop.catalog.values() for v in p.variants}
        if not lines:
            product = next(iter(sorted(shop.catalog.values(), key=lambda p: p.id)))
            lines = [(product.variants[0].id, 1)]
        shop.order_number += 1
        order_id = 5_000_000_000 + len(shop.orders) + 1 + zlib.crc32(shop.domain.encode()) % 1000 * 100_000
        line_items = []
        total = 0.0
        for n, (variant_id, quantity) in enumerate(lines):
            product, variant = variants[variant_id]
            total += float(variant.price) * quantity
            line_items.append(
                {
                    "id": order_id * 10 + n,
                    "product_id": product.id,
                    "variant_id": variant.id,
                    "sku": variant.sku,
                    "title": product.title,
                    "variant_title": variant.title,
                    "name": f"{product.title} - {variant.title}",
                    "quantity": quantity,
                    "price": variant.price,
                    "properties": [{"name": "Gift message", "value": "Happy birthday!"}] if n == 0 else [],
                }
            )
        shipping = 4.90
        address = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": None,
            "address1": "12 rue des Imprimeurs",
            "address2": None,
            "city": "Lyon",
            "province": None,
            "province_code": None,
            "zip": "69002",
            "country": "France",
            "country_code": "FR",
            "phone": "+33 4 00 00 00 00",
        }
        return {
            "id": order_id,
            "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
            "name": f"#{shop.order_number}",
            "order_number": shop.order_number,
            "email": "ada@example.com",
            "contact_email": "ada@example.com",
            "created_at": _now(),
            "processed_at": _now(),
            "updated_at": _now(),
            "currency": shop.currency,
            "presentment_currency": shop.currency,
            "total_price": f"{total + shipping:.2f}",
            "subtotal_price": f"{total:.2f}",
            "total_tax": f"{total * 0.2 / 1.2:.2f}",
            "total_shipping_price_set": {
                "shop_money": {"amount": f"{shipping:.2f}", "currency_code": shop.currency},
                "presentment_money": {"amount": f"{shipping:.2f}", "currency_code": shop.currency},
            },
            "financial_status": "paid",
            "fulfillment_status": None,
            "test": test,
            "note": "Please gift wrap",
            "customer": {"id": 6_000_000_001, "email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"},
            "shipping_address": address,
            "billing_address": address,
            "shipping_lines": [{"title": "Standard", "price": f"{shipping:.2f}", "code": "STANDARD"}],
            "line_items": line_items,
            "cancelled_at": None,
            "cancel_reason": None,
        }


def _product_node(product: Product, variants_first: int) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/Product/{product.id}",
        "legacyResourceId": str(product.id),
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "publishedAt": "2026-01-01T00:00:00Z" if product.published else None,
        "featuredImage": {"url": f"https://cdn.example/{product.id}.png"},
        "variants": _variant_connection(product, variants_first, None),
    }


def _variant_connection(product: Product, first: int, after: object) -> dict[str, Any]:
    start = 0
    if after:
        last_id = int(base64.b64decode(str(after)).decode().split(":")[1])
        start = next((i for i, v in enumerate(product.variants) if v.id > last_id), len(product.variants))
    page = product.variants[start : start + first]
    return {
        "pageInfo": {
            "hasNextPage": start + first < len(product.variants),
            "endCursor": base64.b64encode(f"variant:{page[-1].id}".encode()).decode() if page else None,
        },
        "nodes": [
            {
                "id": f"gid://shopify/ProductVariant/{v.id}",
                "legacyResourceId": str(v.id),
                "sku": v.sku,
                "title": v.title,
                "price": v.price,
                "selectedOptions": [{"name": k, "value": val} for k, val in v.options.items()],
            }
            for v in page
        ],
    }


def _legacy_id(gid: object) -> int | None:
    """``gid://shopify/Order/123`` (or ``123``) → 123."""
    tail = str(gid or "").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _fulfillment_status(fulfillment_orders: list[dict[str, Any]]) -> str:
    remaining = sum(i["remainingQuantity"] for fo in fulfillment_orders for i in fo["lineItems"])
    if remaining == 0:
        return "FULFILLED"
    if any(fo["status"] == "IN_PROGRESS" for fo in fulfillment_orders):
        return "PARTIALLY_FULFILLED"
    return "UNFULFILLED"


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def create_app(config: SimulatorConfig | None = None) -> FastAPI:
    sim = ShopifySimulator(config)
    app = FastAPI(title="Shopify simulator", description=__doc__)
    app.state.simulator = sim

    @app.get("/healthz")
    async def healthz() -> Any:
        return {"status": "ok", "shops": sorted(sim.shops)}

    # ------------------------------------------------------------------ OAuth

    @app.get("/shops/{shop}/admin/oauth/authorize")
    async def authorize(shop: str, client_id: str, scope: str, redirect_uri: str, state: str) -> Any:
        target = sim.shop(shop)
        if client_id != sim.config.api_key:
            raise HTTPException(400, "Oauth error invalid_request: The client_id is not valid")
        code = secrets.token_hex(16)
        target.codes[code] = scope
        params = {
            "code": code,
            "host": base64.b64encode(f"{shop}/admin".encode()).decode().rstrip("="),
            "shop": shop,
            "state": state,
            "timestamp": str(int(time.time())),
        }
        params["hmac"] = sign_query(params, sim.config.api_secret)
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{urlencode(params)}", status_code=302)

    @app.post("/shops/{shop}/admin/oauth/access_token")
    async def access_token(shop: str, request: Request) -> Any:
        target = sim.shop(shop)
        body = await request.json()
        if body.get("client_id") != sim.config.api_key or body.get("client_secret") != sim.config.api_secret:
            return JSONResponse({"error": "invalid_client"}, status_code=400)
        scopes = target.codes.pop(str(body.get("code")), None)
        if scopes is None:
            return JSONResponse(
                {
                    "error": "invalid_request",
                    "error_description": "The authorization code was not found or was already used",
                },
                status_code=400,
            )
        token = "shpat_" + secrets.token_hex(16)
        target.tokens[token] = scopes
        return {"access_token": token, "scope": scopes}

    # ------------------------------------------------------------------ Admin GraphQL

    @app.post("/shops/{shop}/admin/api/{version}/graphql.json")
    async def graphql(shop: str, version: str, request: Request) -> Any:
        target = sim.shop(shop)
        target.requests += 1
        if target.fail_next:
            return JSONResponse({"errors": "Internal error"}, status_code=target.fail_next.pop(0))
        if request.headers.get("x-shopify-access-token") not in target.tokens:
            return JSONResponse(
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                status_code=401,
            )
        every = sim.config.throttle_every
        if every and target.requests % every == 0:
            target.throttled += 1
            return JSONResponse(
                {
                    "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
                },
                status_code=429,
                headers={"Retry-After": "0.2"},
            )
        body = await request.json()
        query, variables = str(body.get("query", "")), dict(body.get("variables") or {})
        about = sim.order_about(target, query, variables)
        if about is not None and about in target.failing_orders:
            return JSONResponse({"errors": "Internal error"}, status_code=target.failing_orders[about])
        data, cost = sim.graphql(target, query, variables, base_url=str(request.base_url))
        sim._refill(target)
        if cost > target.available:
            target.throttled += 1
            return {
                "errors": [
                    {
                        "message": "Throttled",
                        "extensions": {
                            "code": "THROTTLED",
                            "documentation": "https://shopify.dev/api/usage/rate-limits",
                        },
                    }
                ],
                "extensions": sim._cost_extension(target, cost, None),
            }
        target.available -= cost
        return {"data": data, "extensions": sim._cost_extension(target, cost, cost)}

    # ------------------------------------------------------------------ Admin REST

    @app.get("/shops/{shop}/admin/api/{version}/orders.json")
    async def list_orders(shop: str, version: str, request: Request) -> Any:
        target = sim.shop(shop)
        target.requests += 1
        if target.fail_next:
            return JSONResponse({"errors": "Internal error"}, status_code=target.fail_next.pop(0))
        if request.headers.get("x-shopify-access-token") not in target.tokens:
            return JSONResponse(
                {"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"},
                status_code=401,
            )
        query = request.query_params
        limit = min(max(int(query.get("limit") or 50), 1), 250)
        if page_info := query.get("page_info"):
            try:
                state = json.loads(base64.urlsafe_b64decode(page_info.encode()).decode())
            except ValueError:
                return JSONResponse({"errors": {"page_info": ["Invalid value."]}}, status_code=400)
        else:
            state = {
                "status": query.get("status") or "open",
                "created_at_min": query.get("created_at_min"),
                "updated_at_min": query.get("updated_at_min"),
                "before_id": None,
            }
        listed = sorted(target.orders, key=lambda o: o["id"], reverse=True)
        if state["status"] == "open":
            listed = [o for o in listed if not o.get("cancelled_at")]
        elif state["status"] == "cancelled":
            listed = [o for o in listed if o.get("cancelled_at")]
        for name, key in (("created_at_min", "created_at"), ("updated_at_min", "updated_at")):
            if state.get(name):
                bound = datetime.fromisoformat(str(state[name]).replace("Z", "+00:00"))
                listed = [o for o in listed if datetime.fromisoformat(o[key]) >= bound]
        if state.get("before_id"):
            listed = [o for o in listed if o["id"] < state["before_id"]]
        page = listed[:limit]
        headers = {}
        if len(listed) > limit:
            following = base64.urlsafe_b64encode(json.dumps(state | {"before_id": page[-1]["id"]}).encode()).decode()
            address = str(request.url.replace(query=urlencode({"limit": limit, "page_info": following})))
            headers["Link"] = f'<{address}>; rel="next"'
        return JSONResponse({"orders": page}, headers=headers)

    # ------------------------------------------------------------------ controls

    @app.post("/simulator/shops/{shop}/webhooks/drop")
    async def drop_webhooks(shop: str, request: Request) -> Any:
        """Drops webhooks on purpose: ``{"count": N}`` the next N deliveries, ``{"all": true}``
        every one until ``{"all": false}``. A dropped delivery is recorded, never sent."""
        target = sim.shop(shop)
        options = await request.json()
        if "all" in options:
            target.drop_webhooks = -1 if options["all"] else 0
        else:
            target.drop_webhooks = int(options.get("count", 1))
        return {"drop_webhooks": target.drop_webhooks}

    @app.delete("/simulator/shops/{shop}/subscriptions")
    async def delete_subscriptions(shop: str, topic: str | None = None) -> Any:
        """Deletes the subscriptions of ``topic`` (a GraphQL enum, e.g. ORDERS_CREATE; none: all),
        as Shopify does after a subscription's deliveries failed for hours."""
        target = sim.shop(shop)
        kept = [s for s in target.subscriptions if topic is not None and s["topic"] != topic]
        removed = len(target.subscriptions) - len(kept)
        target.subscriptions[:] = kept
        return {"removed": removed}

    @app.get("/simulator/shops/{shop}")
    async def look(shop: str) -> Any:
        target = sim.shop(shop)
        return {
            "shop": target.domain,
            "products": len(target.catalog),
            "variants": sum(len(p.variants) for p in target.catalog.values()),
            "subscriptions": target.subscriptions,
            "tokens": len(target.tokens),
            "requests": target.requests,
            "throttled": target.throttled,
            "bulk_operations": [{"id": op.gid, "status": op.status()} for op in target.bulk_operations],
            "bulk_downloads": target.bulk_downloads,
            "deliveries": [
                {
                    "webhook_id": d.webhook_id,
                    "topic": d.topic,
                    "uri": d.uri,
                    "attempts": d.attempts,
                    "delivered": d.delivered,
                    "dropped": d.dropped,
                }
                for d in target.deliveries
            ],
        }

    @app.post("/simulator/shops/{shop}/orders")
    async def place_order(shop: str, request: Request) -> Any:
        """Places an order in the shop (body optional: ``{"lines": [[variant_id, quantity]], "test": false}``)
        and delivers orders/create to every subscription, signed."""
        target = sim.shop(shop)
        raw = await request.body()
        options = (await request.json()) if raw else {}
        lines = [(int(v), int(q)) for v, q in options.get("lines") or []] or None
        order = sim.order_payload(target, lines=lines, test=bool(options.get("test")))
        sim.add_order(target, order)
        deliveries = await sim.deliver(target, "ORDERS_CREATE", order)
        return {
            "order": order,
            "deliveries": [{"webhook_id": d.webhook_id, "uri": d.uri, "attempts": d.attempts} for d in deliveries],
        }

    @app.post("/simulator/shops/{shop}/orders/{order_id}/cancel")
    async def cancel_order(shop: str, order_id: int) -> Any:
        target = sim.shop(shop)
        order = next((o for o in target.orders if o["id"] == order_id), None)
        if order is None:
            raise HTTPException(404, "No such order")
        order.update(cancelled_at=_now(), cancel_reason="customer")
        deliveries = await sim.deliver(target, "ORDERS_CANCELLED", order)
        return {"deliveries": [{"webhook_id": d.webhook_id, "attempts": d.attempts} for d in deliveries]}

    @app.get("/simulator/shops/{shop}/orders/{order_id}/fulfillments")
    async def fulfillments(shop: str, order_id: int) -> Any:
        """The fulfillments created on an order (tracking included) and its fulfillment orders."""
        target = sim.shop(shop)
        if order_id not in target.fulfillment_orders:
            raise HTTPException(404, "No such order")
        return {
            "fulfillments": target.fulfillments[order_id],
            "fulfillment_orders": target.fulfillment_orders[order_id],
        }

    @app.put("/simulator/shops/{shop}/orders/{order_id}/failure")
    async def fail_order(shop: str, order_id: int, request: Request) -> Any:
        """Every API call about this order answers ``status`` (default 503) until the failure is deleted."""
        raw = await request.body()
        status = int(((await request.json()) if raw else {}).get("status", 503))
        sim.shop(shop).failing_orders[order_id] = status
        return {"order_id": order_id, "status": status}

    @app.put("/simulator/shops/{shop}/orders/{order_id}/tracking-dropped")
    async def drop_tracking(shop: str, order_id: int) -> Any:
        """Fulfillments of this order are created without their tracking (what a read back must notice)."""
        sim.shop(shop).dropping_tracking.add(order_id)
        return {"order_id": order_id, "tracking_dropped": True}

    @app.delete("/simulator/shops/{shop}/orders/{order_id}/failure")
    async def heal_order(shop: str, order_id: int) -> Any:
        sim.shop(shop).failing_orders.pop(order_id, None)
        return {"order_id": order_id, "status": None}

    @app.post("/simulator/shops/{shop}/deliveries/{webhook_id}/redeliver")
    async def redeliver(shop: str, webhook_id: str) -> Any:
        """Delivers a webhook again with the same ``X-Shopify-Webhook-Id`` (Shopify's retries do)."""
        target = sim.shop(shop)
        delivery = next((d for d in target.deliveries if d.webhook_id == webhook_id), None)
        if delivery is None:
            raise HTTPException(404, "No such delivery")
        await sim.send(target, delivery)
        return {"attempts": delivery.attempts}

    @app.post("/simulator/shops/{shop}/uninstall")
    async def uninstall(shop: str) -> Any:
        """The merchant removes the app: app/uninstalled is delivered and the tokens stop working."""
        target = sim.shop(shop)
        deliveries = await sim.deliver(
            target,
            "APP_UNINSTALLED",
            {"id": 1, "name": target.name, "myshopify_domain": target.domain, "domain": target.domain},
        )
        target.tokens.clear()
        target.subscriptions.clear()
        return {"deliveries": [{"webhook_id": d.webhook_id, "attempts": d.attempts} for d in deliveries]}

    @app.post("/simulator/shops/{shop}/tokens/revoke")
    async def revoke(shop: str) -> Any:
        sim.shop(shop).tokens.clear()
        return {"revoked": True}

    @app.post("/simulator/shops/{shop}/failures")
    async def fail(shop: str, request: Request) -> Any:
        """The next ``count`` API calls answer ``status`` (default 503)."""
        options = await request.json()
        sim.shop(shop).fail_next.extend([int(options.get("status", 503))] * int(options.get("count", 1)))
        return {"queued": len(sim.shop(shop).fail_next)}

    @app.post("/simulator/shops/{shop}/bulk/failures")
    async def fail_bulk(shop: str, request: Request) -> Any:
        """The next ``count`` bulk operations end FAILED."""
        options = await request.json()
        sim.shop(shop).fail_next_bulk += int(options.get("count", 1))
        return {"failing": sim.shop(shop).fail_next_bulk}

    @app.get("/simulator/bulk/{shop}/{operation_id}.jsonl")
    async def bulk_result(shop: str, operation_id: int) -> Any:
        """Where a completed bulk operation's ``url`` points (Shopify's storage: no access token)."""
        target = sim.shop(shop)
        operation = next((op for op in target.bulk_operations if op.id == operation_id), None)
        if operation is None or operation.status() != "COMPLETED":
            return JSONResponse({"error": "NoSuchKey"}, status_code=404)
        target.bulk_downloads += 1
        return Response(b"\n".join(sim.bulk_lines(target, operation)) + b"\n", media_type="application/jsonl")

    @app.patch("/simulator/shops/{shop}/products/{product_id}")
    async def change_product(shop: str, product_id: int, request: Request) -> Any:
        """Changes a product (``title``, ``status``: ACTIVE/DRAFT/ARCHIVED, ``published``) and
        delivers products/update."""
        target = sim.shop(shop)
        product = target.catalog.get(product_id)
        if product is None:
            raise HTTPException(404, "No such product")
        changes = await request.json()
        product.title = str(changes.get("title", product.title))
        product.status = str(changes.get("status", product.status))
        product.published = bool(changes.get("published", product.published))
        product.updated_at = _now()
        await sim.deliver(
            target,
            "PRODUCTS_UPDATE",
            {
                "id": product.id,
                "title": product.title,
                "status": product.status.lower(),
                "updated_at": product.updated_at,
            },
        )
        return {"id": product.id, "title": product.title, "status": product.status}

    @app.get("/simulator/shops/{shop}/products")
    async def products_of_handle(shop: str, handle: str) -> Any:
        """The shop's products of a handle (a test sees that a product was created once)."""
        target = sim.shop(shop)
        return {"products": [_product_node(p, 250) for p in target.catalog.values() if p.handle == handle]}

    @app.get("/simulator/shops/{shop}/products/{product_id}")
    async def product(shop: str, product_id: int) -> Any:
        found = sim.shop(shop).catalog.get(product_id)
        if found is None:
            raise HTTPException(404, "No such product")
        return _product_node(found, 250) | {"descriptionHtml": found.description_html, "tags": found.tags}

    @app.post("/simulator/shops/{shop}/products/refusals")
    async def refuse_products(shop: str, request: Request) -> Any:
        """The next ``count`` productSet calls answer a user error ``message``."""
        options = await request.json()
        target = sim.shop(shop)
        target.refuse_products.extend(
            [str(options.get("message", "Product is invalid"))] * int(options.get("count", 1))
        )
        return {"queued": len(target.refuse_products)}

    @app.delete("/simulator/shops/{shop}/products/{product_id}")
    async def delete_product(shop: str, product_id: int) -> Any:
        target = sim.shop(shop)
        if target.catalog.pop(product_id, None) is None:
            raise HTTPException(404, "No such product")
        await sim.deliver(target, "PRODUCTS_DELETE", {"id": product_id})
        return {"deleted": product_id}

    return app


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Run the Shopify simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SHOPIFY_SIMULATOR_PORT", "8090")))
    parser.add_argument("--products", type=int, default=2000, help="products per shop")
    parser.add_argument("--variants", type=int, default=3, help="variants per product")
    parser.add_argument("--api-key", default=SimulatorConfig.api_key)
    parser.add_argument("--api-secret", default=SimulatorConfig.api_secret)
    args = parser.parse_args()
    config = SimulatorConfig(
        api_key=args.api_key,
        api_secret=args.api_secret,
        catalog_products=args.products,
        variants_per_product=args.variants,
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
