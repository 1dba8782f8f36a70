"""One batch of OrderReceived on the real PostgreSQL, as the consumer hands it to the handler:
what a batch holds together (the same order twice, the same reference with other content,
orders that resolve beside orders held) comes out as if each had come alone."""

from pathlib import Path

import pytest
from sqlalchemy import text

from order_intake.bootstrap import OrderIntakeRuntime
from order_intake.handlers.intake import order_id_for, receive_orders
from order_intake.handlers.read_models import keep_mappings, keep_stores
from service_runtime.testing.helpers import load_module
from storefront_events import OrderAccepted, OrderHeld, decode

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

CLIENT = "client-acme"
STORE = "store-acme-shopify"


@pytest.fixture
async def runtime(intake_settings):
    runtime = OrderIntakeRuntime(intake_settings)
    await runtime.migrate()
    yield runtime
    await runtime.engine.dispose()


async def _published(runtime) -> list[object]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(text("SELECT payload FROM outbox_messages ORDER BY id"))
        return [decode(payload) for (payload,) in rows]


async def test_a_batch_holding_one_order_twice_and_other_content_makes_one_flagged_order(runtime):
    mapped_line = samples.line(1)
    await keep_stores([samples.store(STORE, CLIENT)], uow=runtime.uow())
    await keep_mappings([samples.mapped(STORE, CLIENT, mapped_line)], uow=runtime.uow())
    received = samples.order(STORE, CLIENT, lines=[mapped_line])
    retried = received.model_copy(update={"event_id": samples.uuid.uuid4()})  # a webhook retry: same content
    changed = samples.order(
        STORE, CLIENT, received.platform_order_id, lines=[mapped_line.model_copy(update={"quantity": 3})]
    )

    await receive_orders([received, retried, changed], uow=runtime.uow())

    order_id = order_id_for(STORE, f"platform:{received.platform_order_id}")
    async with runtime.uow() as uow:
        orders = await uow.orders.get_many([order_id])
        history = await uow.orders.history(order_id)
    order = orders[order_id]
    assert order.status == "accepted" and order.possible_duplicate is True
    assert [line.quantity for line in order.lines] == [1]  # the first content stands until someone looks
    assert [(c.from_status, c.to_status, c.reason) for c in history] == [
        (None, "received", "order received"),
        ("received", "accepted", "every line resolved"),
        ("accepted", "accepted", "received again with the same reference but other content"),
    ]
    assert [c.sequence for c in history] == [1, 2, 3]
    events = await _published(runtime)
    assert [type(e).__name__ for e in events] == ["OrderAccepted", "OrderStatusChanged"]
    assert [e.aggregate_version for e in events] == [2, 3]  # type: ignore[attr-defined]


async def test_a_batch_mixing_orders_that_resolve_and_orders_held_keeps_each_its_own(runtime):
    mapped_line, unmapped_line = samples.line(1), samples.line(2, variant="44012345670042")
    await keep_stores([samples.store(STORE, CLIENT)], uow=runtime.uow())
    await keep_mappings([samples.mapped(STORE, CLIENT, mapped_line)], uow=runtime.uow())
    resolving = samples.order(STORE, CLIENT, lines=[mapped_line])
    held = samples.order(STORE, CLIENT, lines=[mapped_line, unmapped_line])
    no_country = samples.order(
        STORE,
        CLIENT,
        lines=[mapped_line],
        shipping_address=samples.ADDRESS.model_copy(update={"country_code": None}),
    )

    await receive_orders([resolving, held, no_country], uow=runtime.uow())

    ids = [order_id_for(STORE, f"platform:{o.platform_order_id}") for o in (resolving, held, no_country)]
    async with runtime.uow() as uow:
        orders = await uow.orders.get_many(ids)
    assert [orders[i].status for i in ids] == ["accepted", "on_hold", "on_hold"]
    assert orders[ids[0]].first_of_store is True and orders[ids[1]].first_of_store is False
    accepted_lines = orders[ids[0]].lines
    assert [(line.product_uid is not None, [f.url for f in line.print_files]) for line in accepted_lines] == [
        (True, ["https://files.example.com/summer-front.pdf"])
    ]
    assert [(h.reason, h.code, h.params) for h in orders[ids[1]].holds] == [
        (
            "unmapped_products",
            "line.variant_unmapped",
            {"variant": "Blue / XL", "title": "Summer tee"},
        )
    ]
    assert [(line.problem, line.attributes) for line in orders[ids[1]].lines] == [(None, ()), ("unmapped", ())]
    assert [(h.reason, h.field) for h in orders[ids[2]].holds] == [("invalid_address", "country_code")]
    events = await _published(runtime)
    assert [(type(e), e.order_id) for e in events] == [  # type: ignore[attr-defined]
        (OrderAccepted, ids[0]),
        (OrderHeld, ids[1]),
        (OrderHeld, ids[2]),
    ]
    assert [line.platform_variant_id for line in events[1].unresolved_lines] == ["44012345670042"]  # type: ignore[attr-defined]


async def test_held_lines_of_a_batch_are_released_when_their_mapping_arrives(runtime):
    mapped_line, unmapped_line = samples.line(1), samples.line(2, variant="44012345670042")
    await keep_stores([samples.store(STORE, CLIENT)], uow=runtime.uow())
    await keep_mappings([samples.mapped(STORE, CLIENT, mapped_line)], uow=runtime.uow())
    held = [samples.order(STORE, CLIENT, lines=[mapped_line, unmapped_line]) for _ in range(3)]
    await receive_orders(held, uow=runtime.uow())

    await keep_mappings([samples.mapped(STORE, CLIENT, unmapped_line)], uow=runtime.uow())

    ids = [order_id_for(STORE, f"platform:{o.platform_order_id}") for o in held]
    async with runtime.uow() as uow:
        orders = await uow.orders.get_many(ids)
    assert [orders[i].status for i in ids] == ["accepted"] * 3
    assert all(line.resolved for i in ids for line in orders[i].lines)
    events = await _published(runtime)
    assert [type(e).__name__ for e in events] == ["OrderHeld"] * 3 + ["OrderAccepted"] * 3
