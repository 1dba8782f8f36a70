"""A Pressero (Aleyant) site that delivers signed order webhooks (platforms.md §4).

Little of Pressero is public: webhooks are configured per site with a Description, a
**Security Key**, a URL and events (``OrderPlaced``, ``OrderItemApproved``, ...); when a key is
set, Pressero hashes the key concatenated with the payload with **SHA-1** and sends it in the
``MessageHash`` header. The payload's schema, the order of concatenation and the encoding of
the hash are not documented: this simulator's choices are settings (``hash_order``,
``hash_encoding``), and its payload is our model of an order with items, product attributes
and the product's integration ID, to be checked against a captured real delivery.

``python -m platform_simulators.pressero --url http://127.0.0.1:8080/webhooks/pressero/ACME-001
--key <security key>`` places one order and prints how it was answered.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import httpx

HashOrder = Literal["key+body", "body+key"]
HashEncoding = Literal["hex", "base64"]


def message_hash(key: str, body: bytes, *, order: HashOrder = "key+body", encoding: HashEncoding = "hex") -> str:
    """SHA-1 of the security key and the payload (a plain hash, not an HMAC)."""
    material = key.encode() + body if order == "key+body" else body + key.encode()
    digest = hashlib.sha1(material)
    return digest.hexdigest() if encoding == "hex" else base64.b64encode(digest.digest()).decode()


@dataclass
class Webhook:
    url: str
    security_key: str
    events: tuple[str, ...] = ("OrderPlaced",)
    description: str = "Storefronts"


@dataclass
class Sent:
    url: str
    body: bytes
    headers: dict[str, str]
    status_code: int | None = None
    error: str | None = None


@dataclass
class PresseroSite:
    site_url: str = "acme.pressero.example"
    currency: str = "EUR"
    hash_order: HashOrder = "key+body"
    hash_encoding: HashEncoding = "hex"
    webhooks: list[Webhook] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    transport: httpx.AsyncBaseTransport | None = None
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(10001))

    def add_webhook(self, url: str, security_key: str, events: tuple[str, ...] = ("OrderPlaced",)) -> Webhook:
        webhook = Webhook(url, security_key, events)
        self.webhooks.append(webhook)
        return webhook

    def new_order(
        self, *, integration_id: str = "", items: list[dict[str, Any]] | None = None, email: str = "buyer@acme.example"
    ) -> dict[str, Any]:
        """An order as our model of Pressero's OrderPlaced payload."""
        number = next(self._numbers)
        address = {
            "FirstName": "Grace",
            "LastName": "Hopper",
            "Company": "Acme Corp",
            "Address1": "1 Market Street",
            "Address2": "Floor 3",
            "City": "Lyon",
            "StateProvince": "",
            "PostalCode": "69002",
            "Country": "FR",
            "Phone": "+33400000000",
            "Email": email,
        }
        items = items or [
            {
                "ProductName": "Business cards",
                "ProductId": str(uuid.uuid5(uuid.NAMESPACE_URL, "business-cards")),
                "IntegrationId": "BC-85x55",
                "Sku": "BC-85x55",
                "Quantity": 500,
                "UnitPrice": 0.08,
                "Attributes": [
                    {"Name": "Paper", "Value": "350gsm silk"},
                    {"Name": "Finish", "Value": "Matt lamination"},
                    {"Name": "Internal note", "Value": "rush"},
                ],
                "FileUrls": ["https://files.pressero.example/acme/bc-front.pdf"],
            }
        ]
        lines = []
        total = 0.0
        for index, item in enumerate(items, start=1):
            price = float(item.get("UnitPrice", 1.0)) * int(item.get("Quantity", 1))
            total += price
            lines.append(
                {
                    "ItemId": str(uuid.uuid4()),
                    "ItemNumber": index,
                    "ApprovalStatus": "Approved",
                    "Price": round(price, 2),
                }
                | item
            )
        return {
            "EventType": "OrderPlaced",
            "EventDate": datetime.now(UTC).isoformat(),
            "SiteUrl": self.site_url,
            "IntegrationId": integration_id,
            "Order": {
                "OrderId": str(uuid.uuid4()),
                "OrderNumber": number,
                "OrderDate": datetime.now(UTC).isoformat(),
                "Currency": self.currency,
                "Total": round(total + 9.5, 2),
                "ShippingTotal": 9.5,
                "TaxTotal": 0,
                "PONumber": f"PO-{number}",
                "ShippingMethod": "Courier",
                "Buyer": {"Email": email, "FirstName": "Grace", "LastName": "Hopper"},
                "ShippingAddress": address,
                "BillingAddress": address,
                "Items": lines,
            },
        }

    async def place_order(self, **kwargs: Any) -> tuple[dict[str, Any], list[Sent]]:
        """A buyer orders on the site: OrderPlaced goes to every webhook of that event, signed."""
        order = self.new_order(**kwargs)
        return order, await self.deliver("OrderPlaced", order)

    async def deliver(self, event: str, payload: dict[str, Any]) -> list[Sent]:
        body = json.dumps(payload).encode()
        sent = []
        for webhook in [w for w in self.webhooks if event in w.events]:
            headers = {"Content-Type": "application/json"}
            if webhook.security_key:
                headers["MessageHash"] = message_hash(
                    webhook.security_key, body, order=self.hash_order, encoding=self.hash_encoding
                )
            sent.append(await self.post(Sent(webhook.url, body, headers)))
        return sent

    async def post(self, delivery: Sent) -> Sent:
        """Sends (or sends again) one delivery as it is."""
        again = Sent(delivery.url, delivery.body, dict(delivery.headers))
        try:
            async with httpx.AsyncClient(transport=self.transport, timeout=30) as http:
                answer = await http.post(again.url, content=again.body, headers=again.headers)
            again.status_code = answer.status_code
        except httpx.HTTPError as error:
            again.error = f"{type(error).__name__}: {error}"
        self.sent.append(again)
        return again


def main() -> None:
    parser = argparse.ArgumentParser(description="Deliver one signed Pressero order (simulator)")
    parser.add_argument("--url", required=True, help="the connector's webhook address of the integration")
    parser.add_argument("--key", required=True, help="the store's security key")
    parser.add_argument("--integration-id", default="")
    arguments = parser.parse_args()
    site = PresseroSite()
    site.add_webhook(arguments.url, arguments.key)
    order, sent = asyncio.run(site.place_order(integration_id=arguments.integration_id))
    print(f"order {order['Order']['OrderNumber']}: {[(s.status_code, s.error) for s in sent]}")


if __name__ == "__main__":
    main()
