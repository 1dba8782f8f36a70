"""The Pressero adapter (``ports.ShopPlatform``). Pressero's API is a paid add-on and little of
it is public: a Pressero store connects by its integration ID (the client's reference ID) and
takes orders on its webhook, configured by the operator in Pressero (Preferences › Webhooks:
the address and the security key we give). No product sync or polling through the API yet.

Settings kept sealed for a Pressero store: ``security_key``, ``integration_id`` and
``line_attributes`` (a JSON list of product attribute names that become line attributes)."""

import json
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime

from connector.adapters.platforms import platform
from connector.adapters.pressero_translation import attribute_names, order_received
from connector.domain import pressero as rules
from connector.domain.errors import WebhookRefused
from connector.domain.platform_errors import InvalidShopOrder
from connector.domain.stores import Platform
from connector.ports import (
    Fulfillment,
    ProductPage,
    ShopConnection,
    ShopDetails,
    ShopPlatform,
    WebhookOutcome,
    WebhookReceipt,
    WebhookSubscription,
)
from connector.settings import ConnectorSettings
from storefront_events import OrderReceived

ORDER_EVENTS = ("OrderPlaced",)


class Pressero:
    @property
    def platform(self) -> Platform:
        return "pressero"

    async def verify_credentials(self, connection: ShopConnection) -> ShopDetails:
        """Nothing to call: the integration is known by its ID; the first signed order proves it."""
        return ShopDetails(platform_shop_id=connection.credentials.get("integration_id"))

    async def register_webhooks(self, connection: ShopConnection, *, address: str) -> list[WebhookSubscription]:
        """Configured by hand in Pressero: the one subscription to set up, to show the operator."""
        return [WebhookSubscription(event, address) for event in ORDER_EVENTS]

    async def webhooks(self, connection: ShopConnection) -> list[WebhookSubscription]:
        return []

    async def products(
        self, connection: ShopConnection, *, product_ids: Sequence[str] | None = None
    ) -> AsyncIterator[ProductPage]:
        return
        yield  # an async generator with no page: no product API without Pressero's paid add-on

    async def recent_orders(self, connection: ShopConnection, *, since: datetime) -> list[OrderReceived]:
        return []

    def read_webhook(self, headers: Mapping[str, str]) -> WebhookReceipt:
        """Pressero sends no event or delivery id header: the body's hash de-duplicates."""
        return WebhookReceipt(topic="pressero", delivery_id=None)

    def derived_later(self, receipt: WebhookReceipt) -> bool:
        """No: a signed body naming another integration is refused, which needs the body read."""
        return False

    def webhook_signed(self, connection: ShopConnection, body: bytes, headers: Mapping[str, str]) -> bool:
        return rules.signed(connection.credentials.get("security_key", ""), body, headers.get("messagehash"))

    def webhook_outcome(self, connection: ShopConnection, receipt: WebhookReceipt, body: bytes) -> WebhookOutcome:
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise InvalidShopOrder("order_unreadable", reason="not JSON") from error
        if not isinstance(payload, dict):
            raise InvalidShopOrder("order_unreadable", reason="not a JSON object")
        named = str(payload.get("IntegrationId") or "").strip()
        if named and named.casefold() != connection.credentials.get("integration_id", "").casefold():
            raise WebhookRefused("webhook_other_shop")  # signed, but for another integration: nothing stored
        if payload.get("EventType") not in ORDER_EVENTS:
            return WebhookOutcome()
        received = order_received(
            connection,
            payload,
            line_attributes=attribute_names(connection.credentials.get("line_attributes")),
            test=bool(payload.get("Test")),
        )
        return WebhookOutcome(events=[received], platform_order_id=received.platform_order_id)

    async def push_fulfillment(self, connection: ShopConnection, fulfillment: Fulfillment) -> None:
        """Not through Pressero's API yet (its write endpoints are not public)."""
        return None


@platform("pressero")
def pressero(settings: ConnectorSettings) -> ShopPlatform:
    return Pressero()
