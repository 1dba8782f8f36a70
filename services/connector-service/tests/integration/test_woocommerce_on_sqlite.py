"""The embedded default (what `make up` runs): on SQLite, a WooCommerce shop connects, its
creation pings are answered and an order delivered twice is received once."""

import httpx
from platform_simulators.server import free_port, serving
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app

from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import read_topic
from storefront_events import SHOP_ORDERS_V1, OrderReceived


async def test_woocommerce_connects_and_takes_an_order_once_on_sqlite(service_settings, token_mint, tmp_path):
    shop = WooShop()
    shop.add_catalog(5, variations_per_product=2)
    key = shop.add_key()
    port = free_port()
    settings = service_settings(
        ConnectorSettings,
        database_url=f"sqlite:///{tmp_path}/connector.db",
        public_base_url=f"http://127.0.0.1:{port}",
        outbound_allow_private=True,
        woocommerce_require_https=False,
    )
    async with serving(woo_app(shop)) as shop_url, serving(create_app(settings), port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            body = {"shop_url": shop_url, "consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret}
            store = await http.post(
                "/stores/woocommerce", json=body, headers=token_mint.headers("admin", client_id="c-lite")
            )
            assert store.json()["status"] == "connected", store.text
            async with httpx.AsyncClient(base_url=shop_url) as demo:
                placed = (await demo.post("/_simulator/orders")).json()
            assert [d["status"] for d in placed["deliveries"]] == [200]
            await shop.settled()
            assert [d.status_code for d in shop.deliveries if d.ping] == [200, 200]
            again = await shop.redeliver(next(d for d in shop.deliveries if d.topic == "order.created"))
            assert again.status_code == 200

    orders = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=2, timeout=4)
    assert [(type(e), e.platform_order_id) for _, e, _ in orders] == [(OrderReceived, str(placed["order"]["id"]))]
