"""The Etsy adapter (``ports.ShopPlatform``, ``ports.OAuthPlatform``, ``ports.RefreshingPlatform``).

OAuth 2.0 with PKCE (S256): the authorize address carries the challenge, the token call the
verifier the connector kept sealed server-side. Access tokens live an hour: ``expires_at`` in
the credentials says when, and the handlers refresh them before. Etsy gives no order webhooks
to rely on (only commercial apps get any, registered by hand): receipts are polled
(``recent_orders``). ``CONNECTOR_ETSY_BASE_URL`` points it at the local simulator."""

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx

from connector.adapters.etsy import listings, receipts
from connector.adapters.etsy.api import EtsyApi, Sleep, raise_for_answer
from connector.adapters.platforms import platform
from connector.domain.errors import PlatformAuthFailed, PlatformError, PlatformUnavailable
from connector.domain.stores import Platform
from connector.ports import (
    Fulfillment,
    ProductPage,
    ShopConnection,
    ShopDetails,
    WebhookOutcome,
    WebhookReceipt,
    WebhookSubscription,
)
from connector.settings import ConnectorSettings
from connector.tracking_ports import ShopTracking
from service_runtime.outbound import guarded_client
from storefront_events import OrderReceived


class EtsyAdapter:
    orders_by_polling = True  # no order webhooks to rely on: handlers/order_polls.py polls its receipts

    def __init__(self, settings: ConnectorSettings, *, sleep: Sleep = asyncio.sleep) -> None:
        self._settings = settings
        self._sleep = sleep
        base = settings.etsy_base_url.rstrip("/")
        self._api_root = base or "https://api.etsy.com"
        self._connect_url = f"{base}/oauth/connect" if base else "https://www.etsy.com/oauth/connect"

    @property
    def platform(self) -> Platform:
        return "etsy"

    @property
    def _api_key(self) -> str:
        return f"{self._settings.etsy_keystring}:{self._settings.etsy_shared_secret.get_secret_value()}"

    def _api(self, access_token: str | None) -> EtsyApi:
        return EtsyApi(
            root=self._api_root,
            api_key=self._api_key,
            access_token=access_token,
            allow_private=self._settings.outbound_allow_private,
            max_retries=self._settings.etsy_max_retries,
            sleep=self._sleep,
        )

    def _shop_api(self, connection: ShopConnection) -> tuple[EtsyApi, str]:
        token, shop_id = connection.credentials.get("access_token"), connection.credentials.get("shop_id")
        if not token or not shop_id:
            raise PlatformAuthFailed("platform_auth_failed")
        return self._api(token), shop_id

    # ------------------------------------------------------------------ OAuth with PKCE

    def authorize_url(self, *, shop_url: str, state: str, redirect_uri: str, code_challenge: str | None = None) -> str:
        if not code_challenge:
            raise ValueError("Etsy needs a PKCE code challenge")
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._settings.etsy_keystring,
                "redirect_uri": redirect_uri,
                "scope": self._settings.etsy_scopes,
                "state": state,
                "code_challenge": code_challenge,
                "code_challenge_method": "S256",
            }
        )
        return f"{self._connect_url}?{query}"

    def callback_signed(self, query: Sequence[tuple[str, str]]) -> bool:
        return True  # Etsy does not sign its callback: the single-use state and the PKCE verifier bind it

    async def exchange_code(
        self, *, shop_url: str, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> dict[str, str]:
        """The code and the verifier → tokens, then whose shop they open (``users/me``)."""
        if not code_verifier:
            raise PlatformAuthFailed("platform_auth_failed")
        tokens = await self._token(
            {
                "grant_type": "authorization_code",
                "client_id": self._settings.etsy_keystring,
                "redirect_uri": redirect_uri,
                "code": code,
                "code_verifier": code_verifier,
            }
        )
        async with self._api(tokens["access_token"]) as api:
            me = await api.get("/users/me")
        if not isinstance(me, Mapping) or not me.get("shop_id"):
            raise PlatformError("etsy_no_shop")
        return {**tokens, "user_id": str(me.get("user_id", "")), "shop_id": str(me["shop_id"])}

    # ------------------------------------------------------------------ tokens that expire

    def expires_at(self, credentials: Mapping[str, str]) -> datetime | None:
        try:
            return datetime.fromisoformat(credentials["expires_at"])
        except (KeyError, ValueError):
            return None

    async def refresh_credentials(self, connection: ShopConnection) -> dict[str, str]:
        refresh_token = connection.credentials.get("refresh_token")
        if not refresh_token:
            raise PlatformAuthFailed("platform_auth_failed")
        tokens = await self._token(
            {"grant_type": "refresh_token", "client_id": self._settings.etsy_keystring, "refresh_token": refresh_token}
        )
        return {**connection.credentials, **tokens}

    async def _token(self, form: Mapping[str, str]) -> dict[str, str]:
        """``POST /v3/public/oauth/token``; the refresh token rotates: the returned one is kept."""
        url = f"{self._api_root}/v3/public/oauth/token"
        try:
            async with guarded_client(allow_private=self._settings.outbound_allow_private, timeout=15) as http:
                response = await http.post(url, data=form, headers={"x-api-key": self._api_key})
        except httpx.HTTPError as error:
            raise PlatformUnavailable("platform_unavailable", reason=type(error).__name__) from error
        if response.status_code == 400:  # invalid_grant: a wrong verifier, a used code, a revoked refresh token
            raise PlatformAuthFailed("platform_auth_failed")
        raise_for_answer(response)
        body = response.json()
        try:
            expires = datetime.now(UTC) + timedelta(seconds=int(body["expires_in"]))
            return {
                "access_token": str(body["access_token"]),
                "refresh_token": str(body["refresh_token"]),
                "expires_at": expires.isoformat(),
            }
        except (KeyError, TypeError, ValueError) as error:
            raise PlatformError("platform_refused", reason="no token in the answer") from error

    # ------------------------------------------------------------------ the shop

    async def verify_credentials(self, connection: ShopConnection) -> ShopDetails:
        api, shop_id = self._shop_api(connection)
        async with api:
            await api.get("/users/me")  # the token works
            shop = await api.get(f"/shops/{shop_id}")
        return ShopDetails(
            name=shop.get("shop_name"),
            platform_shop_id=str(shop.get("shop_id", shop_id)),
            currency=shop.get("currency_code"),
        )

    async def register_webhooks(self, connection: ShopConnection, *, address: str) -> list[WebhookSubscription]:
        return []  # no order webhooks to rely on: receipts are polled

    async def webhooks(self, connection: ShopConnection) -> list[WebhookSubscription]:
        return []

    async def products(
        self, connection: ShopConnection, *, product_ids: Sequence[str] | None = None
    ) -> AsyncIterator[ProductPage]:
        """The shop's active listings, ``etsy_page_size`` at a time (limit/offset until ``count``),
        each with its inventory: every inventory product a variant."""
        api, shop_id = self._shop_api(connection)
        wanted = set(product_ids) if product_ids else None
        limit = self._settings.etsy_page_size
        offset = 0
        async with api:
            while True:
                page = await api.get(f"/shops/{shop_id}/listings/active", {"limit": limit, "offset": offset})
                results: list[dict[str, Any]] = list(page.get("results") or [])
                found = []
                for listing in results:
                    if wanted is not None and str(listing.get("listing_id")) not in wanted:
                        continue
                    inventory = await api.get(f"/listings/{listing['listing_id']}/inventory")
                    found.append(listings.store_product(listing, inventory))
                total = int(page.get("count") or 0)
                yield ProductPage(products=found, total=len(wanted) if wanted is not None else total)
                offset += len(results)
                if not results or offset >= total:
                    return

    async def recent_orders(self, connection: ShopConnection, *, since: datetime) -> list[OrderReceived]:
        """Receipts paid, not yet shipped, created since ``since``, oldest first, page by page."""
        api, shop_id = self._shop_api(connection)
        limit = self._settings.etsy_page_size
        found: list[OrderReceived] = []
        offset = 0
        query = {
            "was_paid": "true",
            "was_shipped": "false",
            "min_created": max(int(since.timestamp()), 946_684_800),
            "sort_on": "created",
            "sort_order": "asc",
            "limit": limit,
        }
        async with api:
            while True:
                page = await api.get(f"/shops/{shop_id}/receipts", {**query, "offset": offset})
                results = list(page.get("results") or [])
                found.extend(receipts.order_received(connection, r) for r in results)
                offset += len(results)
                if not results or offset >= int(page.get("count") or 0):
                    return found

    async def push_fulfillment(self, connection: ShopConnection, fulfillment: Fulfillment) -> None:
        """createReceiptShipment: the tracking code and carrier on the receipt (Etsy emails the
        buyer), unless the receipt already has a shipment with that tracking code."""
        api, shop_id = self._shop_api(connection)
        form: dict[str, str] = {}
        if fulfillment.tracking_number:
            form = {"tracking_code": fulfillment.tracking_number, "carrier_name": fulfillment.carrier or "other"}
        async with api:
            receipt = await api.get(f"/shops/{shop_id}/receipts/{fulfillment.platform_order_id}")
            if any(shown.tracking_number == fulfillment.tracking_number for shown in _shipments(receipt)):
                return
            await api.post_form(f"/shops/{shop_id}/receipts/{fulfillment.platform_order_id}/tracking", form)

    async def tracking_shown(self, connection: ShopConnection, platform_order_id: str) -> list[ShopTracking]:
        """The receipt's shipments, read back."""
        api, shop_id = self._shop_api(connection)
        async with api:
            receipt = await api.get(f"/shops/{shop_id}/receipts/{platform_order_id}")
        return _shipments(receipt)

    # ------------------------------------------------------------------ webhooks in (none relied on)

    def read_webhook(self, headers: Mapping[str, str]) -> WebhookReceipt:
        return WebhookReceipt(topic=headers.get("webhook-event-type", ""), delivery_id=headers.get("webhook-id"))

    def derived_later(self, receipt: WebhookReceipt) -> bool:
        return False

    def webhook_signed(self, connection: ShopConnection, body: bytes, headers: Mapping[str, str]) -> bool:
        return False  # no Etsy webhook is taken: every delivery is refused and stores nothing

    def webhook_outcome(self, connection: ShopConnection, receipt: WebhookReceipt, body: bytes) -> WebhookOutcome:
        return WebhookOutcome()


def _shipments(receipt: Any) -> list[ShopTracking]:
    """The receipt's shipments that carry a tracking code."""
    shipments = (receipt.get("shipments") or []) if isinstance(receipt, Mapping) else []
    return [
        ShopTracking(str(s["tracking_code"]), s.get("carrier_name"))
        for s in shipments
        if isinstance(s, Mapping) and s.get("tracking_code")
    ]


@platform("etsy")
def etsy(settings: ConnectorSettings) -> EtsyAdapter:
    return EtsyAdapter(settings)
