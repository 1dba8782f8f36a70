"""Tracking back to the shop, end to end: OrderStatusChanged on the real Kafka, the connector on
the real PostgreSQL, the Shopify, WooCommerce and Etsy simulators as real HTTP servers. Each
parcel reaches its shop once, even when the event is delivered twice; a shop answering 5xx is
tried again until it takes the parcel; another order of the same store goes through meanwhile."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from platform_simulators.etsy import EtsyConfig, EtsySimulator
from platform_simulators.server import serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as shopify_app
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app

from connector.domain.stores import Store
from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import eventually, running
from storefront_events import (
    ORDERS_V1,
    Address,
    Event,
    OrderAccepted,
    OrderStatusChanged,
    PrintFile,
    ProductionLine,
    Shipment,
    encode,
)

CLIENT, OTHER_CLIENT = str(uuid.uuid4()), str(uuid.uuid4())
SHOP = "tracked-prints.myshopify.com"
SHOPIFY_TOKEN = "shpat_tracking"
ADDRESS = Address(first_name="Ada", address1="12 rue des Imprimeurs", city="Lyon", postcode="69002", country_code="FR")


@pytest.fixture
async def shops():
    shopify = shopify_app(SimulatorConfig(catalog_products=3, variants_per_product=2, demo_shops=()))
    woo = WooShop(name="Tracked Woo")
    woo.add_catalog(2)
    woo_key = woo.add_key()
    etsy = EtsySimulator(EtsyConfig(listings=2, inactive_listings=0, per_second=50))
    async with serving(shopify) as shopify_url, serving(woo_app(woo)) as woo_url, serving(etsy.app) as etsy_url:
        shopify.state.simulator.shop(SHOP).tokens[SHOPIFY_TOKEN] = "write_merchant_managed_fulfillment_orders"
        yield {
            "shopify": (shopify_url, shopify.state.simulator),
            "woocommerce": (woo_url, woo, woo_key),
            "etsy": (etsy_url, etsy),
        }


@pytest.fixture
async def connector(service_settings, shops):
    settings = service_settings(
        ConnectorSettings,
        shopify_base_url=shops["shopify"][0],
        etsy_base_url=shops["etsy"][0],
        outbound_allow_private=True,
        woocommerce_require_https=False,
        order_poll_seconds=0,
        tracking_push_seconds=0.2,
        tracking_retry_seconds=0.2,
    )
    async with running(create_app(settings)) as http:
        yield http, settings, http._transport.app.state.runtime


async def _store(runtime, platform: str, shop_url: str | None, credentials: dict, *, client_id: str = CLIENT) -> Store:
    now = datetime.now(UTC)
    store = Store(
        id=str(uuid.uuid4()),
        client_id=client_id,
        platform=platform,
        name=f"{platform} shop",
        status="connected",
        test_mode=False,
        created_at=now,
        updated_at=now,
        shop_url=shop_url,
    )
    async with runtime.uow() as uow:
        uow.stores.add(store)
        await uow.session.flush()
        if credentials:
            await uow.stores.keep_credentials(store.id, runtime.vault.seal(credentials))
        await uow.commit()
    return store


async def _publish(settings, *events: Event, copies: int = 1) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            record = encode(event, source="/order-intake-service")
            for _ in range(copies):
                await producer.send_and_wait(
                    settings.topic(ORDERS_V1.name),
                    record,
                    key=event.order_id.encode(),  # type: ignore[attr-defined]
                )
    finally:
        await producer.stop()


def _order(store: Store, platform_order_id: str, lines: dict[str, str]) -> dict:
    return {
        "order_id": str(uuid.uuid4()),
        "client_id": store.client_id,
        "store_id": store.id,
        "platform": store.platform,
        "platform_order_id": platform_order_id,
        "order_number": "#1001",
        "_lines": lines,
    }


def _accepted(order: dict) -> OrderAccepted:
    identity = {k: v for k, v in order.items() if not k.startswith("_")}
    return OrderAccepted(
        **identity,
        currency="EUR",
        total=Decimal("30.00"),
        shipping_address=ADDRESS,
        lines=[
            ProductionLine(
                line_id=line_id,
                platform_line_id=platform_line_id,
                title="Poster",
                quantity=1,
                product_uid="posters_a3",
                print_files=[PrintFile(type="default", url="https://files.example.com/poster.pdf")],
            )
            for line_id, platform_line_id in order["_lines"].items()
        ],
    )


def _shipped(order: dict, *parcels: Shipment) -> OrderStatusChanged:
    identity = {k: v for k, v in order.items() if not k.startswith("_")}
    return OrderStatusChanged(**identity, previous_status="packaged", status="shipped", shipments=list(parcels))


def _parcel(number: str, *line_ids: str, carrier: str = "UPS") -> Shipment:
    return Shipment(
        carrier=carrier, tracking_number=number, tracking_url=f"https://track.example/{number}", line_ids=list(line_ids)
    )


async def _tracking(http, store: Store, platform_order_id: str, headers) -> httpx.Response:
    return await http.get(f"/stores/{store.id}/orders/{platform_order_id}/tracking", headers=headers)


async def _until_states(http, store, platform_order_id, headers, wanted: dict[str, str]) -> list[dict]:
    async def reached():
        parcels = (await _tracking(http, store, platform_order_id, headers)).json()["parcels"]
        return parcels if {p["tracking_number"]: p["state"] for p in parcels} == wanted else None

    return await eventually(reached, timeout=30)


async def _shopify_order(sim_url: str, variants: list[int]) -> dict:
    async with httpx.AsyncClient(base_url=sim_url) as sim:
        placed = await sim.post(f"/simulator/shops/{SHOP}/orders", json={"lines": [[v, 1] for v in variants]})
    return placed.json()["order"]


async def _two_parcels_delivered_twice(settings, order: dict) -> tuple[Shipment, Shipment]:
    """The first parcel's event delivered twice (and published again under a new id); then the
    second parcel, whose event repeats the first (order intake's events carry every parcel)."""
    first, second = _parcel("1ZFIRST0001", "ln-1"), _parcel("1ZSECOND002", "ln-2", carrier="DHL")
    await _publish(settings, _accepted(order))
    await _publish(settings, _shipped(order, first), copies=2)
    await _publish(settings, _shipped(order, first), _shipped(order, first, second))
    return first, second


async def test_each_parcel_reaches_shopify_once_on_its_own_lines(connector, shops, token_mint):
    http, settings, runtime = connector
    sim_url, sim = shops["shopify"]
    store = await _store(runtime, "shopify", SHOP, {"access_token": SHOPIFY_TOKEN})
    variants = [v.id for p in sorted(sim.shops[SHOP].catalog.values(), key=lambda p: p.id) for v in p.variants][:2]
    placed = await _shopify_order(sim_url, variants)
    line_a, line_b = (str(item["id"]) for item in placed["line_items"])
    order = _order(store, str(placed["id"]), {"ln-1": line_a, "ln-2": line_b})

    first, second = await _two_parcels_delivered_twice(settings, order)

    admin = token_mint.headers("admin", client_id=CLIENT)
    parcels = await _until_states(
        http,
        store,
        order["platform_order_id"],
        admin,
        {first.tracking_number: "confirmed", second.tracking_number: "confirmed"},
    )
    async with httpx.AsyncClient(base_url=sim_url) as sim_http:
        recorded = (await sim_http.get(f"/simulator/shops/{SHOP}/orders/{placed['id']}/fulfillments")).json()
    fulfillments = recorded["fulfillments"]
    assert [f["trackingInfo"] for f in fulfillments] == [
        [{"company": "UPS", "number": first.tracking_number, "url": first.tracking_url}],
        [{"company": "DHL", "number": second.tracking_number, "url": second.tracking_url}],
    ]
    assert [[i["id"] for i in f["fulfillmentLineItems"]] for f in fulfillments] == [
        [f"gid://shopify/LineItem/{line_a}"],
        [f"gid://shopify/LineItem/{line_b}"],
    ]
    assert all(f["notifyCustomer"] for f in fulfillments)
    assert recorded["fulfillment_orders"][0]["status"] == "CLOSED"
    assert [(p["attempts"], p["last_error"], p["said"]["code"]) for p in parcels] == [
        (1, None, "tracking_confirmed"),
        (1, None, "tracking_confirmed"),
    ]


async def test_each_parcel_reaches_woocommerce_once_as_a_note_to_the_buyer(connector, shops, token_mint):
    http, settings, runtime = connector
    woo_url, woo, key = shops["woocommerce"]
    store = await _store(
        runtime,
        "woocommerce",
        woo_url,
        {"consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret, "webhook_secret": "s"},
    )
    placed = woo.new_order()
    order = _order(store, str(placed["id"]), {"ln-1": "1", "ln-2": "2"})

    first, second = await _two_parcels_delivered_twice(settings, order)

    admin = token_mint.headers("admin", client_id=CLIENT)
    await _until_states(
        http,
        store,
        order["platform_order_id"],
        admin,
        {first.tracking_number: "confirmed", second.tracking_number: "confirmed"},
    )
    notes = woo.notes[placed["id"]]
    assert sorted(n["note"] for n in notes) == [
        f"Shipped with DHL. Tracking number: {second.tracking_number} ({second.tracking_url})",
        f"Shipped with UPS. Tracking number: {first.tracking_number} ({first.tracking_url})",
    ]
    assert all(n["customer_note"] for n in notes)


async def test_a_parcel_of_the_whole_order_completes_the_woocommerce_order(connector, shops, token_mint):
    http, settings, runtime = connector
    woo_url, woo, key = shops["woocommerce"]
    store = await _store(
        runtime, "woocommerce", woo_url, {"consumer_key": key.consumer_key, "consumer_secret": key.consumer_secret}
    )
    placed = woo.new_order()
    order = _order(store, str(placed["id"]), {"ln-1": "1"})
    await _publish(settings, _shipped(order, _parcel("WHOLE-1")), copies=2)

    await _until_states(
        http, store, order["platform_order_id"], token_mint.headers("admin", client_id=CLIENT), {"WHOLE-1": "confirmed"}
    )
    assert woo.orders[placed["id"]]["status"] == "completed"
    assert len(woo.notes[placed["id"]]) == 1


async def test_each_parcel_reaches_etsy_once_as_a_receipt_shipment(connector, shops, token_mint):
    http, settings, runtime = connector
    _, etsy = shops["etsy"]
    seller = next(iter(etsy.sellers.values()))
    tokens = etsy._issue(seller.user_id, ("shops_r", "transactions_r", "transactions_w"))
    expires = datetime.fromtimestamp(datetime.now(UTC).timestamp() + 3600, UTC).isoformat()
    store = await _store(
        runtime,
        "etsy",
        None,
        {
            "access_token": tokens["access_token"],
            "refresh_token": tokens["refresh_token"],
            "expires_at": expires,
            "shop_id": str(seller.shop_id),
        },
    )
    receipt = etsy.place_order(seller.shop_id)
    order = _order(store, str(receipt["receipt_id"]), {"ln-1": "t1", "ln-2": "t2"})

    first, second = await _two_parcels_delivered_twice(settings, order)

    admin = token_mint.headers("admin", client_id=CLIENT)
    await _until_states(
        http,
        store,
        order["platform_order_id"],
        admin,
        {first.tracking_number: "confirmed", second.tracking_number: "confirmed"},
    )
    shipments = next(r for r in etsy.receipts[seller.shop_id] if r["receipt_id"] == receipt["receipt_id"])["shipments"]
    assert sorted((s["tracking_code"], s["carrier_name"]) for s in shipments) == [
        (first.tracking_number, "UPS"),
        (second.tracking_number, "DHL"),
    ]


async def test_a_failing_order_is_retried_until_pushed_while_the_stores_other_orders_go_through(
    connector, shops, token_mint
):
    http, settings, runtime = connector
    sim_url, sim = shops["shopify"]
    store = await _store(runtime, "shopify", SHOP, {"access_token": SHOPIFY_TOKEN})
    variant = next(iter(sorted(sim.shops[SHOP].catalog.values(), key=lambda p: p.id))).variants[0].id
    failing, healthy = await _shopify_order(sim_url, [variant]), await _shopify_order(sim_url, [variant])
    sim.shops[SHOP].failing_orders[failing["id"]] = 503  # every call about this order answers 503
    stuck, flowing = _order(store, str(failing["id"]), {}), _order(store, str(healthy["id"]), {})

    await _publish(settings, _shipped(stuck, _parcel("STUCK-1")))
    admin = token_mint.headers("admin", client_id=CLIENT) | {"Accept-Language": "fr"}

    async def retried():
        parcels = (await _tracking(http, store, stuck["platform_order_id"], admin)).json()["parcels"]
        return parcels[0] if parcels and parcels[0]["attempts"] >= 2 else None

    parcel = await eventually(retried, timeout=30)
    assert parcel["state"] == "pending" and parcel["next_attempt_at"]
    assert parcel["last_error"]["code"] == "platform_unavailable"
    assert "ne répond pas" in parcel["last_error"]["message"]  # said in the reader's language

    await _publish(settings, _shipped(flowing, _parcel("FLOWING-1")))
    await _until_states(http, store, flowing["platform_order_id"], admin, {"FLOWING-1": "confirmed"})
    assert (await _tracking(http, store, stuck["platform_order_id"], admin)).json()["parcels"][0]["state"] == "pending"
    assert sim.shops[SHOP].fulfillments[failing["id"]] == []

    del sim.shops[SHOP].failing_orders[failing["id"]]  # the shop answers again
    [done] = await _until_states(http, store, stuck["platform_order_id"], admin, {"STUCK-1": "confirmed"})
    assert done["attempts"] >= 2 and done["last_error"] is None
    assert [f["trackingInfo"][0]["number"] for f in sim.shops[SHOP].fulfillments[failing["id"]]] == ["STUCK-1"]


async def test_a_pressero_store_has_nothing_to_push_and_only_its_clients_readers_see_it(connector, token_mint):
    http, settings, runtime = connector
    pressero = await _store(runtime, "pressero", None, {})
    other_store = await _store(runtime, "manual", None, {})
    await _publish(settings, _shipped(_order(pressero, "P-77", {}), _parcel("PRESSERO-1")))

    admin = token_mint.headers("admin", client_id=CLIENT)
    [parcel] = await _until_states(http, pressero, "P-77", admin, {"PRESSERO-1": "not_applicable"})
    assert parcel["attempts"] == 0 and parcel["said"]["code"] == "tracking_not_applicable"

    other = token_mint.headers("admin", client_id=OTHER_CLIENT)
    refused = await _tracking(http, pressero, "P-77", other)
    assert refused.status_code == 404 and refused.headers["content-type"] == "application/problem+json"
    manager = token_mint.headers("store_manager", client_id=CLIENT, store_ids=(other_store.id,))
    assert (await _tracking(http, pressero, "P-77", manager)).status_code == 404  # not one of its stores
    reader = token_mint.headers("read_only", client_id=CLIENT)
    assert (await _tracking(http, pressero, "P-77", reader)).json()["parcels"] == [parcel]
    assert (await _tracking(http, pressero, "P-77", {})).status_code == 401


async def test_a_shop_that_drops_the_tracking_is_flagged_and_one_with_nothing_left_to_ship_fails(
    connector, shops, token_mint
):
    http, settings, runtime = connector
    sim_url, sim = shops["shopify"]
    store = await _store(runtime, "shopify", SHOP, {"access_token": SHOPIFY_TOKEN})
    variant = next(iter(sorted(sim.shops[SHOP].catalog.values(), key=lambda p: p.id))).variants[0].id
    dropping, shipped_by_hand = await _shopify_order(sim_url, [variant]), await _shopify_order(sim_url, [variant])
    async with httpx.AsyncClient(base_url=sim_url) as sim_http:
        await sim_http.put(f"/simulator/shops/{SHOP}/orders/{dropping['id']}/tracking-dropped")
    # the merchant fulfilled the other order by hand in Shopify, with another tracking number
    fulfillment_order = sim.shops[SHOP].fulfillment_orders[shipped_by_hand["id"]][0]
    sim._fulfil(
        sim.shops[SHOP],
        {"fulfillment": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fulfillment_order["id"]}]}},
    )
    flagged, refused = _order(store, str(dropping["id"]), {}), _order(store, str(shipped_by_hand["id"]), {})
    await _publish(settings, _shipped(flagged, _parcel("DROPPED-1")), _shipped(refused, _parcel("LATE-1")))

    admin = token_mint.headers("admin", client_id=CLIENT)
    [mismatch] = await _until_states(http, store, flagged["platform_order_id"], admin, {"DROPPED-1": "mismatch"})
    assert mismatch["last_error"]["code"] == "tracking_mismatch" and mismatch["pushed_at"]
    assert "DROPPED-1" in mismatch["last_error"]["message"]
    [failed] = await _until_states(http, store, refused["platform_order_id"], admin, {"LATE-1": "failed"})
    assert (failed["attempts"], failed["last_error"]["code"]) == (1, "tracking_nothing_to_fulfil")
    assert len(sim.shops[SHOP].fulfillments[shipped_by_hand["id"]]) == 1  # the merchant's own, nothing added
