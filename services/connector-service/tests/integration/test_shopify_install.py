"""Connecting a Shopify shop end to end against the simulator (a real HTTP server), the connector
served over HTTP too so the simulator delivers its webhooks to it; real PostgreSQL and Kafka."""

import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from platform_simulators.server import free_port, serving
from platform_simulators.shopify import SimulatorConfig, sign_query
from platform_simulators.shopify import create_app as create_simulator
from sqlalchemy import select

from connector.adapters.tables import StoreRow
from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import read_topic
from storefront_events import SHOP_ORDERS_V1, STORES_V1, OrderReceived, StoreConnected

from .shops import APP_SECRET

CLIENT = str(uuid.uuid4())


@pytest.fixture
async def simulator():
    app = create_simulator(SimulatorConfig(catalog_products=20, variants_per_product=2, webhook_retry_seconds=0.1))
    async with serving(app) as url:
        yield url, app.state.simulator


@pytest.fixture
async def connector(service_settings, simulator):
    port = free_port()
    settings = service_settings(
        ConnectorSettings,
        public_base_url=f"http://127.0.0.1:{port}",
        shopify_base_url=simulator[0],
        outbound_allow_private=True,
    )
    async with serving(create_app(settings), port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield http, settings


async def _install(http, headers, shop):
    started = await http.post("/stores/shopify/install", json={"shop": shop}, headers=headers)
    assert started.status_code == 201, started.text
    async with httpx.AsyncClient() as browser:
        grant = await browser.get(started.json()["authorize_url"])
    assert grant.status_code == 302
    return started.json()["store"], grant.headers["location"]


def _path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


async def test_a_shop_installs_end_to_end_and_its_orders_arrive_once(connector, simulator, token_mint):
    http, settings = connector
    sim_url, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)

    store, location = await _install(http, admin, "https://Acme-Prints.myshopify.com/admin")
    assert (store["status"], store["shop_url"]) == ("connecting", "acme-prints.myshopify.com")
    assert location.startswith(f"{settings.public_base_url}/stores/shopify/callback?")
    connected = await http.get(_path(location))

    assert connected.status_code == 200, connected.text
    assert (connected.json()["status"], connected.json()["currency"]) == ("connected", "EUR")
    shop = sim.shops["acme-prints.myshopify.com"]
    webhook_address = f"{settings.public_base_url}/webhooks/shopify/{store['id']}"
    assert sorted(s["topic"] for s in shop.subscriptions) == [
        "APP_UNINSTALLED",
        "ORDERS_CANCELLED",
        "ORDERS_CREATE",
        "ORDERS_UPDATED",
        "PRODUCTS_UPDATE",
    ]
    assert {s["uri"] for s in shop.subscriptions} == {webhook_address}
    [token] = shop.tokens
    runtime_row = await _store_row(settings, store["id"])
    assert runtime_row.sealed_credentials and token not in runtime_row.sealed_credentials
    [(_, event, _)] = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=1)
    assert isinstance(event, StoreConnected)
    assert (event.store_id, event.client_id, event.platform, event.shop_url) == (
        store["id"],
        CLIENT,
        "shopify",
        "acme-prints.myshopify.com",
    )

    async with httpx.AsyncClient(base_url=sim_url) as shop_admin:
        placed = (await shop_admin.post("/simulator/shops/acme-prints.myshopify.com/orders")).json()
        assert placed["deliveries"][0]["attempts"] == [200]
        webhook_id = placed["deliveries"][0]["webhook_id"]
        for _ in range(2):  # Shopify retries with the same webhook id
            again = await shop_admin.post(
                f"/simulator/shops/acme-prints.myshopify.com/deliveries/{webhook_id}/redeliver"
            )
            assert again.json()["attempts"][-1] == 200
    records = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=2, timeout=5)
    assert [type(e) for _, e, _ in records] == [OrderReceived]
    assert records[0][1].platform_order_id == str(placed["order"]["id"])


async def test_a_forged_signature_a_replayed_state_and_another_shop_are_refused(connector, token_mint):
    http, _ = connector
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, "forge-test")
    query = dict(parse_qsl(urlsplit(location).query))

    forged = await http.get("/stores/shopify/callback?" + urlencode(query | {"code": "stolen-code"}))
    assert forged.status_code == 400 and forged.json()["code"] == "oauth_signature_invalid"

    other = query | {"shop": "someone-else.myshopify.com"}
    other["hmac"] = sign_query(other, APP_SECRET)  # even signed, the state was issued for another shop
    wrong_shop = await http.get("/stores/shopify/callback?" + urlencode(other))
    assert wrong_shop.status_code == 400 and wrong_shop.json()["code"] == "oauth_wrong_shop"
    replayed = await http.get(_path(location))  # the state went with the first callback that showed it
    assert replayed.status_code == 400 and replayed.json()["code"] == "oauth_state_invalid"
    assert (await http.get(f"/stores/{store['id']}", headers=admin)).json()["status"] == "connecting"

    _, fresh = await _install(http, admin, "forge-test")
    assert (await http.get(_path(fresh))).status_code == 200
    replay = await http.get(_path(fresh), headers={"Accept-Language": "fr"})
    assert replay.status_code == 400
    assert replay.json()["detail"].startswith("Ce lien de connexion a déjà été utilisé")


