"""Product sync against the Shopify simulator (a real HTTP server) under its throttle, on the
real PostgreSQL and Kafka: complete, in batches, with progress, incremental and idempotent; a
big catalog read with one bulk operation, and by pages when that fails."""

import asyncio
import uuid

import httpx
import pytest
from platform_simulators.server import serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as create_simulator

from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import eventually, read_topic, running
from storefront_events import STORES_V1, StoreProductsSynced

from .shops import connected_shopify_store, signed

SHOP = "big-catalog.myshopify.com"
CLIENT = str(uuid.uuid4())


@pytest.fixture
async def simulator():
    config = SimulatorConfig(
        catalog_products=1000,
        variants_per_product=5,
        bucket_max=600,  # one page of products (552 points) at a time
        restore_rate=3000,
        throttle_every=5,  # and a 429 now and then
        demo_shops=(),
    )
    app = create_simulator(config)
    async with serving(app) as url:
        yield url, app.state.simulator


@pytest.fixture
async def shop_api(service_settings, simulator):
    settings = service_settings(
        ConnectorSettings,
        shopify_base_url=simulator[0],
        outbound_allow_private=True,
        shopify_bulk_sync_min_products=100_000,  # these tests are about the pages
    )
    async with running(create_app(settings)) as http:
        yield http, settings


@pytest.fixture
async def bulk_shop_api(service_settings, simulator):
    settings = service_settings(
        ConnectorSettings,
        shopify_base_url=simulator[0],
        outbound_allow_private=True,
        shopify_bulk_sync_min_products=100,
        shopify_bulk_poll_seconds=0.05,
    )
    async with running(create_app(settings)) as http:
        yield http, settings


async def _finished(http, location, headers):
    snapshots = []
    while True:
        job = (await http.get(location, headers=headers)).json()
        snapshots.append((job["done"], job["total"]))
        if job["status"] != "running":
            return job, snapshots
        await asyncio.sleep(0.05)


async def _sync(http, store_id, headers, **body):
    started = await http.post(f"/stores/{store_id}/syncs", json=body or None, headers=headers)
    assert started.status_code == 202, started.text
    return await _finished(http, started.headers["location"], headers)


async def _synced_events(settings, count):
    records = await read_topic(settings.kafka_bootstrap, settings.topic(STORES_V1.name), count=count + 1, timeout=4)
    return [event for _, event, _ in records if isinstance(event, StoreProductsSynced)]


async def test_a_5000_variant_catalog_syncs_completely_under_throttling_with_progress(shop_api, simulator, token_mint):
    http, settings = shop_api
    _, sim = simulator
    sim.shop(SHOP).tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    admin = token_mint.headers("admin", client_id=CLIENT)

    job, snapshots = await _sync(http, store.id, admin)

    assert job["status"] == "succeeded", job
    assert (job["done"], job["total"], job["changed"], job["removed"], job["batches"]) == (1000, 1000, 1000, 0, 4)
    assert any(0 < done < 1000 and total == 1000 for done, total in snapshots), snapshots  # progress was visible
    assert sim.shops[SHOP].throttled > 0
    events = await _synced_events(settings, 4)
    assert sorted((e.batch, e.batches, e.sync_id) for e in events) == [(n, 4, job["id"]) for n in range(1, 5)]
    products = [p for e in events for p in e.products]
    assert len({p.platform_product_id for p in products}) == 1000
    assert sum(len(p.variants) for p in products) == 5000
    first = next(p for p in products if p.platform_product_id == str(min(sim.shops[SHOP].catalog)))
    assert (first.title, first.status, first.variants[0].options) == (
        "T-shirt design #1",
        "active",
        {"Size": "XS", "Color": "Black"},
    )

    again, _ = await _sync(http, store.id, admin)  # nothing changed: nothing published
    assert (again["status"], again["changed"], again["removed"], again["batches"]) == ("succeeded", 0, 0, 0)
    assert len(await _synced_events(settings, 4)) == 4


