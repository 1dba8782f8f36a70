"""Connecting a WooCommerce shop and taking its orders, against the WooCommerce simulator over
real HTTP, with the connector on the real PostgreSQL and Kafka."""

import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from platform_simulators.server import free_port, serving
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app
from sqlalchemy import text

from connector.adapters.platforms.woocommerce import WooCommerce
from connector.main import create_app
from connector.ports import ShopConnection
from connector.settings import ConnectorSettings
from service_runtime.database import create_engine
from service_runtime.testing.helpers import eventually, read_topic, running
from storefront_events import (
    SHOP_ORDERS_V1,
    STORES_V1,
    OrderCancelledInStore,
    OrderReceived,
    StoreConnected,
    StoreProductsSynced,
)

ACME = str(uuid.uuid4())


@asynccontextmanager
async def connector_and_shop(service_settings, *, products: int = 3, variations: int = 2, **overrides):
    """The connector served on a real port (the shop delivers webhooks to it), trusting loopback
    addresses and plain http for the simulator; a WooCommerce shop with a catalog and a key."""
    port = free_port()
    settings = service_settings(
        ConnectorSettings,
        public_base_url=f"http://127.0.0.1:{port}",
        outbound_allow_private=True,
        woocommerce_require_https=False,
        **overrides,
    )
    shop = WooShop(name="Acme Woo")
    shop.add_catalog(products, variations_per_product=variations)
    async with serving(woo_app(shop)) as shop_url, serving(create_app(settings), port=port) as connector_url:
        async with httpx.AsyncClient(base_url=connector_url, timeout=60) as api:
            yield api, shop, shop_url, settings


async def _connect(api, shop, shop_url, headers, **changes):
    key = shop.add_key()
    body = {"shop_url": shop_url, "consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret} | changes
    return await api.post("/stores/woocommerce", json=body, headers=headers)


async def _rows(settings, query):
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            return (await connection.execute(text(query))).all()
    finally:
        await engine.dispose()


async def test_a_good_connect_verifies_the_keys_registers_signed_webhooks_and_connects(service_settings, token_mint):
    async with connector_and_shop(service_settings) as (api, shop, shop_url, settings):
        admin = token_mint.headers("admin", client_id=ACME)
        answer = await _connect(api, shop, shop_url, admin, name="Acme shop")
        assert answer.status_code == 201, answer.text
        store = answer.json()
        assert (store["platform"], store["status"], store["currency"], store["shop_url"]) == (
            "woocommerce",
            "connected",
            "EUR",
            shop_url,
        )
        address = f"{settings.public_base_url}/webhooks/woocommerce/{store['id']}"
        assert sorted((w.topic, w.delivery_url, w.status) for w in shop.webhooks.values()) == [
            ("order.created", address, "active"),
            ("order.updated", address, "active"),
        ]
        [(_, connected, _)] = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=1)
        assert isinstance(connected, StoreConnected) and connected.store_id == store["id"]
        [(sealed,)] = await _rows(settings, f"SELECT sealed_credentials FROM stores WHERE id = '{store['id']}'")
        key = next(iter(shop.keys.values()))
        assert key.consumer_secret not in sealed and next(iter(shop.webhooks.values())).secret not in sealed

        health = (await api.get(f"/stores/{store['id']}/health", headers=admin)).json()
        assert health["credentials_valid"] is True and health["problems"] == []
        assert health["webhooks_registered"] == health["webhooks_expected"] == ["order.created", "order.updated"]
        key.consumer_secret = "cs_revoked"  # the shop owner revokes the key: the health page says so
        health = (await api.get(f"/stores/{store['id']}/health", headers=admin)).json()
        assert health["credentials_valid"] is False and health["problems"][0]["code"] == "woo_key_refused"

        # connecting the same shop again is refused
        again = await _connect(api, shop, shop_url, admin)
        assert again.status_code == 409 and again.json()["field"] == "shop_url"