@pytest.mark.parametrize(
    "shop",
    [
        "evil.example",
        "acme.myshopify.com.evil.example",
        "https://attacker.example/acme.myshopify.com",
        "-acme",
        "a b",
        "",
    ],
)
async def test_a_shop_address_that_is_not_shopifys_is_refused(connector, token_mint, shop):
    http, _ = connector
    admin = token_mint.headers("admin", client_id=CLIENT)
    refused = await http.post("/stores/shopify/install", json={"shop": shop}, headers=admin)
    assert refused.status_code == 422 and refused.json()["field"] == "shop"
    assert (await http.get("/stores", headers=admin)).json()["items"] == []


async def test_a_store_manager_cannot_reconnect_a_store_that_is_not_theirs(connector, token_mint):
    http, _ = connector
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, _ = await _install(http, admin, "managed-shop")
    stranger = token_mint.headers("store_manager", client_id=CLIENT, store_ids=("another-store",))
    refused = await http.post(
        "/stores/shopify/install", json={"shop": "managed-shop", "store_id": store["id"]}, headers=stranger
    )
    assert refused.status_code == 404
    manager = token_mint.headers("store_manager", client_id=CLIENT, store_ids=(store["id"],))
    allowed = await http.post(
        "/stores/shopify/install", json={"shop": "managed-shop", "store_id": store["id"]}, headers=manager
    )
    assert allowed.status_code == 201 and allowed.json()["store"]["id"] == store["id"]


async def _store_row(settings, store_id):
    from connector.bootstrap import build

    runtime = build(settings)
    try:
        async with runtime.sessions() as session:
            return (await session.execute(select(StoreRow).where(StoreRow.id == store_id))).scalar_one()
    finally:
        await runtime.engine.dispose()


async def test_the_health_page_says_what_is_wrong_in_the_clients_words(connector, simulator, token_mint):
    http, _ = connector
    sim_url, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, "healthy-shop")
    assert (await http.get(_path(location))).status_code == 200
    async with httpx.AsyncClient(base_url=sim_url) as shop_admin:
        await shop_admin.post("/simulator/shops/healthy-shop.myshopify.com/orders")

    healthy = (await http.get(f"/stores/{store['id']}/health", headers=admin)).json()
    assert (healthy["credentials_valid"], healthy["webhooks_missing"], healthy["problems"]) == (True, [], [])
    assert len(healthy["webhooks_registered"]) == 5 and healthy["last_webhook_at"] is not None

    shop = sim.shops["healthy-shop.myshopify.com"]
    shop.subscriptions[:] = [s for s in shop.subscriptions if s["topic"] != "ORDERS_CREATE"]
    missing = (await http.get(f"/stores/{store['id']}/health", headers=admin)).json()
    assert missing["webhooks_missing"] == ["orders/create"]
    assert [p["code"] for p in missing["problems"]] == ["webhooks_missing"]

    shop.tokens.clear()  # the merchant revoked the app's access
    french = {**admin, "Accept-Language": "fr"}
    revoked = (await http.get(f"/stores/{store['id']}/health", headers=french)).json()
    assert revoked["credentials_valid"] is False
    assert revoked["problems"][0]["code"] == "platform_auth_failed"
    assert revoked["problems"][0]["message"].startswith("La boutique n'accepte plus notre connexion")

    manual = await http.post("/stores/manual", json={"name": "Direct"}, headers=admin)
    plain = (await http.get(f"/stores/{manual.json()['id']}/health", headers=admin)).json()
    assert (plain["credentials_valid"], plain["webhooks_registered"], plain["problems"]) == (None, None, [])
    stranger = token_mint.headers("store_manager", client_id=CLIENT, store_ids=(manual.json()["id"],))
    assert (await http.get(f"/stores/{store['id']}/health", headers=stranger)).status_code == 404


async def test_installing_a_shop_the_client_already_has_connects_the_same_store_again(connector, token_mint):
    http, settings = connector
    admin = token_mint.headers("admin", client_id=CLIENT)
    first, location = await _install(http, admin, "twice-shop")
    assert (await http.get(_path(location))).status_code == 200
    again, location = await _install(http, admin, "twice-shop.myshopify.com")
    assert again["id"] == first["id"]
    reconnected = await http.get(_path(location))
    assert (reconnected.status_code, reconnected.json()["status"]) == (200, "connected")
    assert [s["id"] for s in (await http.get("/stores", headers=admin)).json()["items"]] == [first["id"]]
    records = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=2)
    assert [(e.store_id, e.aggregate_version) for _, e, _ in records] == [(first["id"], 2), (first["id"], 3)]
