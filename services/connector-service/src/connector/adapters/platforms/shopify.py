"""The Shopify adapter (``ports.ShopPlatform`` and ``ports.OAuthPlatform``).

Every call leaves through the SSRF guard: the shop's address is one a user typed (checked
against Shopify's shop-domain rule first). ``CONNECTOR_SHOPIFY_BASE_URL`` points it at the local
simulator, where a shop lives under ``{base}/shops/{shop}``."""

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import structlog
from pydantic_core import from_json

from connector.adapters.platforms import platform
from connector.adapters.shopify import bulk, fulfillments, orders, product_set, products, rest_orders, signing
from connector.adapters.shopify.graphql import ShopifyGraphQL
from connector.domain.errors import (
    PlatformAuthFailed,
    PlatformError,
    PlatformUnavailable,
    WebhookUnreadable,
)
from connector.domain.stores import Platform
from connector.ports import (
    Fulfillment,
    PrivacyRequest,
    ProductPage,
    ShopConnection,
    ShopDetails,
    WebhookOutcome,
    WebhookReceipt,
    WebhookSubscription,
)
from connector.publishing_ports import CreatedProduct, ProductDraft
from connector.settings import ConnectorSettings
from connector.tracking_ports import ShopTracking
from service_runtime.outbound import guarded_client
from storefront_events import OrderReceived

log = structlog.get_logger()

#: The topics subscribed on install (GraphQL enum → the X-Shopify-Topic it delivers)
TOPICS = {
    "ORDERS_CREATE": "orders/create",
    "ORDERS_UPDATED": "orders/updated",
    "ORDERS_CANCELLED": "orders/cancelled",
    "PRODUCTS_UPDATE": "products/update",
    "APP_UNINSTALLED": "app/uninstalled",
}

#: Topics whose meaning (orders, cancellations, products to sync) is derived after the webhook is
#: acknowledged; the others (uninstall, privacy) are applied before it is answered.
DERIVED_LATER = frozenset(
    {"orders/create", "orders/updated", "orders/paid", "orders/cancelled"}
    | {"products/update", "products/create", "products/delete"}
)

SHOP_QUERY = "{ shop { id name currencyCode myshopifyDomain plan { displayName } } }"
SUBSCRIPTIONS_QUERY = "{ webhookSubscriptions(first: 100) { nodes { id topic uri } } }"
CREATE_SUBSCRIPTION = """
mutation Subscribe($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
"""


