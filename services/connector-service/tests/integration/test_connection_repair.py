"""Connection repair against the simulators over HTTP, real PostgreSQL and Kafka: a webhook
subscription deleted by Shopify (or disabled by WooCommerce) is registered again; a revoked token
puts the store in needs attention and its admin is told once (StoreNeedsAttention); reconnecting
it never takes an order already taken again."""

import uuid

import httpx
import pytest
from platform_simulators.server import free_port, serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as create_simulator
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as create_woo

from connector.handlers.connection_repair import check_connection
from connector.handlers.install import Addresses
from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import read_topic
from storefront_events import SHOP_ORDERS_V1, STORES_V1, OrderReceived, StoreNeedsAttention

from .test_shopify_install import _install, _path

CLIENT = str(uuid.uuid4())
SHOP = "broken-link.myshopify.com"


@pytest.fixture
async def simulator():
    app = create_simulator(
        SimulatorConfig(catalog_products=5, variants_per_product=2, webhook_retry_seconds=0.1, demo_shops=())
    )
    async with serving(app) as url:
        yield url, app.state.simulator


def _settings(service_settings, port, **overrides):
    return service_settings(
        ConnectorSettings,
        public_base_url=f"http://127.0.0.1:{port}",
        outbound_allow_private=True,
        woocommerce_require_https=False,
        reconcile_seconds=0,
        connection_check_seconds=0,  # the test runs the checks itself
        **overrides,
    )


@pytest.fixture
async def connector(service_settings, simulator):
    port = free_port()
    settings = _settings(service_settings, port, shopify_base_url=simulator[0])
    app = create_app(settings)
    async with serving(app, port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield http, settings, app


async def _check(app, settings, store_id):
    runtime = app.state.runtime
    return await check_connection(store_id, runtime.connections(), addresses=Addresses(settings.public_base_url))


async def _attention_events(settings, *, expected: int) -> list[StoreNeedsAttention]:
    records = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=99, timeout=4)
    found = [e for _, e, _ in records if isinstance(e, StoreNeedsAttention)]
    assert len(found) == expected, found
    return found


async def test_a_deleted_subscription_is_registered_again_and_orders_flow_again(connector, simulator, token_mint):
    http, settings, app = connector
    sim_url, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, SHOP)
    assert (await http.get(_path(location))).status_code == 200
    assert (await _check(app, settings, store["id"])).outcome == "healthy"

    async with httpx.AsyncClient(base_url=f"{sim_url}/simulator/shops/{SHOP}") as shop:
        assert (await shop.delete("/subscriptions", params={"topic": "ORDERS_CREATE"})).json()["removed"] == 1
        assert (await shop.post("/orders")).json()["deliveries"] == []  # no subscription: nobody told
        health = (await http.get(f"/stores/{store['id']}/health", headers=admin)).json()
        assert health["webhooks_missing"] == ["orders/create"]

        result = await _check(app, settings, store["id"])
        assert (result.outcome, result.repaired) == ("repaired", ("orders/create",))
        assert sum(s["topic"] == "ORDERS_CREATE" for s in sim.shops[SHOP].subscriptions) == 1
        placed = (await shop.post("/orders")).json()
        assert placed["deliveries"][0]["attempts"] == [200]
    health = (await http.get(f"/stores/{store['id']}/health", headers=admin)).json()
    assert (health["status"], health["webhooks_missing"]) == ("connected", [])
    assert (await _check(app, settings, store["id"])).outcome == "healthy"


async def test_a_revoked_token_needs_attention_the_admin_is_told_once_and_reconnecting_takes_no_order_twice(
    connector, simulator, token_mint
):
    http, settings, app = connector
    sim_url, _ = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, SHOP)
    assert (await http.get(_path(location))).status_code == 200
    async with httpx.AsyncClient(base_url=f"{sim_url}/simulator/shops/{SHOP}") as shop:
        taken = [(await shop.post("/orders")).json()["order"] for _ in range(2)]
        await shop.post("/tokens/revoke")

    for _ in range(2):  # the schedule finds it broken twice: one notice
        result = await _check(app, settings, store["id"])
        assert (result.outcome, result.reason) == ("needs_attention", "platform_auth_failed")
    [notice] = await _attention_events(settings, expected=1)
    assert (notice.store_id, notice.client_id, notice.platform, notice.reason) == (
        store["id"],
        CLIENT,
        "shopify",
        "platform_auth_failed",
    )
    assert "Reconnect the store" in notice.explanation
    health = await http.get(f"/stores/{store['id']}/health", headers=admin | {"Accept-Language": "fr"})
    assert health.json()["status"] == "needs_attention"
    assert any("reconnectez la boutique" in p["message"].lower() for p in health.json()["problems"])

    again = await http.post("/stores/shopify/install", json={"shop": SHOP, "store_id": store["id"]}, headers=admin)
    assert again.status_code == 201, again.text
    async with httpx.AsyncClient() as browser:
        grant = await browser.get(again.json()["authorize_url"])
    reconnected = await http.get(_path(grant.headers["location"]))
    assert (reconnected.status_code, reconnected.json()["status"]) == (200, "connected")
    recovered = await http.post(f"/stores/{store['id']}/reconcile", headers=admin)
    assert (recovered.json()["seen"], recovered.json()["recovered"]) == (2, 0)
    records = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=3, timeout=4)
    orders = [e.platform_order_id for _, e, _ in records if isinstance(e, OrderReceived)]
    assert sorted(orders) == sorted(str(o["id"]) for o in taken)
    assert (await _check(app, settings, store["id"])).outcome == "healthy"

    async with httpx.AsyncClient(base_url=f"{sim_url}/simulator/shops/{SHOP}") as shop:
        await shop.post("/tokens/revoke")  # a new break after the reconnection: told again
    assert (await _check(app, settings, store["id"])).outcome == "needs_attention"
    await _attention_events(settings, expected=2)


async def test_a_webhook_woocommerce_disabled_is_active_again(service_settings, token_mint):
    port = free_port()
    settings = _settings(service_settings, port)
    shop = WooShop(name="Flaky Woo")
    shop.add_catalog(1)
    app = create_app(settings)
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serving(create_woo(shop)) as shop_url, serving(app, port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            key = shop.add_key()
            connected = await http.post(
                "/stores/woocommerce",
                json={"shop_url": shop_url, "consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret},
                headers=admin,
            )
            assert connected.status_code == 201, connected.text
            store_id = connected.json()["id"]
            created = next(w for w in shop.webhooks.values() if w.topic == "order.created")
            shop.disable_webhook(created.id)

            result = await _check(app, settings, store_id)
            assert (result.outcome, result.repaired) == ("repaired", ("order.created",))
            assert created.status == "active" and len(shop.webhooks) == 2  # the same webhook, not a second one
            order = await shop.place_order()
            assert shop.deliveries[-1].status_code == 200

            key.consumer_secret = "cs_changed"  # the shop's owner revoked the key
            result = await _check(app, settings, store_id)
            assert result.outcome == "needs_attention"
            assert (await http.get(f"/stores/{store_id}", headers=admin)).json()["status"] == "needs_attention"
    [notice] = await _attention_events(settings, expected=1)
    assert notice.platform == "woocommerce" and notice.store_id == store_id
    records = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=2, timeout=4)
    assert [e.platform_order_id for _, e, _ in records] == [str(order["id"])]
