"""Never miss an order: the Shopify simulator drops webhooks on purpose, reconciliation fetches
the shop's recent orders (REST orders list, over HTTP) and feeds them into the webhooks'
de-duplicated path; every order reaches the topic exactly once and a second run recovers none.
Real PostgreSQL and Kafka; the connector served over HTTP so the simulator can deliver to it."""

import uuid

import httpx
import pytest
from platform_simulators.etsy import EtsyConfig
from platform_simulators.etsy import create_app as create_etsy
from platform_simulators.server import free_port, serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as create_simulator
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as create_woo

from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import read_topic
from storefront_events import SHOP_ORDERS_V1, OrderReceived

from .test_etsy import connect as etsy_connect
from .test_etsy import serve as etsy_serve
from .test_shopify_install import _install, _path

CLIENT = str(uuid.uuid4())
SHOP = "lost-orders.myshopify.com"


@pytest.fixture
async def simulator():
    app = create_simulator(
        SimulatorConfig(catalog_products=5, variants_per_product=2, webhook_retry_seconds=0.1, demo_shops=())
    )
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
        woocommerce_require_https=False,
        reconcile_seconds=0,  # on demand only: the test decides when
    )
    async with serving(create_app(settings), port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            yield http, settings


async def _orders(settings, *, expected: int) -> list[OrderReceived]:
    """Everything on the orders topic (waits for one more than expected: none may come)."""
    records = await read_topic(
        settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=expected + 1, timeout=5
    )
    return [event for _, event, _ in records if isinstance(event, OrderReceived)]


async def test_dropped_shopify_webhooks_are_recovered_once_and_a_second_run_recovers_none(
    connector, simulator, token_mint
):
    http, settings = connector
    sim_url, _ = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, SHOP)
    assert (await http.get(_path(location))).status_code == 200

    async with httpx.AsyncClient(base_url=f"{sim_url}/simulator/shops/{SHOP}") as shop:
        delivered = (await shop.post("/orders")).json()
        assert delivered["deliveries"][0]["attempts"] == [200]
        assert (await shop.post("/webhooks/drop", json={"count": 3})).status_code == 200
        dropped = [(await shop.post("/orders")).json() for _ in range(2)]
        assert all(not d["deliveries"][0]["attempts"] for d in dropped)  # never sent
        webhook_id = delivered["deliveries"][0]["webhook_id"]
        assert (await shop.post(f"/deliveries/{webhook_id}/redeliver")).json()["attempts"][-1] == 200

    first = await http.post(f"/stores/{store['id']}/reconcile", headers=admin)
    assert first.status_code == 200, first.text
    assert (first.json()["seen"], first.json()["recovered"]) == (3, 2)

    orders = await _orders(settings, expected=3)
    placed = {str(o["order"]["id"]) for o in [delivered, *dropped]}
    assert sorted(o.platform_order_id for o in orders) == sorted(placed)  # each exactly once
    recovered = next(o for o in orders if o.platform_order_id == str(dropped[0]["order"]["id"]))
    assert (recovered.store_id, recovered.client_id, recovered.order_number) == (
        store["id"],
        CLIENT,
        dropped[0]["order"]["name"],
    )
    assert len(recovered.lines) == 1 and recovered.shipping_address.city == "Lyon"

    again = await http.post(f"/stores/{store['id']}/reconcile", headers=admin)
    assert (again.json()["seen"], again.json()["recovered"]) == (3, 0)
    assert len(await _orders(settings, expected=3)) == 3

    health = (await http.get(f"/stores/{store['id']}/health", headers=admin)).json()
    run = health["reconciliation"]
    assert (run["seen"], run["recovered"], run["total_recovered"], run["error"]) == (3, 0, 2, None)
    assert run["last_run_at"]


async def test_a_failed_run_shows_its_error_on_the_health_page_in_the_readers_language(
    connector, simulator, token_mint
):
    http, _ = connector
    sim_url, _ = simulator
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, SHOP)
    assert (await http.get(_path(location))).status_code == 200
    async with httpx.AsyncClient(base_url=f"{sim_url}/simulator/shops/{SHOP}") as shop:
        await shop.post("/tokens/revoke")

    refused = await http.post(f"/stores/{store['id']}/reconcile", headers=admin)
    assert refused.status_code == 502 and refused.json()["code"] == "platform_auth_failed"

    health = await http.get(f"/stores/{store['id']}/health", headers=admin | {"Accept-Language": "fr"})
    run = health.json()["reconciliation"]
    assert run["recovered"] == 0 and run["error"]["code"] == "platform_auth_failed"
    assert run["error"]["message"].startswith("La boutique n'accepte plus notre connexion")


