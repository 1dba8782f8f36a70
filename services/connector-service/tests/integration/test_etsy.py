"""Etsy end to end against its simulator (a real HTTP server): OAuth with PKCE, tokens refreshed,
receipts polled into OrderReceived exactly once across restarts, product sync under the
per-second limit; real PostgreSQL and Kafka."""

import asyncio
import uuid
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from platform_simulators.etsy import EtsyConfig, challenge_of
from platform_simulators.etsy import create_app as create_simulator
from platform_simulators.server import free_port, serving
from sqlalchemy import select

from connector.adapters.etsy.api import EtsyApi
from connector.adapters.platforms.etsy import EtsyAdapter
from connector.adapters.tables import StoreRow
from connector.adapters.vault import SecretBoxVault
from connector.domain.errors import PlatformAuthFailed
from connector.main import create_app
from connector.ports import Fulfillment, ShopConnection
from connector.settings import ConnectorSettings
from service_runtime.secrets import SecretBox
from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import SHOP_ORDERS_V1, STORES_V1, OrderReceived, StoreConnected, StoreProductsSynced

CLIENT = str(uuid.uuid4())


@pytest.fixture
async def simulator():
    app = create_simulator(EtsyConfig(listings=23, inactive_listings=3, per_second=4))
    async with serving(app) as url:
        yield url, app.state.simulator


@pytest.fixture
def etsy_settings(service_settings, simulator):
    port = free_port()
    return service_settings(
        ConnectorSettings,
        port=port,
        public_base_url=f"http://127.0.0.1:{port}",
        etsy_base_url=simulator[0],
        etsy_page_size=10,
        outbound_allow_private=True,
        order_poll_seconds=0,  # polled on demand here; the schedule has its own test
    )


def serve(settings):
    return serving(create_app(settings), port=settings.port)


async def connect(http, headers) -> dict:
    """The client's admin connects the demo shop: consent at Etsy, the callback back to us."""
    started = await http.post("/stores/etsy/connect", json={}, headers=headers)
    assert started.status_code == 201, started.text
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(started.json()["authorize_url"])
    assert consent.status_code == 302
    callback = urlsplit(consent.headers["location"])
    connected = await http.get(f"{callback.path}?{callback.query}")
    assert connected.status_code == 200, connected.text
    return connected.json()


