"""Shop orders on the real Kafka and PostgreSQL: resolved, held with reasons a client
understands, released when the mapping arrives, one order however often it is delivered."""

from pathlib import Path

from sqlalchemy import text

from order_intake.handlers.intake import order_id_for
from service_runtime.database import create_engine
from service_runtime.testing.helpers import eventually, load_module, read_topic
from storefront_events import ORDERS_V1, OrderAccepted, OrderHeld

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

CLIENT = "client-acme"
STORE = "store-acme-shopify"


async def _order(api, headers, order_id, *, status=None):
    async def check():
        response = await api.get(f"/orders/{order_id}", headers=headers)
        if response.status_code != 200:
            return None
        body = response.json()
        return body if status is None or body["status"] == status else None

    return await eventually(check)


async def _published_and_kept(publish, settings, mapping):
    """The mapping published and in order intake's read model: mappings.v1 and shop-orders.v1
    are consumed independently, so an order published right after could be resolved before it."""
    await publish(mapping)
    engine = create_engine(settings.effective_database_url())
    try:

        async def kept():
            async with engine.connect() as connection:
                query = text("SELECT count(*) FROM intake_mappings WHERE mapping_id = :id")
                return await connection.scalar(query, {"id": mapping.mapping_id}) == 1

        assert await eventually(kept)
    finally:
        await engine.dispose()


async def test_an_unmapped_variant_holds_the_order_until_its_mapping_arrives(api, publish, operator, intake_settings):
    mapped_line, unmapped_line = samples.line(1), samples.line(2, variant="44012345670042")
    await publish(samples.store(STORE, CLIENT))
    await _published_and_kept(publish, intake_settings, samples.mapped(STORE, CLIENT, mapped_line))
    received = samples.order(STORE, CLIENT, lines=[mapped_line, unmapped_line])
    await publish(received)
    order_id = order_id_for(STORE, f"platform:{received.platform_order_id}")

    held = await _order(api, operator, order_id, status="on_hold")
    assert [h["message"] for h in held["holds"]] == [
        "variant 'Blue / XL' of 'Summer tee' is not connected to a catalog product"
    ]
    assert [(line["resolved"], line["problem"]) for line in held["lines"]] == [(True, None), (False, "unmapped")]

    await publish(samples.mapped(STORE, CLIENT, unmapped_line))  # nobody touches the order
    accepted = await _order(api, operator, order_id, status="accepted")
    assert accepted["holds"] == []
    assert all(line["product_uid"] and line["print_files"] for line in accepted["lines"])
    assert [(h["from_status"], h["to_status"]) for h in accepted["history"]] == [
        (None, "received"),
        ("received", "on_hold"),
        ("on_hold", "accepted"),
    ]
    assert [h["sequence"] for h in accepted["history"]] == [1, 2, 3]

    records = await read_topic(intake_settings.kafka_bootstrap, intake_settings.topic(ORDERS_V1.name), count=2)
    events = [event for _, event, _ in records]
    assert [type(e) for e in events] == [OrderHeld, OrderAccepted]
    assert events[0].reason == "unmapped_products" and events[0].unresolved_lines[0].platform_variant_id == (
        "44012345670042"
    )
    production = events[1]
    assert isinstance(production, OrderAccepted) and production.aggregate_version == 3
    assert [line.product_uid for line in production.lines] == [
        "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_xl_gco_blue"
    ] * 2


async def test_the_same_order_delivered_twice_is_one_order(api, publish, operator, intake_settings):
    shop_line = samples.line(1)
    await _published_and_kept(publish, intake_settings, samples.mapped(STORE, CLIENT, shop_line))
    received = samples.order(STORE, CLIENT, lines=[shop_line])
    again = received.model_copy(update={"event_id": samples.uuid.uuid4()})  # a webhook retry: a new event id
    await publish(received, received, again)
    later = samples.order(STORE, CLIENT, "5499000001", lines=[shop_line])
    await publish(later)  # once this one is in, the three copies before it were applied

    await _order(api, operator, order_id_for(STORE, "platform:5499000001"), status="accepted")
    listed = (await api.get("/orders", headers=operator)).json()["items"]
    assert sorted(o["platform_order_id"] for o in listed) == sorted([received.platform_order_id, "5499000001"])
    first = await _order(api, operator, order_id_for(STORE, f"platform:{received.platform_order_id}"))
    assert first["possible_duplicate"] is False and first["sequence"] == 2
    records = await read_topic(
        intake_settings.kafka_bootstrap, intake_settings.topic(ORDERS_V1.name), count=3, timeout=5
    )
    assert [type(e).__name__ for _, e, _ in records] == ["OrderAccepted", "OrderAccepted"]