async def test_only_the_stores_managers_may_reconcile_it(connector, simulator, token_mint):
    http, _ = connector
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, SHOP)
    assert (await http.get(_path(location))).status_code == 200

    for headers, status in [
        (token_mint.headers("read_only", client_id=CLIENT), 403),
        (token_mint.headers("order_manager", client_id=CLIENT), 403),
        (token_mint.headers("admin", client_id=str(uuid.uuid4())), 404),
        (token_mint.headers("store_manager", client_id=CLIENT, store_ids=[str(uuid.uuid4())]), 404),
    ]:
        answer = await http.post(f"/stores/{store['id']}/reconcile", headers=headers)
        assert answer.status_code == status, (headers, answer.text)
    manager = token_mint.headers("store_manager", client_id=CLIENT, store_ids=[store["id"]])
    assert (await http.post(f"/stores/{store['id']}/reconcile", headers=manager)).status_code == 200
    assert (
        await http.post(f"/stores/{store['id']}/reconcile", headers=token_mint.headers("operator"))
    ).status_code == 200
    manual = await http.post("/stores/manual", json={"name": "Counter sales"}, headers=admin)
    assert manual.status_code == 201, manual.text
    refused = await http.post(f"/stores/{manual.json()['id']}/reconcile", headers=admin)
    assert refused.status_code == 422 and refused.json()["code"] == "reconcile_not_supported"