class ShopifyAdapter:
    def __init__(self, settings: ConnectorSettings) -> None:
        self._settings = settings
        self._secrets = [settings.shopify_api_secret.get_secret_value()]
        if settings.shopify_previous_api_secret is not None:
            self._secrets.append(settings.shopify_previous_api_secret.get_secret_value())

    @property
    def platform(self) -> Platform:
        return "shopify"

    # ------------------------------------------------------------------ addresses

    def shop_root(self, shop: str) -> str:
        base = self._settings.shopify_base_url.rstrip("/")
        return f"{base}/shops/{shop}" if base else f"https://{shop}"

    def _graphql(self, connection: ShopConnection) -> ShopifyGraphQL:
        if not connection.shop_url or "access_token" not in connection.credentials:
            raise PlatformAuthFailed("platform_auth_failed")
        return ShopifyGraphQL(
            endpoint=f"{self.shop_root(connection.shop_url)}/admin/api/{self._settings.shopify_api_version}/graphql.json",
            access_token=connection.credentials["access_token"],
            allow_private=self._settings.outbound_allow_private,
        )

    # ------------------------------------------------------------------ OAuth

    def authorize_url(self, *, shop_url: str, state: str, redirect_uri: str, code_challenge: str | None = None) -> str:
        query = urlencode(
            {
                "client_id": self._settings.shopify_api_key,
                "scope": self._settings.shopify_scopes,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return f"{self.shop_root(shop_url)}/admin/oauth/authorize?{query}"

    def callback_signed(self, query: Sequence[tuple[str, str]]) -> bool:
        return signing.query_signed(query, self._secrets)

    async def exchange_code(
        self, *, shop_url: str, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> dict[str, str]:
        url = f"{self.shop_root(shop_url)}/admin/oauth/access_token"
        body = {
            "client_id": self._settings.shopify_api_key,
            "client_secret": self._secrets[0],
            "code": code,
        }
        try:
            async with guarded_client(allow_private=self._settings.outbound_allow_private, timeout=15) as http:
                response = await http.post(url, json=body, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise PlatformUnavailable("platform_unavailable", reason=type(error).__name__) from error
        if response.status_code >= 500:
            raise PlatformUnavailable("platform_unavailable", reason=f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise PlatformAuthFailed("platform_auth_failed")
        try:
            token = response.json()
            return {"access_token": str(token["access_token"]), "scope": str(token.get("scope", ""))}
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise PlatformError("platform_refused", reason="no access token in the answer") from error

    # ------------------------------------------------------------------ the shop

    async def verify_credentials(self, connection: ShopConnection) -> ShopDetails:
        async with self._graphql(connection) as api:
            shop = (await api.query(SHOP_QUERY, cost=2)).get("shop") or {}
        return ShopDetails(
            name=shop.get("name"),
            platform_shop_id=str(shop.get("id", "")).rsplit("/", 1)[-1] or None,
            currency=shop.get("currencyCode"),
            plan=(shop.get("plan") or {}).get("displayName"),
        )

    async def webhooks(self, connection: ShopConnection) -> list[WebhookSubscription]:
        async with self._graphql(connection) as api:
            return await self._subscriptions(api)

    async def _subscriptions(self, api: ShopifyGraphQL) -> list[WebhookSubscription]:
        data = await api.query(SUBSCRIPTIONS_QUERY, cost=12)
        return [
            WebhookSubscription(topic=TOPICS.get(n["topic"], str(n["topic"])), address=n["uri"], platform_id=n["id"])
            for n in (data.get("webhookSubscriptions") or {}).get("nodes") or []
        ]

    async def register_webhooks(self, connection: ShopConnection, *, address: str) -> list[WebhookSubscription]:
        async with self._graphql(connection) as api:
            held = await self._subscriptions(api)
            there = {(s.topic, s.address) for s in held}
            for enum, topic in TOPICS.items():
                if (topic, address) in there:
                    continue
                data = await api.query(CREATE_SUBSCRIPTION, {"topic": enum, "uri": address}, cost=10)
                created = data.get("webhookSubscriptionCreate") or {}
                if errors := created.get("userErrors"):
                    raise PlatformError("platform_refused", reason="; ".join(str(e.get("message")) for e in errors))
                node = created.get("webhookSubscription") or {}
                held.append(WebhookSubscription(topic=topic, address=address, platform_id=node.get("id")))
        return [s for s in held if s.address == address]

    async def create_product(self, connection: ShopConnection, draft: ProductDraft) -> CreatedProduct:
        """``publishing_ports.ProductCreatingPlatform`` (see adapters/shopify/product_set.py)."""
        async with self._graphql(connection) as api:
            data = await api.query(
                product_set.PRODUCT_SET, product_set.product_set_variables(draft), cost=product_set.PRODUCT_SET_COST
            )
        node = product_set.created_node(data)
        url = f"https://{connection.shop_url}/products/{node.get('handle') or draft.handle}"
        return CreatedProduct(products.store_product(node), url)

    async def products(
        self, connection: ShopConnection, *, product_ids: Sequence[str] | None = None
    ) -> AsyncIterator[ProductPage]:
        search = products.ids_query(list(product_ids)) if product_ids else None
        after: str | None = None
        total: int | None = None
        async with self._graphql(connection) as api:
            while True:
                variables: dict[str, Any] = {
                    "first": products.PAGE_SIZE,
                    "after": after,
                    "query": search,
                    "withCount": after is None,
                }
                data = await api.query(products.PRODUCTS_QUERY, variables, cost=products.QUERY_COST)
                if after is None:
                    total = int(((data.get("productsCount") or {}).get("count")) or 0) or None
                    if not product_ids and (total or 0) > self._settings.shopify_bulk_sync_min_products:
                        everything = await bulk.products(
                            api,
                            poll_seconds=self._settings.shopify_bulk_poll_seconds,
                            max_wait_seconds=self._settings.shopify_bulk_max_wait_seconds,
                        )
                        if everything is not None:
                            for start in range(0, len(everything), products.PAGE_SIZE):
                                yield ProductPage(
                                    products=everything[start : start + products.PAGE_SIZE], total=len(everything)
                                )
                            return
                        # the shop would not run it, or it failed: the pages, from this first one
                page = data.get("products") or {}
                nodes = [await self._all_variants(api, node) for node in page.get("nodes") or []]
                yield ProductPage(products=[products.store_product(n) for n in nodes], total=total)
                info = page.get("pageInfo") or {}
                if not info.get("hasNextPage"):
                    return
                after = info.get("endCursor")

    async def _all_variants(self, api: ShopifyGraphQL, node: dict[str, Any]) -> dict[str, Any]:
        """A product with more variants than the listing's first page of them: the rest, page by page."""
        variants = node.get("variants") or {}
        info = variants.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            return node
        collected = list(variants.get("nodes") or [])
        after = info.get("endCursor")
        while after:
            data = await api.query(
                products.VARIANTS_QUERY, {"id": node["id"], "after": after}, cost=products.VARIANTS_QUERY_COST
            )
            more = ((data.get("product") or {}).get("variants")) or {}
            collected += more.get("nodes") or []
            after = (
                (more.get("pageInfo") or {}).get("endCursor")
                if (more.get("pageInfo") or {}).get("hasNextPage")
                else None
            )
        return node | {"variants": {"nodes": collected}}

    async def recent_orders(self, connection: ShopConnection, *, since: datetime) -> list[OrderReceived]:
        """Orders created since ``since`` and not cancelled (a cancelled order never taken is not
        taken now), through the REST orders list: the shape orders/create delivers."""
        if not connection.shop_url or "access_token" not in connection.credentials:
            raise PlatformAuthFailed("platform_auth_failed")
        endpoint = f"{self.shop_root(connection.shop_url)}/admin/api/{self._settings.shopify_api_version}/orders.json"
        received = []
        async for payload in rest_orders.orders_created_since(
            endpoint=endpoint,
            access_token=connection.credentials["access_token"],
            since=since,
            allow_private=self._settings.outbound_allow_private,
        ):
            if payload.get("cancelled_at"):
                continue
            received.append(orders.order_received(connection, payload))
        return received

    async def push_fulfillment(self, connection: ShopConnection, fulfillment: Fulfillment) -> None:
        """A fulfillment with the tracking on the order's fulfillment orders (adapters/shopify/fulfillments.py)."""
        async with self._graphql(connection) as api:
            await fulfillments.fulfil(api, fulfillment)

    async def tracking_shown(self, connection: ShopConnection, platform_order_id: str) -> list[ShopTracking]:
        async with self._graphql(connection) as api:
            return fulfillments.tracking_of(await fulfillments.read_order(api, platform_order_id))

    # ------------------------------------------------------------------ webhooks in

    def read_webhook(self, headers: Mapping[str, str]) -> WebhookReceipt:
        return WebhookReceipt(
            topic=headers.get("x-shopify-topic", ""),
            delivery_id=headers.get("x-shopify-webhook-id") or None,
            shop=headers.get("x-shopify-shop-domain") or None,
        )

    def derived_later(self, receipt: WebhookReceipt) -> bool:
        return receipt.topic in DERIVED_LATER

    def webhook_signed(self, connection: ShopConnection, body: bytes, headers: Mapping[str, str]) -> bool:
        return signing.webhook_signed(body, headers.get("x-shopify-hmac-sha256"), self._secrets)

    def webhook_outcome(self, connection: ShopConnection, receipt: WebhookReceipt, body: bytes) -> WebhookOutcome:
        payload = _json_body(body)
        if not isinstance(payload, dict):
            raise WebhookUnreadable("webhook_payload_invalid", reason="not a JSON object")
        topic = receipt.topic
        if topic == "orders/create":
            received = orders.order_received(connection, payload)
            return WebhookOutcome(events=[received], platform_order_id=received.platform_order_id)
        if topic == "orders/cancelled":
            cancelled = orders.order_cancelled(connection, payload)
            return WebhookOutcome(events=[cancelled], platform_order_id=cancelled.platform_order_id)
        if topic in ("orders/updated", "orders/paid"):
            return WebhookOutcome(platform_order_id=str(payload.get("id")) if payload.get("id") else None)
        if topic in ("products/update", "products/create", "products/delete"):
            return WebhookOutcome(products_to_sync=[str(payload["id"])] if payload.get("id") else [])
        if topic == "app/uninstalled":
            return WebhookOutcome(disconnect_reason="revoked_on_platform")
        if topic == "customers/data_request":
            return WebhookOutcome(privacy=_privacy("customer_data_request", payload, "orders_requested"))
        if topic == "customers/redact":
            return WebhookOutcome(privacy=_privacy("customer_redact", payload, "orders_to_redact"))
        if topic == "shop/redact":
            return WebhookOutcome(privacy=PrivacyRequest(kind="shop_redact"))
        log.info("shopify.webhook_topic_ignored", topic=topic)
        return WebhookOutcome()


def _json_body(body: bytes) -> Any:
    """The body parsed by pydantic-core's JSON parser (half the cost of ``json.loads``; every
    order webhook is parsed here), or by ``json.loads`` when pydantic-core refuses it: the
    same values, and the same bodies read or refused, as ``json.loads`` alone."""
    try:
        return from_json(body)
    except ValueError:
        pass
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise WebhookUnreadable("webhook_payload_invalid", reason="not JSON") from error


def _privacy(kind: Any, payload: Mapping[str, Any], orders_key: str) -> PrivacyRequest:
    customer = payload.get("customer") or {}
    return PrivacyRequest(
        kind=kind,
        customer_email=customer.get("email"),
        platform_order_ids=[str(o) for o in payload.get(orders_key) or []],
    )


@platform("shopify")
def shopify(settings: ConnectorSettings) -> ShopifyAdapter:
    return ShopifyAdapter(settings)