async def test_wrong_key_and_a_url_that_is_not_a_shop_are_refused_and_change_nothing(service_settings, token_mint):
    async with connector_and_shop(service_settings) as (api, shop, shop_url, _settings):
        admin = token_mint.headers("admin", client_id=ACME)
        key = shop.add_key()
        wrong = await api.post(
            "/stores/woocommerce",
            json={"shop_url": shop_url, "consumer_key": key.consumer_key, "consumer_secret": "cs_" + "0" * 40},
            headers=admin | {"Accept-Language": "fr-FR"},
        )
        assert wrong.status_code == 422, wrong.text
        problem = wrong.json()
        assert (problem["code"], problem["field"]) == (
            "woo_key_refused",
            "consumer_secret",
        )  # WooCommerce named the secret
        assert "Consumer secret is invalid" in problem["detail"] and "La boutique a refusé" in problem["detail"]

        not_a_shop = await _connect(api, shop, shop_url + "/blog", admin)
        assert not_a_shop.status_code == 422
        assert (not_a_shop.json()["code"], not_a_shop.json()["field"]) == ("woo_not_woocommerce", "shop_url")

        shop.moved_to = "http://www.shop.example"  # the site sends every visitor to its www. address
        moved = await _connect(api, shop, shop_url, admin)
        assert (moved.json()["code"], moved.json()["field"]) == ("woo_url_moved", "shop_url")
        assert "http://www.shop.example" in moved.json()["detail"]
        shop.moved_to = None

        read_only = shop.add_key(permissions="read")
        refused = await api.post(
            "/stores/woocommerce",
            json={
                "shop_url": shop_url,
                "consumer_key": read_only.consumer_key,
                "consumer_secret": read_only.consumer_secret,
            },
            headers=admin,
        )
        assert refused.status_code == 422 and refused.json()["code"] == "woo_key_read_only"

        assert not shop.webhooks
        assert [
            s for s in (await api.get("/stores", headers=admin)).json()["items"] if s["status"] == "connected"
        ] == []


async def test_plain_http_and_private_addresses_are_refused_with_the_production_defaults(service_settings, token_mint):
    settings = service_settings(ConnectorSettings)  # HTTPS required, private addresses refused
    admin = token_mint.headers("admin", client_id=ACME)
    body = {"consumer_key": "ck_" + "1" * 40, "consumer_secret": "cs_" + "2" * 40}
    async with running(create_app(settings)) as api:
        plain = await api.post(
            "/stores/woocommerce", json=body | {"shop_url": "http://shop.example.com"}, headers=admin
        )
        assert plain.status_code == 422
        assert (plain.json()["code"], plain.json()["field"]) == ("woo_url_https_required", "shop_url")
        assert "https://" in plain.json()["detail"]
        for private in ("https://127.0.0.1:8443", "https://10.1.2.3", "https://[::1]/shop", "https://169.254.169.254"):
            refused = await api.post("/stores/woocommerce", json=body | {"shop_url": private}, headers=admin)
            assert refused.status_code == 422, private
            assert (refused.json()["code"], refused.json()["field"]) == ("woo_url_private", "shop_url")
        assert (await api.get("/stores", headers=admin)).json()["items"] == []


def test_production_settings_refuse_plain_http_shops() -> None:
    with pytest.raises(ValueError, match="WOOCOMMERCE_REQUIRE_HTTPS"):
        ConnectorSettings(
            environment="production",
            kafka_replication_factor=3,
            kafka_min_insync_replicas=2,
            woocommerce_require_https=False,
        )


async def test_an_order_delivered_three_times_is_received_once_and_its_cancellation_follows(
    service_settings, token_mint
):
    async with connector_and_shop(service_settings) as (api, shop, shop_url, settings):
        answer = await _connect(api, shop, shop_url, token_mint.headers("admin", client_id=ACME))
        store_id = answer.json()["id"]
        await shop.settled()
        assert [d.status_code for d in shop.deliveries if d.ping] == [200, 200]  # the creation pings

        order = await shop.place_order()
        [delivery] = [d for d in shop.deliveries if d.topic == "order.created" and not d.ping]
        assert delivery.status_code == 200
        for _ in range(2):
            assert (await shop.redeliver(delivery)).status_code == 200
        await shop.set_order_status(order["id"], "completed")  # another delivery id, same order
        await shop.set_order_status(order["id"], "cancelled")

        records = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=3, timeout=10)
        events = [event for _, event, _ in records]
        assert [type(e) for e in events] == [OrderReceived, OrderCancelledInStore]
        received = events[0]
        assert (received.store_id, received.client_id, received.platform_order_id) == (store_id, ACME, str(order["id"]))
        assert received.lines[0].sku == order["line_items"][0]["sku"] and received.lines[0].quantity == 2
        rows = await _rows(
            settings, f"SELECT topic FROM webhook_deliveries WHERE store_id = '{store_id}' AND topic <> 'ping'"
        )
        assert sorted(r[0] for r in rows) == ["order.created", "order.updated", "order.updated"]