async def test_etsy_connects_with_oauth_and_pkce_end_to_end(etsy_settings, simulator, token_mint):
    _, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serve(etsy_settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        started = await http.post("/stores/etsy/connect", json={}, headers=admin)
        assert started.status_code == 201, started.text
        asked = parse_qs(urlsplit(started.json()["authorize_url"]).query)
        assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
        assert asked["scope"] == ["shops_r listings_r transactions_r transactions_w"]
        assert "code_verifier" not in asked  # the verifier stays with the connector
        assert asked["redirect_uri"] == [f"{etsy_settings.public_base_url}/stores/etsy/callback"]
        async with httpx.AsyncClient() as browser:
            consent = await browser.get(started.json()["authorize_url"])
        callback = urlsplit(consent.headers["location"])

        connected = await http.get(f"{callback.path}?{callback.query}")
        assert connected.status_code == 200, connected.text
        store = connected.json()
        assert (store["status"], store["name"], store["currency"]) == ("connected", "DemoPrintsShop", "USD")
        assert store["platform_shop_id"] == str(sim.sellers[5_551_001].shop_id)

        replayed = await http.get(f"{callback.path}?{callback.query}")  # the state is single-use
        assert replayed.status_code == 400 and replayed.headers["content-type"] == "application/problem+json"
    records = await read_topic(etsy_settings.kafka_bootstrap, etsy_settings.topic(STORES_V1.name), count=1)
    [event] = [e for _, e, _ in records if isinstance(e, StoreConnected)]
    assert (event.store_id, event.client_id, event.platform) == (store["id"], CLIENT, "etsy")
    sealed = await _sealed_credentials(etsy_settings, store["id"])
    assert sealed and "access_token" not in sealed and str(5_551_001) not in sealed  # encrypted at rest


async def test_a_wrong_code_verifier_is_refused_with_etsys_error(etsy_settings, simulator, token_mint):
    sim_url, _ = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serve(etsy_settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        started = await http.post("/stores/etsy/connect", json={}, headers=admin)
        async with httpx.AsyncClient() as browser:
            consent = await browser.get(started.json()["authorize_url"])
        back = parse_qs(urlsplit(consent.headers["location"]).query)
        code, redirect_uri = back["code"][0], f"{etsy_settings.public_base_url}/stores/etsy/callback"
        wrong = "w" * 64
        async with httpx.AsyncClient() as attacker:
            refused = await attacker.post(
                f"{sim_url}/v3/public/oauth/token",
                data={
                    "grant_type": "authorization_code",
                    "client_id": "storefronts-etsy-app",
                    "redirect_uri": redirect_uri,
                    "code": code,
                    "code_verifier": wrong,
                },
            )
        assert refused.status_code == 400
        assert refused.json() == {"error": "invalid_grant", "error_description": "code_verifier is invalid"}
        with pytest.raises(PlatformAuthFailed):  # our adapter says so in the domain's words
            await EtsyAdapter(etsy_settings).exchange_code(
                shop_url="", code=code, redirect_uri=redirect_uri, code_verifier=wrong
            )
        assert challenge_of(wrong) != asked_challenge(started.json()["authorize_url"])

        # the code was not spent by the wrong verifiers: the connector's own verifier completes the connection
        callback = urlsplit(consent.headers["location"])
        connected = await http.get(f"{callback.path}?{callback.query}")
        assert connected.status_code == 200, connected.text
        assert connected.json()["status"] == "connected"


def asked_challenge(authorize_url: str) -> str:
    return parse_qs(urlsplit(authorize_url).query)["code_challenge"][0]


async def test_tokens_are_refreshed_when_expired_and_a_refused_refresh_asks_to_reconnect(
    etsy_settings, simulator, token_mint
):
    _, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serve(etsy_settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        store = await connect(http, admin)
        poll = f"/stores/{store['id']}/orders/poll"
        assert (await http.post(poll, headers=admin)).status_code == 200
        assert sim.counters.token_grants.get("refresh_token", 0) == 0  # an hour-long token: nothing to refresh
        first = await _sealed_credentials(etsy_settings, store["id"])

        sim.expire_tokens()  # Etsy ended the token early: refused, refreshed, asked again
        assert (await http.post(poll, headers=admin)).status_code == 200
        assert sim.counters.token_grants["refresh_token"] == 1
        assert await _sealed_credentials(etsy_settings, store["id"]) != first  # the new tokens are kept

        sim.config.access_token_seconds = 60  # expires within the 5-minute margin: refreshed before each use
        sim.expire_tokens()
        assert (await http.post(poll, headers=admin)).status_code == 200
        assert (await http.post(poll, headers=admin)).status_code == 200
        assert sim.counters.token_grants["refresh_token"] == 3

        sim.revoke_tokens()  # the seller removed the app: the refresh token is refused
        refused = await http.post(poll, headers={**admin, "Accept-Language": "fr"})
        assert refused.status_code == 502 and "reconnectez la boutique" in refused.json()["detail"]
        after = (await http.get(f"/stores/{store['id']}", headers=admin)).json()
        assert (after["status"], after["status_reason"]) == ("needs_attention", "reconnect_needed")

        reconnected = await _reconnect(http, admin, store["id"])
        assert reconnected["status"] == "connected"


async def _reconnect(http, headers, store_id):
    started = await http.post("/stores/etsy/connect", json={"store_id": store_id}, headers=headers)
    assert started.status_code == 201, started.text
    async with httpx.AsyncClient() as browser:
        consent = await browser.get(started.json()["authorize_url"])
    callback = urlsplit(consent.headers["location"])
    return (await http.get(f"{callback.path}?{callback.query}")).json()


async def _orders(settings, *, at_least: int) -> list[OrderReceived]:
    records = await read_topic(
        settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=at_least + 1, timeout=5
    )
    return [e for _, e, _ in records if isinstance(e, OrderReceived)]


async def test_polling_twice_and_across_a_restart_gives_each_receipt_one_order_received(
    etsy_settings, simulator, token_mint
):
    _, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    shop_id = sim.sellers[5_551_001].shop_id
    async with serve(etsy_settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        store = await connect(http, admin)
        poll = f"/stores/{store['id']}/orders/poll"
        first, second = sim.place_order(shop_id), sim.place_order(shop_id, quantity=2)
        sim.place_order(shop_id, paid=False)  # not paid yet: not an order to make
        assert (await http.post(poll, headers=admin)).json() == {"seen": 2, "taken": 2}
        assert (await http.post(poll, headers=admin)).json() == {"seen": 2, "taken": 0}

    third = sim.place_order(shop_id)
    restarted = etsy_settings.model_copy(update={"order_poll_seconds": 0.2})  # the schedule polls this time
    async with serve(restarted):
        await eventually(lambda: _has_orders(etsy_settings, 3), timeout=30)
        await asyncio.sleep(0.5)  # a few more scheduled polls: nothing more may come
    orders = await _orders(etsy_settings, at_least=3)
    assert sorted(o.platform_order_id for o in orders) == sorted(str(r["receipt_id"]) for r in (first, second, third))
    by_id = {o.platform_order_id: o for o in orders}
    order = by_id[str(second["receipt_id"])]
    assert (order.store_id, order.client_id, order.platform, order.currency) == (store["id"], CLIENT, "etsy", "USD")
    assert order.lines[0].quantity == 2 and order.shipping_address.country_code == "US"
    assert order.total == order.lines[0].unit_price * 2 + order.shipping_total


async def _has_orders(settings, count: int) -> bool:
    return len(await _orders(settings, at_least=count)) >= count


async def test_product_sync_pages_through_active_listings_under_the_per_second_limit(
    etsy_settings, simulator, token_mint
):
    _, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serve(etsy_settings) as url, httpx.AsyncClient(base_url=url, timeout=60) as http:
        store = await connect(http, admin)
        started = await http.post(f"/stores/{store['id']}/syncs", headers=admin)
        assert started.status_code == 202, started.text
        job = await _finished(http, started.headers["location"], admin)
    assert job["status"] == "succeeded", job
    assert (job["done"], job["total"]) == (23, 23)  # the active listings only, every page
    assert sim.counters.listing_pages == [(10, 0), (10, 10), (10, 20)]
    records = await read_topic(etsy_settings.kafka_bootstrap, etsy_settings.topic(STORES_V1.name), count=3, timeout=5)
    products = [p for _, e, _ in records if isinstance(e, StoreProductsSynced) for p in e.products]
    assert len(products) == 23
    with_variations = next(p for p in products if len(p.variants) > 1)
    assert all(v.sku and set(v.options) == {"Size", "Primary color"} for v in with_variations.variants)
    assert sum(len(p.variants) for p in products) == sum(
        len(li.inventory) for li in sim.listings.values() if li.state == "active"
    )


async def _finished(http, location, headers) -> dict:
    async def done():
        job = (await http.get(location, headers=headers)).json()
        return job if job["status"] != "running" else None

    return await eventually(done, timeout=60)


async def _sealed_credentials(settings, store_id: str) -> str | None:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(settings.database_url)
    try:
        async with engine.connect() as db:
            row = (await db.execute(select(StoreRow.sealed_credentials).where(StoreRow.id == store_id))).first()
    finally:
        await engine.dispose()
    return row[0] if row else None


async def test_a_burst_past_the_per_second_limit_waits_out_each_429_and_gets_every_answer(etsy_settings, simulator):
    sim_url, sim = simulator
    sim.config.per_second = 2
    api = EtsyApi(
        root=sim_url,
        api_key="storefronts-etsy-app:storefronts-etsy-secret",
        access_token=None,
        allow_private=True,
        max_retries=10,
    )
    shop_id = sim.sellers[5_551_001].shop_id
    async with api:
        pages = await asyncio.gather(
            *(api.get(f"/shops/{shop_id}/listings/active", {"limit": 5, "offset": 5 * n}) for n in range(5))
        )
    assert sim.counters.rate_limited > 0  # the burst was refused at first...
    assert [len(p["results"]) for p in pages] == [5, 5, 5, 5, 3]  # ...and every page arrived


async def test_a_shipment_is_added_to_the_receipt_with_its_tracking(etsy_settings, simulator, token_mint):
    _, sim = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    shop_id = sim.sellers[5_551_001].shop_id
    async with serve(etsy_settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
        store = await connect(http, admin)
        sealed = await _sealed_credentials(etsy_settings, store["id"])
    receipt = sim.place_order(shop_id)
    vault = SecretBoxVault(SecretBox([k.get_secret_value() for k in etsy_settings.secret_keys]))
    connection = ShopConnection(
        store_id=store["id"],
        client_id=CLIENT,
        platform="etsy",
        shop_url=None,
        credentials=vault.open(sealed),
    )
    await EtsyAdapter(etsy_settings).push_fulfillment(
        connection,
        Fulfillment(
            platform_order_id=str(receipt["receipt_id"]), carrier="usps", tracking_number="9400100000000000000000"
        ),
    )
    assert receipt["is_shipped"] is True
    assert [(s["carrier_name"], s["tracking_code"]) for s in receipt["shipments"]] == [
        ("usps", "9400100000000000000000")
    ]
