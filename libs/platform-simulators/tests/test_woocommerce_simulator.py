"""The WooCommerce simulator speaks the REST API v3 over real HTTP: keys, pagination, webhooks."""

import base64
import hashlib
import hmac

import httpx
from fastapi import FastAPI, Request
from platform_simulators.server import serving
from platform_simulators.woocommerce import WooShop, create_app, sign


async def test_keys_pages_and_signed_deliveries() -> None:
    shop = WooShop()
    shop.add_catalog(30, variations_per_product=4)
    key = shop.add_key()
    received: list[tuple[bytes, dict[str, str]]] = []
    receiver = FastAPI()

    @receiver.post("/hook")
    async def hook(request: Request) -> dict[str, str]:
        received.append((await request.body(), dict(request.headers)))
        return {}

    async with serving(create_app(shop)) as shop_url, serving(receiver) as receiver_url:
        async with httpx.AsyncClient(base_url=shop_url + "/wp-json/wc/v3") as http:
            wrong = await http.get("/system_status", auth=(key.consumer_key, "cs_wrong"))
            assert wrong.status_code == 401
            assert wrong.json()["code"] == "woocommerce_rest_authentication_error"
            unknown = await http.get("/system_status", auth=("ck_unknown", "cs_x"))
            assert unknown.status_code == 401 and unknown.json()["code"] == "woocommerce_rest_cannot_view"
            auth = (key.consumer_key, key.consumer_secret)
            assert (await http.get("/system_status", auth=auth)).json()["settings"]["currency"] == "EUR"

            page = await http.get("/products", params={"per_page": 100, "page": 1}, auth=auth)
            assert page.headers["X-WP-Total"] == "30" and page.headers["X-WP-TotalPages"] == "1"
            assert (await http.get("/products", params={"per_page": 101}, auth=auth)).status_code == 400
            first = page.json()[0]
            variations = await http.get(f"/products/{first['id']}/variations", params={"per_page": 3}, auth=auth)
            assert variations.headers["X-WP-TotalPages"] == "2" and 'rel="next"' in variations.headers["Link"]

            shop.fail_next(1, status=429, retry_after=2)
            limited = await http.get("/products", auth=auth)
            assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"

            created = await http.post(
                "/webhooks",
                json={
                    "name": "orders",
                    "topic": "order.created",
                    "delivery_url": receiver_url + "/hook",
                    "secret": "s3",
                },
                auth=auth,
            )
            assert created.status_code == 201
            await shop.settled()
            ping_body, ping_headers = received[0]
            assert ping_body == f"webhook_id={created.json()['id']}".encode()
            assert "x-wc-webhook-signature" not in ping_headers

            order = await shop.place_order()
            body, headers = received[1]
            expected = base64.b64encode(hmac.new(b"s3", body, hashlib.sha256).digest()).decode()
            assert headers["x-wc-webhook-signature"] == expected == sign("s3", body)
            assert headers["x-wc-webhook-topic"] == "order.created"
            assert headers["x-wc-webhook-delivery-id"]
            assert str(order["id"]) in body.decode()
