"""An Etsy Open API v3 simulator: OAuth 2.0 with PKCE, shop listings with inventory, receipts,
shipments and the rate limits our connector lives with.

Built from Etsy's public documentation (`../shared/reference/platforms.md` §2); one server plays
Etsy's web site (the consent page) and its API:

- ``GET  /oauth/connect`` — ``response_type=code``, ``client_id`` (the keystring),
  ``redirect_uri``, ``scope`` (space-separated), ``state``, ``code_challenge``,
  ``code_challenge_method=S256`` (the only method). The seller signed in (the demo seller unless
  ``/simulator/sign-in`` chose another) approves at once: 302 to ``redirect_uri`` with ``code``
  and ``state`` (or ``error`` and ``error_description``);
- ``POST /v3/public/oauth/token`` — form (or JSON) ``grant_type=authorization_code`` with
  ``client_id``, ``redirect_uri``, ``code``, ``code_verifier`` (a code works once, for that
  redirect, when BASE64URL(SHA256(verifier)) is its challenge), or ``grant_type=refresh_token``
  with ``client_id``, ``refresh_token`` (the refresh token rotates: the old one dies). Answers
  ``{access_token: "<user_id>.<opaque>", token_type, expires_in, refresh_token}``; refusals are
  400 ``{"error": "invalid_grant" | "invalid_request", "error_description": ...}``;
- ``/v3/application/...`` — every call needs ``x-api-key: <keystring>:<shared_secret>`` (403
  ``{"error": ...}`` otherwise); scoped calls a live ``Authorization: Bearer`` token with the
  scope (401 ``invalid_token`` / 403 ``insufficient_scope``): ``openapi-ping``, ``users/me``,
  ``shops/{shop_id}``, ``shops/{shop_id}/listings/active`` (API key only),
  ``listings/{listing_id}/inventory`` (``listings_r``), ``shops/{shop_id}/receipts``
  (``transactions_r``: ``was_paid``, ``was_shipped``, ``min_created``, ``max_created``,
  ``sort_on``, ``sort_order``, ``limit`` 1–100, ``offset``), one receipt, and
  ``POST shops/{shop_id}/receipts/{receipt_id}/tracking`` (createReceiptShipment,
  ``transactions_w``, form or JSON). Lists are ``{"count": total, "results": [...]}``;
- rate limits per API key: ``per_second`` calls in one second and ``per_day`` in the day; every
  answer carries ``x-limit-per-second``, ``x-remaining-this-second``, ``x-limit-per-day`` and
  ``x-remaining-today``; past a limit, 429 with ``retry-after``;
- ``/simulator/...`` — the test and demo controls: place a (paid) demo order, expire or revoke
  tokens, sign in as another seller, read the counters.

``python -m platform_simulators.etsy --port 8092`` runs it with a demo shop (``make up`` does, on
BASE_PORT+92); ``curl -X POST http://127.0.0.1:8092/simulator/shops/34567001/orders`` places a paid
demo order there, which the connector's next poll (or ``POST /stores/{id}/orders/poll``) takes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import math
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

SCOPES = {
    "address_r",
    "address_w",
    "billing_r",
    "cart_r",
    "cart_w",
    "email_r",
    "favorites_r",
    "favorites_w",
    "feedback_r",
    "listings_d",
    "listings_r",
    "listings_w",
    "profile_r",
    "profile_w",
    "recommend_r",
    "recommend_w",
    "shops_r",
    "shops_w",
    "transactions_r",
    "transactions_w",
}
SIZES = ["S", "M", "L", "XL"]
COLOURS = ["Black", "White", "Sand"]
KINDS = ["Poster", "Print", "Mug", "T-shirt", "Tote bag", "Card"]


@dataclass
class EtsyConfig:
    keystring: str = "storefronts-etsy-app"
    shared_secret: str = "storefronts-etsy-secret"
    access_token_seconds: int = 3600
    code_seconds: int = 300
    per_second: int = 10
    per_day: int = 10_000
    listings: int = 12
    inactive_listings: int = 2
    redirect_uris: tuple[str, ...] = ()  # registered callback URLs; empty: any


@dataclass
class Seller:
    user_id: int
    shop_id: int
    shop_name: str
    currency: str = "USD"


@dataclass
class Listing:
    listing_id: int
    shop_id: int
    title: str
    state: str
    price: int  # cents
    inventory: list[dict[str, Any]]


@dataclass
class Grant:
    code: str
    user_id: int
    redirect_uri: str
    challenge: str
    scopes: tuple[str, ...]
    expires_at: float
    used: bool = False


@dataclass
class Token:
    user_id: int
    scopes: tuple[str, ...]
    expires_at: float


@dataclass
class Counters:
    requests: int = 0
    rate_limited: int = 0
    token_grants: dict[str, int] = field(default_factory=dict)
    listing_pages: list[tuple[int, int]] = field(default_factory=list)  # (limit, offset) asked
    receipt_queries: list[dict[str, str]] = field(default_factory=list)


def challenge_of(verifier: str) -> str:
    """S256: BASE64URL(SHA256(ASCII(code_verifier))) without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def money(cents: int, currency: str) -> dict[str, Any]:
    return {"amount": cents, "divisor": 100, "currency_code": currency}