async def test_the_same_reference_with_other_content_is_flagged_not_dropped(api, publish, operator):
    shop_line = samples.line(1)
    received = samples.order(STORE, CLIENT, lines=[shop_line])
    changed = samples.order(
        STORE, CLIENT, received.platform_order_id, lines=[shop_line.model_copy(update={"quantity": 3})]
    )
    await publish(received, changed)

    order_id = order_id_for(STORE, f"platform:{received.platform_order_id}")

    async def flagged():
        body = await _order(api, operator, order_id)
        return body if body["possible_duplicate"] else None

    body = await eventually(flagged)
    assert body["lines"][0]["quantity"] == 1  # the first content stands until someone looks
    listed = (await api.get("/orders", headers=operator, params={"needs_attention": "true"})).json()["items"]
    assert [o["id"] for o in listed] == [order_id]
    assert body["history"][-1]["reason"] == "received again with the same reference but other content"


async def test_a_test_order_is_labelled_and_never_goes_to_production(api, publish, operator):
    shop_line = samples.line(1)
    await publish(samples.store(STORE, CLIENT, test_mode=True), samples.mapped(STORE, CLIENT, shop_line))
    received = samples.order(STORE, CLIENT, lines=[shop_line])
    await publish(received)
    order_id = order_id_for(STORE, f"platform:{received.platform_order_id}")
    body = await _order(api, operator, order_id, status="accepted")
    assert body["test"] is True

    refused = await api.post(f"/orders/{order_id}/status", json={"status": "in_production"}, headers=operator)
    assert refused.status_code == 409 and refused.headers["content-type"] == "application/problem+json"
    assert "never released to production" in refused.json()["detail"]
    assert (await _order(api, operator, order_id))["status"] == "accepted"


async def test_a_cancellation_in_the_shop_cancels_before_production_and_flags_after(api, publish, operator):
    from storefront_events import OrderCancelledInStore

    shop_line = samples.line(1)
    await publish(samples.mapped(STORE, CLIENT, shop_line))
    early, late = samples.order(STORE, CLIENT, lines=[shop_line]), samples.order(STORE, CLIENT, lines=[shop_line])
    await publish(early, late)
    late_id = order_id_for(STORE, f"platform:{late.platform_order_id}")
    await _order(api, operator, late_id, status="accepted")
    moved = await api.post(f"/orders/{late_id}/status", json={"status": "in_production"}, headers=operator)
    assert moved.status_code == 200, moved.text

    def cancelled(event):
        return OrderCancelledInStore(
            store_id=STORE,
            client_id=CLIENT,
            platform="shopify",
            platform_order_id=event.platform_order_id,
            reason="customer",
        )

    await publish(cancelled(early), cancelled(late))
    await _order(api, operator, order_id_for(STORE, f"platform:{early.platform_order_id}"), status="cancelled")

    async def flagged():
        body = await _order(api, operator, late_id)
        return body if body["attention"] else None

    body = await eventually(flagged)
    assert body["status"] == "in_production"
    assert body["attention"] == "cancelled in the shop: customer after production started (in_production)"


async def test_a_mapping_matching_by_sku_in_another_case_releases_the_order(api, publish, operator):
    shop_line = samples.line(3, sku="summer-tee-blue-xl")
    received = samples.order(STORE, CLIENT, lines=[shop_line])
    await publish(received)
    order_id = order_id_for(STORE, f"platform:{received.platform_order_id}")
    await _order(api, operator, order_id, status="on_hold")
    by_sku = samples.mapped(
        STORE, CLIENT, shop_line, platform_product_id="999", platform_variant_id="998", sku="SUMMER-TEE-BLUE-XL"
    )
    await publish(by_sku)
    accepted = await _order(api, operator, order_id, status="accepted")
    assert accepted["lines"][0]["product_uid"] == by_sku.product_uid
