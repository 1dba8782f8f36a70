"""A WooCommerce shop as its REST API v3 shows it (platforms.md §3), for tests and `make up`.

- Authentication with a consumer key and secret: HTTP Basic (username = key, password =
  secret) or ``?consumer_key=&consumer_secret=``; an unknown key or a wrong secret gets
  WooCommerce's 401 JSON. (The simulator takes Basic over plain HTTP too, as a shop behind a
  TLS-terminating proxy does; the connector decides whether plain HTTP is acceptable.) A
  ``read`` key may only GET.
- ``GET /wp-json/wc/v3/system_status``, products and their variations, orders, with page
  pagination (``page`` from 1, ``per_page`` 1..100, ``X-WP-Total``, ``X-WP-TotalPages``, a
  ``Link`` header), webhooks CRUD, order notes (``GET``/``POST /orders/{id}/notes``: core
  WooCommerce has no tracking field, shipping notes to the buyer carry it).
- Webhook delivery as WooCommerce's Hookshot does it: ``POST`` JSON with ``X-WC-Webhook-*``
  headers, ``X-WC-Webhook-Signature`` = base64(HMAC-SHA256(secret, raw body)); the ping right
  after a webhook is created (form body ``webhook_id=N``, no signature, no ``X-WC-Webhook-*``
  headers); no retries; a webhook whose deliveries keep failing is disabled.
- Failure modes: the next N API calls answer 429 (with ``Retry-After``) or a 5xx.
- A demo: ``POST /_simulator/orders`` places an order (``order.created`` is delivered),
  ``POST /_simulator/orders/{id}/status`` changes its status (``order.updated``).
- Tests may drop deliveries on purpose (``drop_deliveries``: the next N, -1 every one; recorded
  with ``dropped``, never sent) or disable a webhook (``disable_webhook``), as WooCommerce does
  after repeated failures.

``python -m platform_simulators.woocommerce --port 8091`` serves a demo shop and prints its keys.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

API = "/wp-json/wc/v3"
TOPICS = {
    f"{resource}.{event}"
    for resource in ("coupon", "customer", "order", "product")
    for event in ("created", "updated", "deleted", "restored")
}
MAX_DELIVERY_FAILURES = 5  # woocommerce_max_webhook_delivery_failures: disabled when already above it
WC_VERSION = "9.4.2"
WP_VERSION = "6.7.1"


@dataclass
class ApiKey:
    consumer_key: str
    consumer_secret: str
    permissions: str = "read_write"  # read, write or read_write


@dataclass
class Webhook:
    id: int
    name: str
    topic: str
    delivery_url: str
    secret: str
    status: str = "active"
    failure_count: int = 0
    created_at: str = ""

    def as_json(self) -> dict[str, Any]:
        resource, event = self.topic.split(".", 1)
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "topic": self.topic,
            "resource": resource,
            "event": event,
            "hooks": [f"woocommerce_{resource}_{event}"],
            "delivery_url": self.delivery_url,
            "date_created": self.created_at,
            "date_created_gmt": self.created_at,
        }


@dataclass
class Delivery:
    """One POST the shop made to a webhook's address, and how it was answered."""

    webhook_id: int
    topic: str
    url: str
    body: bytes
    headers: dict[str, str]
    status_code: int | None = None
    error: str | None = None
    ping: bool = False
    dropped: bool = False  # dropped on purpose by a test: never sent

    @property
    def delivery_id(self) -> str:
        return self.headers.get("X-WC-Webhook-Delivery-ID", "")

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 303