def _error(status: int, error: str, description: str | None = None, headers: dict[str, str] | None = None) -> Response:
    body: dict[str, str] = {"error": error}
    if description:
        body["error_description"] = description
    return JSONResponse(body, status_code=status, headers=headers)


async def _fields(request: Request) -> dict[str, str]:
    """A form (``application/x-www-form-urlencoded``, what Etsy documents) or a JSON object."""
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        parsed = json.loads(raw or b"{}")
        return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else {}
    return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))


class EtsySimulator:
    def __init__(self, config: EtsyConfig | None = None) -> None:
        self.config = config or EtsyConfig()
        self.sellers: dict[int, Seller] = {}
        self.listings: dict[int, Listing] = {}
        self.receipts: dict[int, list[dict[str, Any]]] = {}
        self.grants: dict[str, Grant] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, Token] = {}
        self.counters = Counters()
        self.signed_in: int | None = None
        self._second: tuple[int, int] = (0, 0)  # (epoch second, calls in it)
        self._day: list[float] = []
        self._next_receipt = 1_000_000_001
        self._next_transaction = 3_000_000_001
        self.add_seller(Seller(user_id=5_551_001, shop_id=34_567_001, shop_name="DemoPrintsShop"))
        self.app = self._build()

    # ------------------------------------------------------------------ data

    def add_seller(self, seller: Seller) -> Seller:
        self.sellers[seller.user_id] = seller
        self.receipts.setdefault(seller.shop_id, [])
        if self.signed_in is None:
            self.signed_in = seller.user_id
        total = self.config.listings + self.config.inactive_listings
        for n in range(total):
            listing_id = 1_400_000_000 + seller.shop_id % 1000 * 100_000 + n
            state = "active" if n < self.config.listings else "inactive"
            self.listings[listing_id] = self._listing(listing_id, seller, n, state)
        return seller

    def _listing(self, listing_id: int, seller: Seller, n: int, state: str) -> Listing:
        kind = KINDS[n % len(KINDS)]
        price = 1500 + 100 * (n % 10)
        products: list[dict[str, Any]] = []
        if n % 3 == 0:  # a listing without variations: one inventory product
            products.append(self._product(listing_id * 10, f"ETSY-{listing_id}", price, seller, []))
        else:
            for s, size in enumerate(SIZES[: 2 + n % 3]):
                for c, colour in enumerate(COLOURS[: 1 + n % 2]):
                    values = [
                        {"property_id": 100, "property_name": "Size", "value_ids": [10 + s], "values": [size]},
                        {
                            "property_id": 200,
                            "property_name": "Primary color",
                            "value_ids": [20 + c],
                            "values": [colour],
                        },
                    ]
                    sku = f"ETSY-{listing_id}-{size}-{colour[:3].upper()}"
                    products.append(self._product(listing_id * 10 + s * 3 + c, sku, price + 200 * s, seller, values))
        return Listing(listing_id, seller.shop_id, f"{kind} #{n + 1}", state, price, products)

    @staticmethod
    def _product(product_id: int, sku: str, price: int, seller: Seller, values: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "product_id": product_id,
            "sku": sku,
            "is_deleted": False,
            "offerings": [
                {
                    "offering_id": product_id * 7,
                    "price": money(price, seller.currency),
                    "quantity": 50,
                    "is_enabled": True,
                    "is_deleted": False,
                }
            ],
            "property_values": values,
        }

    def seller_of_shop(self, shop_id: int) -> Seller | None:
        return next((s for s in self.sellers.values() if s.shop_id == shop_id), None)

    def place_order(self, shop_id: int, *, quantity: int = 1, paid: bool = True) -> dict[str, Any]:
        """A buyer orders the first active listing's first variant: a (paid) receipt, not shipped."""
        seller = self.seller_of_shop(shop_id)
        if seller is None:
            raise KeyError(shop_id)
        listing = next(li for li in self.listings.values() if li.shop_id == shop_id and li.state == "active")
        product = listing.inventory[0]
        price = product["offerings"][0]["price"]["amount"]
        receipt_id, self._next_receipt = self._next_receipt, self._next_receipt + 1
        transaction_id, self._next_transaction = self._next_transaction, self._next_transaction + 1
        now = int(time.time())
        shipping = 495
        receipt = {
            "receipt_id": receipt_id,
            "receipt_type": 0,
            "seller_user_id": seller.user_id,
            "seller_email": "seller@demo-prints.example",
            "buyer_user_id": 7_770_000 + receipt_id % 1000,
            "buyer_email": f"buyer{receipt_id}@example.com",
            "name": "Jane Buyer",
            "first_line": "12 Market Street",
            "second_line": None,
            "city": "Portland",
            "state": "OR",
            "zip": "97201",
            "country_iso": "US",
            "formatted_address": "Jane Buyer\n12 Market Street\nPortland, OR 97201\nUnited States",
            "status": "paid" if paid else "open",
            "payment_method": "cc",
            "message_from_buyer": "Please gift wrap",
            "message_from_seller": None,
            "is_paid": paid,
            "is_shipped": False,
            "create_timestamp": now,
            "created_timestamp": now,
            "update_timestamp": now,
            "updated_timestamp": now,
            "is_gift": False,
            "gift_message": "",
            "grandtotal": money(price * quantity + shipping, seller.currency),
            "subtotal": money(price * quantity, seller.currency),
            "total_price": money(price * quantity, seller.currency),
            "total_shipping_cost": money(shipping, seller.currency),
            "total_tax_cost": money(0, seller.currency),
            "total_vat_cost": money(0, seller.currency),
            "discount_amt": money(0, seller.currency),
            "gift_wrap_price": money(0, seller.currency),
            "shipments": [],
            "transactions": [
                {
                    "transaction_id": transaction_id,
                    "title": listing.title,
                    "description": "",
                    "seller_user_id": seller.user_id,
                    "buyer_user_id": 7_770_000 + receipt_id % 1000,
                    "create_timestamp": now,
                    "paid_timestamp": now if paid else None,
                    "shipped_timestamp": None,
                    "quantity": quantity,
                    "listing_image_id": None,
                    "receipt_id": receipt_id,
                    "is_digital": False,
                    "file_data": "",
                    "listing_id": listing.listing_id,
                    "transaction_type": "listing",
                    "product_id": product["product_id"],
                    "sku": product["sku"],
                    "price": money(price, seller.currency),
                    "shipping_cost": money(shipping, seller.currency),
                    "variations": [
                        {
                            "property_id": v["property_id"],
                            "value_id": v["value_ids"][0],
                            "formatted_name": v["property_name"],
                            "formatted_value": v["values"][0],
                        }
                        for v in product["property_values"]
                    ],
                    "product_data": product["property_values"],
                }
            ],
            "refunds": [],
        }
        self.receipts[shop_id].append(receipt)
        return receipt

    def expire_tokens(self) -> None:
        for token in self.tokens.values():
            token.expires_at = 0

    def revoke_tokens(self) -> None:
        self.tokens.clear()
        self.refresh_tokens.clear()

    # ------------------------------------------------------------------ limits and auth

    def _limit_headers(self, remaining_second: int) -> dict[str, str]:
        return {
            "x-limit-per-second": str(self.config.per_second),
            "x-remaining-this-second": str(max(remaining_second, 0)),
            "x-limit-per-day": str(self.config.per_day),
            "x-remaining-today": str(max(self.config.per_day - len(self._day), 0)),
        }

    def _take_call(self) -> tuple[bool, dict[str, str]]:
        """Counts one call against the per-second, then the per-day limit (QPS first)."""
        now = time.time()
        second = int(now)
        current, calls = self._second
        if current != second:
            current, calls = second, 0
        day_start = now - 86_400
        self._day = [t for t in self._day if t > day_start]
        if calls >= self.config.per_second:
            headers = self._limit_headers(0)
            headers["retry-after"] = str(max(1, math.ceil(second + 1 - now)))
            return False, headers
        if len(self._day) >= self.config.per_day:
            headers = self._limit_headers(self.config.per_second - calls)
            headers["retry-after"] = str(max(1, math.ceil(self._day[0] + 86_400 - now)))
            return False, headers
        self._second = (current, calls + 1)
        self._day.append(now)
        return True, self._limit_headers(self.config.per_second - calls - 1)

    def _api_key_problem(self, request: Request) -> Response | None:
        key = request.headers.get("x-api-key")
        if not key:
            return _error(403, "Missing x-api-key header or client_id")
        keystring, _, secret = key.partition(":")
        if keystring != self.config.keystring:
            return _error(403, "Invalid API key")
        if not secret:
            return _error(403, "Shared secret is required in x-api-key header.")
        if not secrets.compare_digest(secret, self.config.shared_secret):
            return _error(403, "Invalid API key")
        return None

    def _token(self, request: Request, scope: str | None) -> Token | Response:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return _error(401, "invalid_token", "access token is missing")
        token = self.tokens.get(header[7:].strip())
        if token is None:
            return _error(401, "invalid_token", "access token is invalid")
        if token.expires_at <= time.time():
            return _error(401, "invalid_token", "access token is expired")
        if scope and scope not in token.scopes:
            return _error(403, "insufficient_scope", f"this call needs the {scope} scope")
        return token

    # ------------------------------------------------------------------ app

    def _build(self) -> FastAPI:
        app = FastAPI(title="Etsy simulator")
        sim = self

        @app.middleware("http")
        async def api_gate(request: Request, call_next: Any) -> Response:
            if not request.url.path.startswith("/v3/application/"):
                return await call_next(request)
            sim.counters.requests += 1
            if problem := sim._api_key_problem(request):
                return problem
            allowed, headers = sim._take_call()
            if not allowed:
                sim.counters.rate_limited += 1
                return _error(429, "Too many requests", headers=headers)
            response: Response = await call_next(request)
            response.headers.update(headers)
            return response

        @app.get("/healthz")
        async def healthz() -> dict[str, Any]:
            return {"status": "ok", "shops": sorted(s.shop_name for s in sim.sellers.values())}

        @app.get("/oauth/connect")
        async def connect(request: Request) -> Response:
            q = request.query_params
            redirect_uri = q.get("redirect_uri", "")
            if q.get("client_id") != sim.config.keystring:
                return _error(400, "invalid_client", "unknown client_id")
            if not redirect_uri or (sim.config.redirect_uris and redirect_uri not in sim.config.redirect_uris):
                return _error(400, "invalid_request", "The requested redirect URL is not permitted.")

            def back(**params: str) -> Response:
                if q.get("state") is not None:
                    params["state"] = q["state"]
                joiner = "&" if "?" in redirect_uri else "?"
                return RedirectResponse(f"{redirect_uri}{joiner}{urlencode(params)}", status_code=302)

            if q.get("response_type") != "code":
                return back(error="unsupported_response_type", error_description="response_type must be code")
            if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                return back(error="invalid_request", error_description="code_challenge_method must be S256")
            if not q.get("state"):
                return back(error="invalid_request", error_description="state is required")
            scopes = tuple(q.get("scope", "").split())
            if not scopes or any(s not in SCOPES for s in scopes):
                return back(error="invalid_scope", error_description="scope is invalid")
            if sim.signed_in is None:
                return back(error="access_denied", error_description="the user denied access")
            code = secrets.token_urlsafe(32)
            sim.grants[code] = Grant(
                code, sim.signed_in, redirect_uri, q["code_challenge"], scopes, time.time() + sim.config.code_seconds
            )
            return back(code=code)

        @app.post("/v3/public/oauth/token")
        async def token(request: Request) -> Response:
            form = await _fields(request)
            grant_type = form.get("grant_type")
            sim.counters.token_grants[str(grant_type)] = sim.counters.token_grants.get(str(grant_type), 0) + 1
            if form.get("client_id") != sim.config.keystring:
                return _error(400, "invalid_client", "client_id is invalid")
            if grant_type == "authorization_code":
                for name in ("code", "redirect_uri", "code_verifier"):
                    if not form.get(name):
                        return _error(400, "invalid_request", f"{name} is required")
                grant = sim.grants.get(form["code"])
                if grant is None or grant.used or grant.expires_at <= time.time():
                    return _error(400, "invalid_grant", "code is invalid or expired")
                if grant.redirect_uri != form["redirect_uri"]:
                    return _error(400, "invalid_grant", "redirect_uri does not match")
                if not secrets.compare_digest(challenge_of(form["code_verifier"]), grant.challenge):
                    return _error(400, "invalid_grant", "code_verifier is invalid")
                grant.used = True
                return JSONResponse(sim._issue(grant.user_id, grant.scopes))
            if grant_type == "refresh_token":
                if not form.get("refresh_token"):
                    return _error(400, "invalid_request", "refresh_token is required")
                held = sim.refresh_tokens.pop(form["refresh_token"], None)
                if held is None:
                    return _error(400, "invalid_grant", "refresh_token is revoked")
                return JSONResponse(sim._issue(held.user_id, held.scopes))
            return _error(400, "unsupported_grant_type", "grant_type is invalid")

        @app.get("/v3/application/openapi-ping")
        async def ping() -> dict[str, Any]:
            return {"application_id": 9_000_001}

        @app.get("/v3/application/users/me")
        async def me(request: Request) -> Any:
            token = sim._token(request, None)
            if isinstance(token, Response):
                return token
            seller = sim.sellers[token.user_id]
            return {"user_id": seller.user_id, "shop_id": seller.shop_id}

        @app.get("/v3/application/shops/{shop_id}")
        async def shop(shop_id: int) -> Any:
            seller = sim.seller_of_shop(shop_id)
            if seller is None:
                return _error(404, f"Shop {shop_id} not found")
            return {
                "shop_id": seller.shop_id,
                "user_id": seller.user_id,
                "shop_name": seller.shop_name,
                "currency_code": seller.currency,
                "url": f"https://www.etsy.com/shop/{seller.shop_name}",
                "listing_active_count": sum(
                    1 for li in sim.listings.values() if li.shop_id == shop_id and li.state == "active"
                ),
            }

        @app.get("/v3/application/shops/{shop_id}/listings/active")
        async def active_listings(shop_id: int, limit: int = 25, offset: int = 0) -> Any:
            if not 1 <= limit <= 100 or offset < 0:
                return _error(400, "limit must be between 1 and 100 and offset at least 0")
            sim.counters.listing_pages.append((limit, offset))
            seller = sim.seller_of_shop(shop_id)
            if seller is None:
                return _error(404, f"Shop {shop_id} not found")
            active = sorted(
                (li for li in sim.listings.values() if li.shop_id == shop_id and li.state == "active"),
                key=lambda li: li.listing_id,
            )
            page = active[offset : offset + limit]
            return {"count": len(active), "results": [sim._listing_json(li, seller) for li in page]}

        @app.get("/v3/application/listings/{listing_id}/inventory")
        async def inventory(listing_id: int, request: Request) -> Any:
            token = sim._token(request, "listings_r")
            if isinstance(token, Response):
                return token
            listing = sim.listings.get(listing_id)
            if listing is None or sim.sellers[token.user_id].shop_id != listing.shop_id:
                return _error(404, f"Listing {listing_id} not found")
            return {
                "products": listing.inventory,
                "price_on_property": [200] if len(listing.inventory) > 1 else [],
                "quantity_on_property": [],
                "sku_on_property": [100, 200] if len(listing.inventory) > 1 else [],
            }

        @app.get("/v3/application/shops/{shop_id}/receipts")
        async def receipts(shop_id: int, request: Request) -> Any:
            token = sim._own_shop(request, shop_id, "transactions_r")
            if isinstance(token, Response):
                return token
            q = request.query_params
            sim.counters.receipt_queries.append(dict(q))
            try:
                limit, offset = int(q.get("limit", 25)), int(q.get("offset", 0))
                min_created = int(q["min_created"]) if "min_created" in q else None
                max_created = int(q["max_created"]) if "max_created" in q else None
            except ValueError:
                return _error(400, "limit, offset, min_created and max_created are integers")
            if not 1 <= limit <= 100 or offset < 0:
                return _error(400, "limit must be between 1 and 100 and offset at least 0")
            if min_created is not None and min_created < 946_684_800:
                return _error(400, "min_created must be at least 946684800")

            def flag(name: str) -> bool | None:
                value = q.get(name)
                return None if value is None else value.lower() in ("true", "1")

            was_paid, was_shipped = flag("was_paid"), flag("was_shipped")
            found = [
                r
                for r in sim.receipts[shop_id]
                if (was_paid is None or r["is_paid"] == was_paid)
                and (was_shipped is None or r["is_shipped"] == was_shipped)
                and (min_created is None or r["create_timestamp"] >= min_created)
                and (max_created is None or r["create_timestamp"] <= max_created)
            ]
            key = {"created": "create_timestamp", "updated": "update_timestamp", "receipt_id": "receipt_id"}.get(
                q.get("sort_on", "created"), "create_timestamp"
            )
            descending = q.get("sort_order", "desc") in ("desc", "descending", "down")
            found.sort(key=lambda r: (r[key], r["receipt_id"]), reverse=descending)
            return {"count": len(found), "results": found[offset : offset + limit]}

        @app.get("/v3/application/shops/{shop_id}/receipts/{receipt_id}")
        async def receipt(shop_id: int, receipt_id: int, request: Request) -> Any:
            token = sim._own_shop(request, shop_id, "transactions_r")
            if isinstance(token, Response):
                return token
            found = next((r for r in sim.receipts[shop_id] if r["receipt_id"] == receipt_id), None)
            return found if found is not None else _error(404, f"Receipt {receipt_id} not found")

        @app.post("/v3/application/shops/{shop_id}/receipts/{receipt_id}/tracking")
        async def create_receipt_shipment(shop_id: int, receipt_id: int, request: Request) -> Any:
            token = sim._own_shop(request, shop_id, "transactions_w")
            if isinstance(token, Response):
                return token
            found = next((r for r in sim.receipts[shop_id] if r["receipt_id"] == receipt_id), None)
            if found is None:
                return _error(404, f"Receipt {receipt_id} not found")
            body = await _fields(request)
            if bool(body.get("tracking_code")) != bool(body.get("carrier_name")):
                return _error(400, "tracking_code and carrier_name go together")
            now = int(time.time())
            found["shipments"].append(
                {
                    "receipt_shipping_id": 9_000_000 + len(found["shipments"]) + receipt_id % 1000 * 10,
                    "shipment_notification_timestamp": now,
                    "carrier_name": body.get("carrier_name"),
                    "tracking_code": body.get("tracking_code"),
                }
            )
            found.update(is_shipped=True, status="completed", update_timestamp=now, updated_timestamp=now)
            return found

        # -------------------------------------------------------------- simulator controls

        @app.post("/simulator/shops/{shop_id}/orders")
        async def place_demo_order(shop_id: int, quantity: int = 1, paid: bool = True) -> Any:
            """The "place demo order" button: a buyer pays an order in the demo shop."""
            try:
                return sim.place_order(shop_id, quantity=quantity, paid=paid)
            except KeyError:
                return _error(404, f"Shop {shop_id} not found")

        @app.post("/simulator/tokens/expire")
        async def expire() -> dict[str, str]:
            sim.expire_tokens()
            return {"status": "access tokens expired"}

        @app.post("/simulator/tokens/revoke")
        async def revoke() -> dict[str, str]:
            sim.revoke_tokens()
            return {"status": "access and refresh tokens revoked"}

        @app.get("/simulator/state")
        async def state() -> dict[str, Any]:
            return {
                "sellers": [vars(s) for s in sim.sellers.values()],
                "requests": sim.counters.requests,
                "rate_limited": sim.counters.rate_limited,
                "token_grants": sim.counters.token_grants,
                "receipts": {str(k): len(v) for k, v in sim.receipts.items()},
            }

        return app

    def _own_shop(self, request: Request, shop_id: int, scope: str) -> Token | Response:
        token = self._token(request, scope)
        if isinstance(token, Response):
            return token
        if self.sellers[token.user_id].shop_id != shop_id:
            return _error(403, "The shop does not belong to the authenticated user")
        return token

    def _issue(self, user_id: int, scopes: tuple[str, ...]) -> dict[str, Any]:
        access = f"{user_id}.{secrets.token_urlsafe(40)}"
        refresh = f"{user_id}.{secrets.token_urlsafe(40)}"
        lifetime = self.config.access_token_seconds
        self.tokens[access] = Token(user_id, scopes, time.time() + lifetime)
        self.refresh_tokens[refresh] = Token(user_id, scopes, time.time() + 90 * 86_400)
        return {"access_token": access, "token_type": "Bearer", "expires_in": lifetime, "refresh_token": refresh}

    @staticmethod
    def _listing_json(listing: Listing, seller: Seller) -> dict[str, Any]:
        return {
            "listing_id": listing.listing_id,
            "user_id": seller.user_id,
            "shop_id": listing.shop_id,
            "title": listing.title,
            "description": f"{listing.title}, printed to order.",
            "state": listing.state,
            "quantity": 50,
            "url": f"https://www.etsy.com/listing/{listing.listing_id}",
            "has_variations": len(listing.inventory) > 1,
            "price": money(listing.price, seller.currency),
            "tags": [],
            "last_modified_timestamp": int(time.time()),
        }


def create_app(config: EtsyConfig | None = None) -> FastAPI:
    simulator = EtsySimulator(config)
    simulator.app.state.simulator = simulator
    return simulator.app


def main() -> None:
    parser = argparse.ArgumentParser(description="Etsy Open API v3 simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ETSY_SIMULATOR_PORT", "8092")))
    args = parser.parse_args()
    import uvicorn

    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