async def test_a_resync_publishes_what_changed_and_marks_what_is_gone(shop_api, simulator, token_mint):
    http, settings = shop_api
    _, sim = simulator
    shop = sim.shop(SHOP)
    shop.tokens["shpat_test"] = "read_products"
    runtime = http._transport.app.state.runtime
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    manager = token_mint.headers("store_manager", client_id=CLIENT, store_ids=(store.id,))
    await _sync(http, store.id, manager)
    gone, drafted, renamed = sorted(shop.catalog)[:3]
    del shop.catalog[gone]
    shop.catalog[drafted].status = "DRAFT"

    job, _ = await _sync(http, store.id, manager)

    assert (job["changed"], job["removed"], job["batches"]) == (1, 1, 1)
    [*_, last] = await _synced_events(settings, 5)
    assert (last.batch, last.batches, last.full_sync) == (1, 1, False)
    assert {(p.platform_product_id, p.status) for p in last.products} == {
        (str(gone), "deleted"),
        (str(drafted), "draft"),
    }

    shop.catalog[renamed].title = "Renamed poster"  # the shop tells us with products/update
    body, headers = signed({"id": renamed, "title": "Renamed poster"}, topic="products/update", shop=SHOP)
    assert (await http.post(f"/webhooks/shopify/{store.id}", content=body, headers=headers)).status_code == 200
    [*_, update] = await _synced_events(settings, 6)
    assert [(p.platform_product_id, p.title) for p in update.products] == [(str(renamed), "Renamed poster")]


async def test_reading_a_sync_and_starting_one_follow_the_roles(shop_api, simulator, token_mint):
    http, _ = shop_api
    simulator[1].shop(SHOP).tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    reader = token_mint.headers("read_only", client_id=CLIENT)
    refused = await http.post(f"/stores/{store.id}/syncs", headers=reader)
    assert refused.status_code == 403
    stranger = token_mint.headers("admin", client_id=str(uuid.uuid4()))
    assert (await http.post(f"/stores/{store.id}/syncs", headers=stranger)).status_code == 404
    job, _ = await _sync(http, store.id, token_mint.headers("admin", client_id=CLIENT))
    assert (await http.get(f"/stores/{store.id}/syncs/{job['id']}", headers=reader)).json()["status"] == "succeeded"
    assert (await http.get(f"/stores/{store.id}/syncs/{job['id']}", headers=stranger)).status_code == 404


async def test_a_revoked_token_fails_the_sync_in_words_and_the_store_needs_attention(shop_api, simulator, token_mint):
    http, _ = shop_api
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    admin = token_mint.headers("admin", client_id=CLIENT)  # the simulator holds no token for this shop

    job, _ = await _sync(http, store.id, admin)

    assert (job["status"], job["error"]) == ("failed", "platform_auth_failed")
    assert "Reconnect the store" in job["error_detail"]
    after = (await http.get(f"/stores/{store.id}", headers=admin)).json()
    assert (after["status"], after["status_reason"]) == ("needs_attention", "platform_auth_failed")


async def test_a_shop_answering_5xx_is_tried_again_then_the_sync_fails_in_words(shop_api, simulator, token_mint):
    http, _ = shop_api
    sim_url, sim = simulator
    sim.shop(SHOP).tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with httpx.AsyncClient(base_url=sim_url) as shop_admin:
        await shop_admin.post(f"/simulator/shops/{SHOP}/failures", json={"status": 502, "count": 2})
        recovered, _ = await _sync(http, store.id, admin)
        assert (recovered["status"], recovered["done"]) == ("succeeded", 1000)

        await shop_admin.post(f"/simulator/shops/{SHOP}/failures", json={"status": 503, "count": 10})
        failed, _ = await _sync(http, store.id, admin)
    assert (failed["status"], failed["error"]) == ("failed", "platform_unavailable")
    assert "not answering right now" in failed["error_detail"]
    health = (await http.get(f"/stores/{store.id}/health", headers=admin)).json()
    assert health["status"] == "connected"  # a platform outage is not the client's to repair
    assert "platform_unavailable" in [p["code"] for p in health["problems"]]


async def test_a_product_with_more_variants_than_a_page_comes_whole(shop_api, simulator, token_mint):
    from platform_simulators.shopify import Variant

    http, settings = shop_api
    _, sim = simulator
    shop = sim.shop(SHOP)
    shop.tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    wide = shop.catalog[min(shop.catalog)]
    wide.variants = [
        Variant(id=90_000_000 + n, sku=f"WIDE-{n:03d}", title=f"Size {n}", price="9.00", options={"Size": str(n)})
        for n in range(300)
    ]
    body, headers = signed({"id": wide.id}, topic="products/update", shop=SHOP)
    assert (await http.post(f"/webhooks/shopify/{store.id}", content=body, headers=headers)).status_code == 200

    [event] = await _synced_events(settings, 1)
    [product] = event.products
    assert len(product.variants) == 300
    assert {v.sku for v in product.variants} == {f"WIDE-{n:03d}" for n in range(300)}