async def test_dropped_woocommerce_webhooks_are_recovered_once(service_settings, token_mint):
    port = free_port()
    settings = service_settings(
        ConnectorSettings,
        public_base_url=f"http://127.0.0.1:{port}",
        outbound_allow_private=True,
        woocommerce_require_https=False,
        reconcile_seconds=0,
    )
    shop = WooShop(name="Lost Woo")
    shop.add_catalog(2)
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serving(create_woo(shop)) as shop_url, serving(create_app(settings), port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            key = shop.add_key()
            connected = await http.post(
                "/stores/woocommerce",
                json={"shop_url": shop_url, "consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret},
                headers=admin,
            )
            assert connected.status_code == 201, connected.text
            store_id = connected.json()["id"]
            await shop.settled()
            taken = await shop.place_order()
            assert shop.deliveries[-1].status_code == 200
            shop.drop_deliveries = -1
            lost = [await shop.place_order() for _ in range(2)]
            assert all(d.dropped for d in shop.deliveries[-2:])

            first = (await http.post(f"/stores/{store_id}/reconcile", headers=admin)).json()
            assert (first["seen"], first["recovered"]) == (3, 2)
            second = (await http.post(f"/stores/{store_id}/reconcile", headers=admin)).json()
            assert (second["seen"], second["recovered"]) == (3, 0)

    orders = await _orders(settings, expected=3)
    assert sorted(o.platform_order_id for o in orders) == sorted(str(o["id"]) for o in [taken, *lost])


async def test_an_etsy_store_is_reconciled_by_its_poll_and_takes_no_receipt_twice(service_settings, token_mint):
    app = create_etsy(EtsyConfig(listings=3, inactive_listings=0, per_second=4))
    async with serving(app) as etsy_url:
        sim = app.state.simulator
        port = free_port()
        settings = service_settings(
            ConnectorSettings,
            port=port,
            public_base_url=f"http://127.0.0.1:{port}",
            etsy_base_url=etsy_url,
            outbound_allow_private=True,
            order_poll_seconds=0,
            reconcile_seconds=0,
        )
        admin = token_mint.headers("admin", client_id=CLIENT)
        shop_id = sim.sellers[5_551_001].shop_id
        async with etsy_serve(settings) as url, httpx.AsyncClient(base_url=url, timeout=30) as http:
            store = await etsy_connect(http, admin)
            polled = [sim.place_order(shop_id), sim.place_order(shop_id)]
            assert (await http.post(f"/stores/{store['id']}/orders/poll", headers=admin)).json()["taken"] == 2
            missed = sim.place_order(shop_id)
            first = (await http.post(f"/stores/{store['id']}/reconcile", headers=admin)).json()
            assert (first["seen"], first["recovered"]) == (3, 1)
            again = (await http.post(f"/stores/{store['id']}/reconcile", headers=admin)).json()
            assert (again["seen"], again["recovered"]) == (3, 0)
    orders = await _orders(settings, expected=3)
    assert sorted(o.platform_order_id for o in orders) == sorted(str(r["receipt_id"]) for r in [*polled, missed])


async def test_a_store_whose_address_no_longer_resolves_fails_alone_and_the_others_are_reconciled(
    service_settings, simulator, token_mint
):
    """The schedule: a WooCommerce shop's domain lapsed after it was connected (its name no
    longer resolves); its reconciliation fails and its health page says so (it used to answer
    422 itself), and the Shopify store beside it gets its lost orders back all the same."""
    sim_url, _ = simulator
    port = free_port()
    settings = service_settings(
        ConnectorSettings,
        public_base_url=f"http://127.0.0.1:{port}",
        shopify_base_url=sim_url,
        outbound_allow_private=True,
        woocommerce_require_https=False,
        reconcile_seconds=0.5,
    )
    woo = WooShop(name="Lapsed Woo")
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with serving(create_woo(woo)) as woo_url, serving(create_app(settings), port=port) as url:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            key = woo.add_key()
            connected = await http.post(
                "/stores/woocommerce",
                json={"shop_url": woo_url, "consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret},
                headers=admin,
            )
            assert connected.status_code == 201, connected.text
            lapsed = connected.json()["id"]
            await woo.settled()
            await _set_shop_url(settings, lapsed, "http://lapsed-shop.invalid")  # RFC 2606: never resolves

            store, location = await _install(http, admin, SHOP)
            assert (await http.get(_path(location))).status_code == 200
            async with httpx.AsyncClient(base_url=f"{sim_url}/simulator/shops/{SHOP}") as shop:
                assert (await shop.post("/webhooks/drop", json={"count": 2})).status_code == 200
                dropped = [(await shop.post("/orders")).json() for _ in range(2)]

            orders = await _orders(settings, expected=2)  # recovered by the schedule, not on demand
            assert sorted(o.platform_order_id for o in orders) == sorted(str(d["order"]["id"]) for d in dropped)

            answer = await http.get(f"/stores/{lapsed}/health", headers=admin | {"Accept-Language": "fr"})
            assert answer.status_code == 200, answer.text  # the health page says what is wrong, it does not fail
            health = answer.json()
            unreachable = "Impossible de joindre « http://lapsed-shop.invalid »"
            assert health["reconciliation"]["error"]["code"] == "woo_unreachable"
            assert any(p["message"].startswith(unreachable) for p in health["problems"])  # checked now, in French
            ran = (await http.get(f"/stores/{store['id']}/health", headers=admin)).json()["reconciliation"]
            assert (ran["total_recovered"], ran["error"]) == (2, None)


async def test_a_shopify_shop_whose_name_no_longer_resolves_is_said_unavailable_not_a_crash(
    connector, simulator, token_mint
):
    """The same Shopify store seen by a connector for which its shop's name no longer resolves
    (and private addresses are refused, as in production): the SSRF guard refuses the call, and
    reconciling it on demand answers 503 "platform unavailable (name not found)", noted on its
    health page, which answers. It was a 422 from the guard, and the scheduled pass crashed."""
    http, settings = connector
    admin = token_mint.headers("admin", client_id=CLIENT)
    store, location = await _install(http, admin, SHOP)
    assert (await http.get(_path(location))).status_code == 200

    lapsed = settings.model_copy(
        update={"shopify_base_url": "http://lapsed-shops.invalid", "outbound_allow_private": False}
    )
    async with serving(create_app(lapsed)) as url, httpx.AsyncClient(base_url=url, timeout=30) as elsewhere:
        refused = await elsewhere.post(f"/stores/{store['id']}/reconcile", headers=admin)
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "platform_unavailable"
        assert "(name not found)" in refused.json()["detail"], refused.json()

        health = await elsewhere.get(f"/stores/{store['id']}/health", headers=admin | {"Accept-Language": "fr"})
        assert health.status_code == 200, health.text
        run = health.json()["reconciliation"]
        assert run["recovered"] == 0 and run["error"]["code"] == "platform_unavailable"
        assert run["error"]["message"].startswith("La plateforme de la boutique ne répond pas")


async def _set_shop_url(settings, store_id: str, shop_url: str) -> None:
    from sqlalchemy import update
    from sqlalchemy.ext.asyncio import create_async_engine

    from connector.adapters.tables import StoreRow

    engine = create_async_engine(settings.database_url)
    try:
        async with engine.begin() as db:
            await db.execute(update(StoreRow).where(StoreRow.id == store_id).values(shop_url=shop_url))
    finally:
        await engine.dispose()
