"""Create a product from the catalog and publish it, end to end: mapping-service's HTTP API →
ProductPublishRequested on the real Kafka → the connector creates the product in the Shopify
simulator (a real HTTP server) → ProductPublished → mapping lists the product and maps it.
Both services run in this process, each on its own PostgreSQL database; a request delivered
twice creates one product; a refusal of the shop, or a disconnected store, is shown on the
publish request with the reason."""

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from platform_simulators.server import serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as create_simulator

from connector.domain import stores as store_rules
from connector.domain.stores import Store
from connector.handlers.stores import store_connected, store_disconnected
from connector.main import create_app as create_connector
from connector.settings import ConnectorSettings
from mapping.cli import SAMPLE_CATALOG
from mapping.main import create_app as create_mapping
from mapping.settings import MappingSettings
from service_runtime.testing.helpers import create_database, drop_database, eventually, read_topic, running
from storefront_events import (
    MAPPINGS_V1,
    STORES_V1,
    ProductPublished,
    ProductPublishRequested,
    encode,
    topic_of,
)

SHOP = "poster-shop.myshopify.com"
POSTER_A3 = "poster_a3_matte-200gsm"
POSTER_A2 = "poster_a2_matte-200gsm"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"


class _Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(PDF)))
        self.end_headers()
        self.wfile.write(PDF)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def design_files() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def shop():
    app = create_simulator(SimulatorConfig(catalog_products=2, variants_per_product=1, demo_shops=()))
    async with serving(app) as url:
        simulator = app.state.simulator
        simulator.shop(SHOP).tokens["shpat_test"] = "read_products,write_products"
        yield url, simulator


@pytest.fixture
async def services(stack, service_settings, shop):
    """(connector HTTP client, mapping HTTP client), each service on its own database."""
    connector_db = await create_database(stack.postgres_url, durable=False)
    try:
        connector_settings = service_settings(
            ConnectorSettings, database_url=connector_db, shopify_base_url=shop[0], outbound_allow_private=True
        )
        mapping_settings = service_settings(MappingSettings, outbound_allow_private=True, design_file_timeout_seconds=5)
        async with (
            running(create_connector(connector_settings)) as connector,
            running(create_mapping(mapping_settings)) as mapping,
        ):
            yield connector, mapping, mapping_settings
    finally:
        await drop_database(stack.postgres_url, connector_db)


async def _connect_store(connector: httpx.AsyncClient, client_id: str) -> Store:
    """A Shopify store as the OAuth install leaves it (its token sealed), announced (StoreConnected)."""
    runtime = connector._transport.app.state.runtime  # type: ignore[attr-defined]
    store = store_rules.new_manual_store(
        str(uuid.uuid4()), client_id=client_id, name="Poster shop", test_mode=False, now=runtime.clock.now()
    )
    store = Store(**{**store.__dict__, "platform": "shopify", "shop_url": SHOP})
    async with runtime.uow() as uow:
        uow.stores.add(store)
        await uow.session.flush()
        await uow.stores.keep_credentials(store.id, runtime.vault.seal({"access_token": "shpat_test"}))
        uow.outbox.add(store_connected(store))
        await uow.commit()
    return store


async def _disconnect(connector: httpx.AsyncClient, store: Store) -> None:
    runtime = connector._transport.app.state.runtime  # type: ignore[attr-defined]
    async with runtime.uow() as uow:
        gone = store_rules.disconnect(await uow.stores.get(store.id), reason="by_client", now=runtime.clock.now())
        await uow.stores.save(gone)
        uow.outbox.add(store_disconnected(gone))
        await uow.commit()


def _variant(sku: str, size: str, uid: str, url: str) -> dict:
    return {
        "sku": sku,
        "title": size,
        "options": {"Size": size},
        "price": "24.90",
        "product_uid": uid,
        "print_files": [{"type": "default", "url": url}],
    }


async def _ask(mapping: httpx.AsyncClient, store_id: str, headers: dict, body: dict) -> str:
    async def accepted():
        answer = await mapping.post(f"/stores/{store_id}/publish-requests", json=body, headers=headers)
        return answer if answer.status_code == 202 else None  # 404 until mapping knows the store

    return (await eventually(accepted)).json()["publish_request_id"]


async def _answered(mapping: httpx.AsyncClient, store_id: str, request_id: str, headers: dict) -> dict:
    async def state():
        found = (await mapping.get(f"/stores/{store_id}/publish-requests/{request_id}", headers=headers)).json()
        return found if found["status"] != "requested" else None

    return await eventually(state)


async def _load_catalog(mapping: httpx.AsyncClient, operator: dict) -> None:
    loaded = await mapping.post(
        "/catalog/import", content=SAMPLE_CATALOG.read_bytes(), headers=operator | {"content-type": "text/csv"}
    )
    assert loaded.status_code == 200, loaded.text


async def _send_again(settings: MappingSettings, event: ProductPublishRequested) -> None:
    """The same request delivered again, as a new record with a new event id (the inbox cannot
    recognise it: only the connector's record of the request id can)."""
    again = event.model_copy(update={"event_id": uuid.uuid4()})
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        topic = topic_of(again)
        await producer.send_and_wait(
            settings.topic(topic.name), encode(again, source="/mapping-service"), key=topic.key_for(again).encode()
        )
    finally:
        await producer.stop()