async def test_a_burst_of_product_updates_is_synced_in_a_few_jobs(shop_api, simulator, token_mint):
    http, settings = shop_api
    _, sim = simulator
    shop = sim.shop(SHOP)
    shop.tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    changed = sorted(shop.catalog)[:120]

    async def update(product_id):
        body, headers = signed({"id": product_id}, topic="products/update", shop=SHOP)
        return (await http.post(f"/webhooks/shopify/{store.id}", content=body, headers=headers)).status_code

    assert set(await asyncio.gather(*(update(p) for p in changed))) == {200}
    admin = token_mint.headers("admin", client_id=CLIENT)

    async def all_synced():
        jobs = (await http.get(f"/stores/{store.id}/syncs", headers=admin)).json()
        done = [j for j in jobs if j["status"] == "succeeded"]
        return jobs if sum(j["done"] for j in done) == 120 and len(done) == len(jobs) else None

    jobs = await eventually(all_synced, timeout=120)
    assert len(jobs) <= 5  # 50 products a job, not one job per webhook
    events = await _synced_events(settings, len(jobs))
    assert {p.platform_product_id for e in events for p in e.products} == {str(p) for p in changed}


# --- bulk operations ----------------------------------------------------------------------


async def test_a_big_catalog_is_read_with_one_bulk_operation(bulk_shop_api, simulator, token_mint):
    """1,000 products (over the 100 of the setting): one bulk operation and its file, a handful
    of GraphQL calls instead of twenty pages of 552 points, and the same products and variants."""
    http, settings = bulk_shop_api
    _, sim = simulator
    sim.shop(SHOP).tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    admin = token_mint.headers("admin", client_id=CLIENT)
    requests_before = sim.shops[SHOP].requests

    job, _ = await _sync(http, store.id, admin)

    assert job["status"] == "succeeded", job
    assert (job["done"], job["total"], job["changed"], job["batches"]) == (1000, 1000, 1000, 4)
    shop = sim.shops[SHOP]
    assert [op.status() for op in shop.bulk_operations] == ["COMPLETED"]
    assert shop.bulk_downloads == 1
    assert shop.requests - requests_before < 20, shop.requests - requests_before  # 20 pages would be 20 calls alone
    products = [p for e in await _synced_events(settings, 4) for p in e.products]
    assert len({p.platform_product_id for p in products}) == 1000
    assert sum(len(p.variants) for p in products) == 5000  # every variant found its product in any order of lines
    first = next(p for p in products if p.platform_product_id == str(min(shop.catalog)))
    assert (first.title, first.status, first.variants[0].options, first.variants[0].sku) == (
        "T-shirt design #1",
        "active",
        {"Size": "XS", "Color": "Black"},
        shop.catalog[min(shop.catalog)].variants[0].sku,
    )


async def test_a_failed_bulk_operation_falls_back_to_the_pages(bulk_shop_api, simulator, token_mint):
    http, settings = bulk_shop_api
    sim_url, sim = simulator
    sim.shop(SHOP).tokens["shpat_test"] = "read_products"
    store = await connected_shopify_store(http._transport.app.state.runtime, client_id=CLIENT, shop=SHOP)
    admin = token_mint.headers("admin", client_id=CLIENT)
    async with httpx.AsyncClient(base_url=sim_url) as shop_admin:
        await shop_admin.post(f"/simulator/shops/{SHOP}/bulk/failures", json={"count": 1})

    job, _ = await _sync(http, store.id, admin)

    assert job["status"] == "succeeded", job
    assert (job["done"], job["total"], job["changed"]) == (1000, 1000, 1000)
    assert [op.status() for op in sim.shops[SHOP].bulk_operations] == ["FAILED"]
    assert sim.shops[SHOP].bulk_downloads == 0
    products = [p for e in await _synced_events(settings, 4) for p in e.products]
    assert sum(len(p.variants) for p in products) == 5000
