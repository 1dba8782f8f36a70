"""The embedded default (what `make up` runs): the connector on SQLite installs a shop from the
simulator, takes its webhooks once and syncs its products."""

from urllib.parse import urlsplit

import httpx
from platform_simulators.server import free_port, serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as create_simulator

from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import SHOP_ORDERS_V1, STORES_V1, OrderReceived, StoreProductsSynced


async def test_install_webhooks_and_sync_on_sqlite(service_settings, token_mint, tmp_path):
    simulator = create_simulator(SimulatorConfig(catalog_products=60, variants_per_product=2, demo_shops=()))
    port = free_port()
    async with serving(simulator) as sim_url:
        settings = service_settings(
            ConnectorSettings,
            database_url=f"sqlite:///{tmp_path}/connector.db",
            public_base_url=f"http://127.0.0.1:{port}",
            shopify_base_url=sim_url,
            outbound_allow_private=True,
            outbox_max_event_bytes=20_000,  # so the 60 products need several StoreProductsSynced
        )
        async with serving(create_app(settings), port=port) as url, httpx.AsyncClient(base_url=url) as http:
            admin = token_mint.headers("admin", client_id="c-sqlite")
            started = (await http.post("/stores/shopify/install", json={"shop": "lite"}, headers=admin)).json()
            async with httpx.AsyncClient() as browser:
                grant = await browser.get(started["authorize_url"])
            callback = urlsplit(grant.headers["location"])
            assert (await http.get(f"{callback.path}?{callback.query}")).json()["status"] == "connected"
            async with httpx.AsyncClient(base_url=sim_url) as shop:
                placed = (await shop.post("/simulator/shops/lite.myshopify.com/orders")).json()
                webhook_id = placed["deliveries"][0]["webhook_id"]
                await shop.post(f"/simulator/shops/lite.myshopify.com/deliveries/{webhook_id}/redeliver")
            sync = await http.post(f"/stores/{started['store']['id']}/syncs", headers=admin)

            async def finished():
                job = (await http.get(sync.headers["location"], headers=admin)).json()
                return job if job["status"] != "running" else None

            job = await eventually(finished, timeout=120)
            assert (job["status"], job["done"], job["changed"]) == ("succeeded", 60, 60)
            assert job["batches"] > 1

    orders = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=2, timeout=4)
    assert [type(e) for _, e, _ in orders] == [OrderReceived]
    stores = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=1 + job["batches"])
    synced = [e for _, e, _ in stores if isinstance(e, StoreProductsSynced)]
    assert sorted(e.batch for e in synced) == list(range(1, job["batches"] + 1))
    assert sum(len(e.products) for e in synced) == 60