async def test_publishing_creates_the_product_in_the_shop_once_and_maps_it(services, shop, token_mint, operator):
    connector, mapping, settings = services
    _, simulator = shop
    client_id = str(uuid.uuid4())
    store = await _connect_store(connector, client_id)
    await _load_catalog(mapping, operator)
    admin = token_mint.headers("admin", client_id=client_id, subject="admin-ada")

    with design_files() as base:
        body = {
            "title": "City poster",
            "description": "<p>Paris at night</p>",
            "currency": "EUR",
            "tags": ["posters"],
            "variants": [
                _variant("CITY-A3", "A3", POSTER_A3, f"{base}/city.pdf"),
                _variant("CITY-A2", "A2", POSTER_A2, f"{base}/city.pdf"),
            ],
        }
        request_id = await _ask(mapping, store.id, admin, body)
        state = await _answered(mapping, store.id, request_id, admin)

    assert state["status"] == "published", state
    product = simulator.shops[SHOP].catalog[int(state["platform_product_id"])]
    assert (product.title, product.description_html, product.tags) == (
        "City poster",
        "<p>Paris at night</p>",
        ["posters"],
    )
    shop_variants = {v.sku: (v.id, v.options, v.price) for v in product.variants}
    assert shop_variants == {
        "CITY-A3": (shop_variants["CITY-A3"][0], {"Size": "A3"}, "24.90"),
        "CITY-A2": (shop_variants["CITY-A2"][0], {"Size": "A2"}, "24.90"),
    }
    assert state["product_url"] == f"https://{SHOP}/products/{product.handle}"

    async def mapped():
        answer = await mapping.get(f"/stores/{store.id}/products", params={"state": "mapped"}, headers=admin)
        return {v["platform_variant_id"]: v["mapping"]["product_uid"] for v in answer.json()["items"]}

    expected = {str(shop_variants["CITY-A3"][0]): POSTER_A3, str(shop_variants["CITY-A2"][0]): POSTER_A2}
    assert await eventually(lambda: _equal(mapped(), expected))

    # the same request delivered again: no second product, no second answer
    [requested] = [
        e
        for _, e, _ in await read_topic(settings.kafka_bootstrap, settings.topic(MAPPINGS_V1.name), count=1)
        if isinstance(e, ProductPublishRequested)
    ]
    await _send_again(settings, requested)
    with design_files() as base:  # a later request of the same store (same partition) tells when the copy was read
        lyon = {
            "title": "Lyon poster",
            "currency": "EUR",
            "variants": [_variant("LYON-A3", "A3", POSTER_A3, f"{base}/l.pdf")],
        }
        later = await _ask(mapping, store.id, admin, lyon)
        later_state = await _answered(mapping, store.id, later, admin)
    assert later_state["status"] == "published"
    titles = sorted(p.title for p in simulator.shops[SHOP].catalog.values() if p.handle)
    assert titles == ["City poster", "Lyon poster"]
    answers = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=4, timeout=5)
    published = [e.publish_request_id for _, e, _ in answers if isinstance(e, ProductPublished)]
    assert sorted(published) == sorted([request_id, later])


async def test_a_refusal_of_the_shop_or_a_disconnected_store_is_shown_on_the_request(
    services, shop, token_mint, operator
):
    connector, mapping, _ = services
    url, simulator = shop
    client_id = str(uuid.uuid4())
    store = await _connect_store(connector, client_id)
    await _load_catalog(mapping, operator)
    admin = token_mint.headers("admin", client_id=client_id)
    async with httpx.AsyncClient(base_url=url) as controls:
        refusal = await controls.post(
            f"/simulator/shops/{SHOP}/products/refusals", json={"message": "Handle has already been taken"}
        )
        assert refusal.status_code == 200

    with design_files() as base:
        body = {
            "title": "City poster",
            "currency": "EUR",
            "variants": [_variant("CITY-A3", "A3", POSTER_A3, f"{base}/c.pdf")],
        }
        refused_id = await _ask(mapping, store.id, admin, body)
        refused = await _answered(mapping, store.id, refused_id, admin)
        assert (refused["status"], refused["failure_reason"], refused["platform_product_id"]) == (
            "failed",
            "platform_refused",
            None,
        )
        assert "Handle has already been taken" in refused["failure_detail"]
        assert [p for p in simulator.shops[SHOP].catalog.values() if p.handle] == []

        await _disconnect(connector, store)
        disconnected_id = await _ask(mapping, store.id, admin, body)
        disconnected = await _answered(mapping, store.id, disconnected_id, admin)
    assert (disconnected["status"], disconnected["failure_reason"]) == ("failed", "store_disconnected")
    assert "Poster shop" in disconnected["failure_detail"]
    assert [p for p in simulator.shops[SHOP].catalog.values() if p.handle] == []


async def _equal(awaitable, expected) -> bool:
    return await awaitable == expected