@dataclass
class Failure:
    status: int
    retry_after: int | None = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def sign(secret: str, body: bytes) -> str:
    """X-WC-Webhook-Signature: base64 of the binary HMAC-SHA256 of the raw body."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def _error(code: str, message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": {"status": status}}, status, headers=headers)


class WooShop:
    """The shop's state: keys, catalog, orders, webhooks, deliveries, failures to come."""

    def __init__(self, *, name: str = "Demo Woo Shop", currency: str = "EUR") -> None:
        self.name = name
        self.currency = currency
        self.base_url = "http://shop.invalid"  # set by `serve`/the app's first request
        self.keys: dict[str, ApiKey] = {}
        self.products: list[dict[str, Any]] = []
        self.variations: dict[int, list[dict[str, Any]]] = {}
        self.orders: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}  # order id → its notes, newest first
        self.webhooks: dict[int, Webhook] = {}
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self._failures: deque[Failure] = deque()
        self._ids = itertools.count(100)
        self._webhook_ids = itertools.count(1)
        self._deliveries_sent = itertools.count(1)
        self._background: set[asyncio.Task[None]] = set()
        self.transport: httpx.AsyncBaseTransport | None = None  # tests may route deliveries elsewhere
        self.moved_to: str | None = None  # set: the site answers 301 to this address (e.g. www.)
        self.drop_deliveries = 0  # the next N deliveries are dropped on purpose (-1: every one)

    # -- set up -----------------------------------------------------------------------------
    def add_key(
        self, permissions: str = "read_write", *, consumer_key: str | None = None, consumer_secret: str | None = None
    ) -> ApiKey:
        key = ApiKey(
            consumer_key or "ck_" + secrets.token_hex(20), consumer_secret or "cs_" + secrets.token_hex(20), permissions
        )
        self.keys[key.consumer_key] = key
        return key

    def add_product(
        self, name: str, *, sku: str | None = None, price: str = "10.00", options: dict[str, list[str]] | None = None
    ) -> dict[str, Any]:
        """A simple product, or a variable one with a variation per combination of ``options``."""
        product_id = next(self._ids)
        attributes = [
            {"id": index + 1, "name": option, "position": index, "visible": True, "variation": True, "options": values}
            for index, (option, values) in enumerate((options or {}).items())
        ]
        product: dict[str, Any] = {
            "id": product_id,
            "name": name,
            "slug": name.lower().replace(" ", "-"),
            "type": "variable" if options else "simple",
            "status": "publish",
            "sku": sku or f"SKU-{product_id}",
            "price": price,
            "regular_price": price,
            "sale_price": "",
            "attributes": attributes,
            "variations": [],
            "images": [{"id": product_id, "src": f"{self.base_url}/wp-content/uploads/{product_id}.jpg"}],
            "date_modified": _now(),
            "date_modified_gmt": _now(),
        }
        variations = []
        if options:
            for combination in itertools.product(*options.values()):
                variation_id = next(self._ids)
                variations.append(
                    {
                        "id": variation_id,
                        "sku": f"{product['sku']}-{'-'.join(combination)}",
                        "price": price,
                        "regular_price": price,
                        "status": "publish",
                        "attributes": [
                            {"id": index + 1, "name": option, "option": value}
                            for index, (option, value) in enumerate(zip(options, combination, strict=True))
                        ],
                        "image": None,
                        "stock_quantity": None,
                        "date_modified_gmt": _now(),
                    }
                )
            product["variations"] = [v["id"] for v in variations]
        self.products.append(product)
        self.variations[product_id] = variations
        return product

    def add_catalog(self, products: int, *, variations_per_product: int = 0) -> None:
        """A deterministic catalog: ``products`` products, each variable with about
        ``variations_per_product`` variations (sizes × colours), or simple when 0."""
        sizes = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]
        colours = ["Black", "White", "Red", "Blue", "Green", "Grey", "Navy", "Sand", "Pink", "Gold"]
        for number in range(1, products + 1):
            if variations_per_product:
                size_count = min(len(sizes), max(1, variations_per_product // 2 or 1))
                colour_count = max(1, -(-variations_per_product // size_count))
                options = {"Size": sizes[:size_count], "Colour": colours[:colour_count]}
                product = self.add_product(f"Poster {number}", sku=f"POSTER-{number}", price="19.90", options=options)
                self.variations[product["id"]] = self.variations[product["id"]][:variations_per_product]
                product["variations"] = [v["id"] for v in self.variations[product["id"]]]
            else:
                self.add_product(f"Card {number}", sku=f"CARD-{number}", price="4.50")

    def fail_next(self, count: int, *, status: int = 429, retry_after: int | None = 1) -> None:
        """The next ``count`` API calls answer ``status`` (429 carries ``Retry-After``)."""
        for _ in range(count):
            self._failures.append(Failure(status, retry_after if status == 429 else None))

    # -- orders -----------------------------------------------------------------------------
    def new_order(
        self, *, lines: list[tuple[int, int, int]] | None = None, email: str = "buyer@example.com"
    ) -> dict[str, Any]:
        """An order in ``processing`` (paid); ``lines`` are (product id, variation id or 0, quantity),
        by default one of the first product."""
        if lines is None:
            if not self.products:
                self.add_product("Poster A3", sku="POSTER-A3", price="19.90")
            first = self.products[0]
            first_variation = (self.variations.get(first["id"]) or [{"id": 0}])[0]["id"]
            lines = [(first["id"], first_variation, 2)]
        order_id = next(self._ids)
        line_items = []
        total = 0.0
        for product_id, variation_id, quantity in lines:
            product = next(p for p in self.products if p["id"] == product_id)
            variation = next((v for v in self.variations.get(product_id, []) if v["id"] == variation_id), None)
            price = float((variation or product)["price"])
            total += price * quantity
            line_items.append(
                {
                    "id": next(self._ids),
                    "name": product["name"]
                    + (" - " + ", ".join(a["option"] for a in variation["attributes"]) if variation else ""),
                    "product_id": product_id,
                    "variation_id": variation_id,
                    "quantity": quantity,
                    "tax_class": "",
                    "subtotal": f"{price * quantity:.2f}",
                    "total": f"{price * quantity:.2f}",
                    "taxes": [],
                    "meta_data": [
                        {"id": index, "key": a["name"], "value": a["option"]}
                        for index, a in enumerate(variation["attributes"] if variation else [])
                    ],
                    "sku": (variation or product)["sku"],
                    "price": price,
                    "parent_name": product["name"] if variation else None,
                }
            )
        shipping = 4.90
        address = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "",
            "address_1": "12 rue de la Paix",
            "address_2": "",
            "city": "Paris",
            "state": "",
            "postcode": "75002",
            "country": "FR",
        }
        now = _now()
        order: dict[str, Any] = {
            "id": order_id,
            "parent_id": 0,
            "number": str(order_id),
            "order_key": "wc_order_" + secrets.token_hex(6),
            "created_via": "checkout",
            "version": WC_VERSION,
            "status": "processing",
            "currency": self.currency,
            "date_created": now,
            "date_created_gmt": now,
            "date_modified": now,
            "date_modified_gmt": now,
            "date_paid": now,
            "date_paid_gmt": now,
            "discount_total": "0.00",
            "shipping_total": f"{shipping:.2f}",
            "total": f"{total + shipping:.2f}",
            "total_tax": "0.00",
            "prices_include_tax": True,
            "customer_id": 0,
            "customer_note": "",
            "billing": {**address, "email": email, "phone": "+33100000000"},
            "shipping": {**address, "phone": ""},
            "payment_method": "bacs",
            "payment_method_title": "Direct bank transfer",
            "transaction_id": "",
            "meta_data": [],
            "line_items": line_items,
            "shipping_lines": [
                {
                    "id": next(self._ids),
                    "method_title": "Flat rate",
                    "method_id": "flat_rate",
                    "total": f"{shipping:.2f}",
                }
            ],
            "fee_lines": [],
            "coupon_lines": [],
            "refunds": [],
        }
        self.orders[order_id] = order
        return order

    async def place_order(self, **kwargs: Any) -> dict[str, Any]:
        """A buyer checks out: the order exists and ``order.created`` is delivered (awaited)."""
        order = self.new_order(**kwargs)
        await self.deliver("order.created", order)
        return order

    async def set_order_status(self, order_id: int, status: str) -> dict[str, Any]:
        order = self.orders[order_id]
        order["status"] = status
        order["date_modified"] = order["date_modified_gmt"] = _now()
        await self.deliver("order.updated", order)
        return order

    # -- webhook delivery -------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        headers = {"User-Agent": f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})"}
        return httpx.AsyncClient(transport=self.transport, timeout=60, follow_redirects=False, headers=headers)

    async def deliver(self, topic: str, resource: dict[str, Any]) -> list[Delivery]:
        """POSTs ``resource`` to every active webhook of ``topic``, signed; no retry."""
        body = json.dumps(resource, separators=(",", ":")).encode()
        sent = []
        for webhook in [w for w in self.webhooks.values() if w.topic == topic and w.status == "active"]:
            resource_name, event = topic.split(".", 1)
            delivery_id = hashlib.sha1(f"{webhook.id}-{time.time()}-{next(self._deliveries_sent)}".encode()).hexdigest()
            headers = {
                "Content-Type": "application/json",
                "X-WC-Webhook-Source": self.base_url.rstrip("/") + "/",
                "X-WC-Webhook-Topic": topic,
                "X-WC-Webhook-Resource": resource_name,
                "X-WC-Webhook-Event": event,
                "X-WC-Webhook-Signature": sign(webhook.secret, body),
                "X-WC-Webhook-ID": str(webhook.id),
                "X-WC-Webhook-Delivery-ID": delivery_id,
            }
            delivery = Delivery(webhook.id, topic, webhook.delivery_url, body, headers)
            if self.drop_deliveries:
                self.drop_deliveries -= 1 if self.drop_deliveries > 0 else 0
                delivery.dropped = True
                self.deliveries.append(delivery)
                sent.append(delivery)
                continue
            await self._post(delivery)
            if delivery.succeeded:
                webhook.failure_count = 0
            elif webhook.failure_count > MAX_DELIVERY_FAILURES:
                webhook.status = "disabled"
            else:
                webhook.failure_count += 1
            sent.append(delivery)
        return sent

    def disable_webhook(self, webhook_id: int) -> None:
        """What WooCommerce does to a webhook whose deliveries keep failing."""
        self.webhooks[webhook_id].status = "disabled"

    async def redeliver(self, delivery: Delivery) -> Delivery:
        """The same bytes with the same headers again (a duplicate delivery)."""
        again = Delivery(
            delivery.webhook_id, delivery.topic, delivery.url, delivery.body, dict(delivery.headers), ping=delivery.ping
        )
        await self._post(again)
        return again

    async def ping(self, webhook: Webhook) -> Delivery:
        delivery = Delivery(
            webhook.id,
            webhook.topic,
            webhook.delivery_url,
            urlencode({"webhook_id": webhook.id}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            ping=True,
        )
        await self._post(delivery)
        return delivery

    async def _post(self, delivery: Delivery) -> None:
        try:
            async with self._client() as http:
                answer = await http.post(delivery.url, content=delivery.body, headers=delivery.headers)
            delivery.status_code = answer.status_code
        except httpx.HTTPError as error:
            delivery.error = f"{type(error).__name__}: {error}"
        self.deliveries.append(delivery)

    def in_background(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settled(self) -> None:
        """Waits for the background deliveries (pings) started so far."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)

    # -- the HTTP API -----------------------------------------------------------------------
    def authenticate(self, request: Request, *, write: bool) -> JSONResponse | None:
        key_id, secret = _credentials(request)
        if not key_id or not secret:
            return _error("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
        key = self.keys.get(key_id)
        if key is None:
            return _error("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", 401)
        if not hmac.compare_digest(key.consumer_secret, secret):
            return _error("woocommerce_rest_authentication_error", "Consumer secret is invalid.", 401)
        if write and key.permissions == "read":
            return _error(
                "woocommerce_rest_authentication_error", "The API key provided does not have write permissions.", 401
            )
        if not write and key.permissions == "write":
            return _error(
                "woocommerce_rest_authentication_error", "The API key provided does not have read permissions.", 401
            )
        if self._failures:
            failure = self._failures.popleft()
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else None
            if failure.status == 429:
                return _error("too_many_requests", "Too many requests.", 429, headers)
            return _error(
                "internal_server_error", "There has been a critical error on this website.", failure.status, headers
            )
        return None


def _credentials(request: Request) -> tuple[str | None, str | None]:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("basic "):
        try:
            user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
            return user, password
        except (ValueError, UnicodeDecodeError):
            return None, None
    return request.query_params.get("consumer_key"), request.query_params.get("consumer_secret")


def _page(request: Request, items: list[dict[str, Any]]) -> Response:
    """WordPress page pagination: 1-based ``page``, ``per_page`` 1..100, totals in headers."""
    try:
        page = int(request.query_params.get("page", "1"))
        per_page = int(request.query_params.get("per_page", "10"))
    except ValueError:
        return _error("rest_invalid_param", "Invalid parameter(s): page, per_page", 400)
    if not 1 <= per_page <= 100:
        return _error(
            "rest_invalid_param",
            "Invalid parameter(s): per_page (per_page must be between 1 (inclusive) and 100 (inclusive))",
            400,
        )
    if page < 1:
        return _error("rest_invalid_param", "Invalid parameter(s): page", 400)
    total = len(items)
    pages = -(-total // per_page)
    if page > max(pages, 1):
        return _error(
            "rest_post_invalid_page_number",
            "The page number requested is larger than the number of pages available.",
            400,
        )
    chunk = items[(page - 1) * per_page : page * per_page]
    base = str(request.url.remove_query_params(["page"]))
    joiner = "&" if "?" in base else "?"
    links = []
    if page > 1:
        links.append(f'<{base}{joiner}page={page - 1}>; rel="prev"')
    if page < pages:
        links.append(f'<{base}{joiner}page={page + 1}>; rel="next"')
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    if links:
        headers["Link"] = ", ".join(links)
    return JSONResponse(chunk, headers=headers)


def create_app(shop: WooShop) -> FastAPI:
    app = FastAPI(title=f"WooCommerce simulator: {shop.name}", openapi_url=None, docs_url=None, redoc_url=None)

    @app.middleware("http")
    async def remember(request: Request, call_next: Any) -> Response:
        if shop.base_url == "http://shop.invalid":
            shop.base_url = str(request.base_url).rstrip("/")
        shop.requests.append((request.method, request.url.path, dict(request.query_params)))
        if shop.moved_to and request.url.path.startswith("/wp-json"):
            return Response(status_code=301, headers={"Location": shop.moved_to.rstrip("/") + request.url.path})
        response: Response = await call_next(request)
        return response

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        """Not WooCommerce: for `make up` to know the simulator is serving."""
        return {"status": "ok"}

    @app.get("/wp-json")
    @app.get("/wp-json/")
    async def index() -> dict[str, Any]:
        return {
            "name": shop.name,
            "url": shop.base_url,
            "home": shop.base_url,
            "namespaces": ["wp/v2", "wc/v3", "wc/store/v1"],
        }

    @app.get(API + "/system_status")
    async def system_status(request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        return JSONResponse(
            {
                "environment": {
                    "home_url": shop.base_url,
                    "site_url": shop.base_url,
                    "version": WC_VERSION,
                    "wp_version": WP_VERSION,
                    "store_id": "sim-" + hashlib.sha1(shop.name.encode()).hexdigest()[:8],
                },
                "settings": {"currency": shop.currency, "api_enabled": True},
                "active_plugins": [
                    {"plugin": "woocommerce/woocommerce.php", "name": "WooCommerce", "version": WC_VERSION}
                ],
            }
        )

    @app.get(API + "/products")
    async def products(request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        return _page(request, shop.products)

    @app.get(API + "/products/{product_id}/variations")
    async def variations(product_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        if product_id not in shop.variations:
            return _error("woocommerce_rest_product_invalid_id", "Invalid ID.", 404)
        return _page(request, shop.variations[product_id])

    @app.get(API + "/orders")
    async def orders(request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        listed = sorted(shop.orders.values(), key=lambda o: o["id"], reverse=True)
        if after := request.query_params.get("modified_after"):
            listed = [o for o in listed if o["date_modified_gmt"] > after[:19]]
        return _page(request, listed)

    @app.get(API + "/orders/{order_id}")
    async def order(order_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        if order_id not in shop.orders:
            return _error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        return JSONResponse(shop.orders[order_id])

    @app.put(API + "/orders/{order_id}")
    async def update_order(order_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=True):
            return refused
        if order_id not in shop.orders:
            return _error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        changes = await request.json()
        if "status" in changes:
            return JSONResponse(await shop.set_order_status(order_id, str(changes["status"])))
        return JSONResponse(shop.orders[order_id])

    @app.get(API + "/orders/{order_id}/notes")
    async def order_notes(order_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        if order_id not in shop.orders:
            return _error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        return JSONResponse(shop.notes.get(order_id, []))

    @app.post(API + "/orders/{order_id}/notes")
    async def add_order_note(order_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=True):
            return refused
        if order_id not in shop.orders:
            return _error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        body = await request.json()
        if not str(body.get("note") or "").strip():
            return _error("rest_missing_callback_param", "Missing parameter(s): note", 400)
        note = {
            "id": next(shop._ids),
            "author": "WooCommerce",
            "date_created": _now(),
            "date_created_gmt": _now(),
            "note": str(body["note"]),
            "customer_note": bool(body.get("customer_note")),
            "added_by_user": False,
        }
        shop.notes.setdefault(order_id, []).insert(0, note)
        return JSONResponse(note, 201)

    @app.get(API + "/webhooks")
    async def list_webhooks(request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        return _page(request, [w.as_json() for w in shop.webhooks.values()])

    @app.post(API + "/webhooks")
    async def create_webhook(request: Request) -> Response:
        if refused := shop.authenticate(request, write=True):
            return refused
        body = await request.json()
        topic = str(body.get("topic", ""))
        url = str(body.get("delivery_url", ""))
        if topic not in TOPICS and not topic.startswith("action."):
            return _error("rest_invalid_param", "Invalid parameter(s): topic", 400)
        if not url.startswith(("http://", "https://")):
            return _error("rest_invalid_param", "Invalid parameter(s): delivery_url", 400)
        webhook = Webhook(
            id=next(shop._webhook_ids),
            name=str(body.get("name") or f"Webhook created on {_now()}"),
            topic=topic,
            delivery_url=url,
            secret=str(body.get("secret") or hashlib.sha256(b"user-derived").hexdigest()),
            status=str(body.get("status") or "active"),
            created_at=_now(),
        )
        shop.webhooks[webhook.id] = webhook
        if webhook.status == "active":
            shop.in_background(shop.ping(webhook))
        return JSONResponse(webhook.as_json(), 201)

    @app.get(API + "/webhooks/{webhook_id}")
    async def get_webhook(webhook_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=False):
            return refused
        if webhook_id not in shop.webhooks:
            return _error("woocommerce_rest_webhook_invalid_id", "Invalid ID.", 404)
        return JSONResponse(shop.webhooks[webhook_id].as_json())

    @app.put(API + "/webhooks/{webhook_id}")
    async def update_webhook(webhook_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=True):
            return refused
        if webhook_id not in shop.webhooks:
            return _error("woocommerce_rest_webhook_invalid_id", "Invalid ID.", 404)
        webhook = shop.webhooks[webhook_id]
        changes = await request.json()
        for name in ("name", "status", "delivery_url", "secret"):
            if name in changes:
                setattr(webhook, name, str(changes[name]))
        if changes.get("status") == "active":
            webhook.failure_count = 0
        return JSONResponse(webhook.as_json())

    @app.delete(API + "/webhooks/{webhook_id}")
    async def delete_webhook(webhook_id: int, request: Request) -> Response:
        if refused := shop.authenticate(request, write=True):
            return refused
        if webhook_id not in shop.webhooks:
            return _error("woocommerce_rest_webhook_invalid_id", "Invalid ID.", 404)
        return JSONResponse(shop.webhooks.pop(webhook_id).as_json())

    @app.post("/_simulator/orders")
    async def place_demo_order() -> dict[str, Any]:
        """Not WooCommerce: a buyer checks out in the demo shop (order.created is delivered)."""
        placed = shop.new_order()
        sent = await shop.deliver("order.created", placed)
        return {
            "order": placed,
            "deliveries": [{"url": d.url, "status": d.status_code, "error": d.error} for d in sent],
        }

    @app.post("/_simulator/orders/{order_id}/status")
    async def change_demo_order(order_id: int, request: Request) -> Response:
        if order_id not in shop.orders:
            return _error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", 404)
        return JSONResponse(await shop.set_order_status(order_id, str((await request.json())["status"])))

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def not_found(path: str) -> Response:
        if path.startswith("wp-json"):
            return _error("rest_no_route", "No route was found matching the URL and request method.", 404)
        return HTMLResponse("<html><body><h1>Not Found</h1></body></html>", 404)

    return app


DEMO_KEY = "ck_demo_storefronts_woocommerce_simulator"
DEMO_SECRET = "cs_demo_storefronts_woocommerce_simulator"


def main() -> None:
    import os

    import uvicorn

    parser = argparse.ArgumentParser(description="A demo WooCommerce shop (simulator)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("WOOCOMMERCE_SIMULATOR_PORT", "8091")))
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--variations", type=int, default=6)
    parser.add_argument("--consumer-key", default=DEMO_KEY, help="the demo shop's key (not a secret)")
    parser.add_argument("--consumer-secret", default=DEMO_SECRET)
    arguments = parser.parse_args()
    shop = WooShop()
    shop.base_url = f"http://127.0.0.1:{arguments.port}"
    shop.add_catalog(arguments.products, variations_per_product=arguments.variations)
    shop.add_key(consumer_key=arguments.consumer_key, consumer_secret=arguments.consumer_secret)
    print(f"WooCommerce simulator at {shop.base_url}", flush=True)
    print(f"place an order: curl -X POST {shop.base_url}/_simulator/orders", flush=True)
    uvicorn.run(create_app(shop), host="127.0.0.1", port=arguments.port, log_config=None)


if __name__ == "__main__":
    main()