async def test_a_webhook_with_a_bad_signature_is_refused_and_changes_nothing(service_settings, token_mint):
    async with connector_and_shop(service_settings) as (api, shop, shop_url, settings):
        store_id = (await _connect(api, shop, shop_url, token_mint.headers("admin", client_id=ACME))).json()["id"]
        webhook = next(iter(shop.webhooks.values()))
        webhook.secret = "not-the-secret-we-gave"  # a forger without the store's secret
        await shop.place_order()
        forged = shop.deliveries[-1]
        assert forged.status_code == 401

        await shop.settled()
        stored = await _rows(settings, f"SELECT topic FROM webhook_deliveries WHERE store_id = '{store_id}'")
        assert {topic for (topic,) in stored} <= {"ping"}  # the creation pings only, no order
        assert await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=1, timeout=3) == []


async def test_a_catalog_of_thousands_of_variations_syncs_page_by_page_with_progress(service_settings, token_mint):
    async with connector_and_shop(service_settings, products=450, variations=10, sync_batch_products=100) as (
        api,
        shop,
        shop_url,
        settings,
    ):
        admin = token_mint.headers("admin", client_id=ACME)
        store_id = (await _connect(api, shop, shop_url, admin)).json()["id"]
        shop.fail_next(1, status=429, retry_after=1)  # the host throttles once, then has a hiccup
        shop.fail_next(1, status=503)
        started = await api.post(f"/stores/{store_id}/syncs", headers=admin)
        assert started.status_code == 202, started.text
        progress: list[tuple[int, int | None]] = []

        async def finished() -> dict | None:
            job = (await api.get(started.headers["Location"], headers=admin)).json()
            progress.append((job["done"], job["total"]))
            return job if job["status"] != "running" else None

        job = await eventually(finished, timeout=240, interval=0.5)
        assert (job["status"], job["done"], job["total"], job["changed"]) == ("succeeded", 450, 450, 450), job
        assert [done for done, _ in progress] == sorted(done for done, _ in progress)  # never goes back

        asked = [query for method, path, query in shop.requests if path.endswith("/wp-json/wc/v3/products")]
        assert {query["per_page"] for query in asked} == {"100"}
        assert sorted({query["page"] for query in asked}) == ["1", "2", "3", "4", "5"]

        records = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=6, timeout=30)
        batches = [event for _, event, _ in records if isinstance(event, StoreProductsSynced)]
        assert [(b.batch, b.batches) for b in batches] == [(n, 5) for n in range(1, 6)]
        products = [p for b in batches for p in b.products]
        assert len({p.platform_product_id for p in products}) == 450
        assert sum(len(p.variants) for p in products) == 4500
        first = next(p for p in products if p.title == "Poster 1")
        assert {v.options["Size"] for v in first.variants} == {"XS", "S", "M", "L", "XL"}


async def test_recent_orders_are_read_back_in_the_canonical_shape_for_reconciliation() -> None:
    shop = WooShop()
    shop.add_catalog(2, variations_per_product=2)
    key = shop.add_key(permissions="read")
    paid, pending = shop.new_order(), shop.new_order()
    pending["status"] = "pending"
    async with serving(woo_app(shop)) as shop_url:
        credentials = {"consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret}
        connection = ShopConnection("store-1", ACME, "woocommerce", shop_url, credentials)
        found = await WooCommerce(allow_private=True).recent_orders(
            connection, since=datetime.now(UTC) - timedelta(hours=1)
        )
    assert [o.platform_order_id for o in found] == [str(paid["id"])]  # a pending checkout is not an order yet
    assert found[0].store_id == "store-1" and found[0].lines[0].quantity == 2
