"""Order webhooks arriving together are made durable in one transaction (group commit), on the
real PostgreSQL (and SQLite) and Kafka: each request is answered as if it had come alone, and a
webhook the database refuses fails alone, leaving nothing half-written. What they mean is derived
afterwards, exactly once per delivery and once per order, and a body whose events the database
refuses is parked while the others flow."""

import asyncio
import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from connector.adapters.intake_tables import ReceivedOrderRow
from connector.adapters.tables import WebhookDeliveryRow
from connector.bootstrap import build
from connector.handlers.webhook_deriving import derive_pending
from connector.handlers.webhook_groups import GroupedWebhook, WebhookGroups, record_together
from connector.ports import WebhookDelivery
from connector.settings import ConnectorSettings
from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import SHOP_ORDERS_V1, OrderReceived

from .shops import connected_shopify_store, shopify_order, signed

SHOP = "group-prints.myshopify.com"
CLIENT = str(uuid.uuid4())


def runtime_of(api):
    return api._transport.app.state.runtime


async def _count(runtime, model, *where):
    async with runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


def _order(n: int, **fields) -> dict:
    return shopify_order(SHOP) | {"id": 7_000_000 + n, "name": f"#{7000 + n}"} | fields


async def test_webhooks_arriving_together_are_each_answered_as_if_alone(api, connector_settings):
    runtime = runtime_of(api)
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    url = f"/webhooks/shopify/{store.id}"
    first_body, first_headers = signed(_order(0), topic="orders/create", shop=SHOP, webhook_id="w-0")
    assert (await api.post(url, content=first_body, headers=first_headers)).json()["status"] == "accepted"

    deliveries = [
        signed(_order(1), topic="orders/create", shop=SHOP, webhook_id="w-1"),
        signed(_order(1), topic="orders/create", shop=SHOP, webhook_id="w-1"),  # the same delivery, at once
        (first_body, first_headers),  # delivered before
        signed(_order(2), topic="orders/create", shop=SHOP, webhook_id="w-2"),
        signed(_order(2), topic="orders/create", shop=SHOP, webhook_id="w-2b"),  # the same order, another delivery
        signed(_order(2), topic="orders/updated", shop=SHOP, webhook_id="w-2u"),
        *(signed(_order(n), topic="orders/create", shop=SHOP, webhook_id=f"w-{n}") for n in range(3, 13)),
    ]
    answers = await asyncio.gather(*(api.post(url, content=body, headers=headers) for body, headers in deliveries))

    assert {a.status_code for a in answers} == {200}
    statuses = [a.json()["status"] for a in answers]
    assert sorted(statuses[:2]) == ["accepted", "duplicate"]
    assert statuses[2:] == ["duplicate", "accepted", "accepted", "accepted"] + ["accepted"] * 10
    records = await read_topic(
        connector_settings.kafka_bootstrap, connector_settings.topic(SHOP_ORDERS_V1.name), count=14, timeout=5
    )
    assert all(isinstance(event, OrderReceived) for _, event, _ in records)
    assert sorted(int(event.platform_order_id) for _, event, _ in records) == [7_000_000 + n for n in range(13)]
    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.store_id == store.id) == 15
    async with runtime.connector_uow() as uow:
        bodies = dict(await uow.webhooks.kept(store.id, "orders/create"))
    assert bodies["w-1"] == deliveries[0][0] and bodies["w-2b"] == deliveries[4][0]  # raw bodies kept


async def test_an_order_whose_events_the_database_refuses_is_parked_alone(api, connector_settings):
    """An order id longer than the database takes: every webhook is acknowledged (each is stored
    whole), the batch that derives them is refused, derived again one at a time: that order is
    parked, the orders of its batch are published all the same."""
    runtime = runtime_of(api)
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    url = f"/webhooks/shopify/{store.id}"
    body, headers = signed(_order(0), topic="orders/create", shop=SHOP)
    assert (await api.post(url, content=body, headers=headers)).status_code == 200  # the store is known now
    orders = [_order(1), _order(2, id="9" * 150), _order(3)]

    answers = await asyncio.gather(
        *(api.post(url, content=b, headers=h) for b, h in (signed(o, topic="orders/create", shop=SHOP) for o in orders))
    )

    assert [(a.status_code, a.json()["status"]) for a in answers] == [(200, "accepted")] * 3
    taken = ["7000000", "7000001", "7000003"]
    records = await read_topic(
        connector_settings.kafka_bootstrap, connector_settings.topic(SHOP_ORDERS_V1.name), count=4, timeout=5
    )
    assert sorted(event.platform_order_id for _, event, _ in records) == taken
    assert await _count(runtime, WebhookDeliveryRow) == 4
    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.platform_order_id.in_(taken)) == 3
    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.parked_at.is_not(None)) == 1
    assert await _count(runtime, ReceivedOrderRow) == 3
    assert await _count(runtime, OutboxMessage) == 3


def _grouped(store_id: str, delivery_id: str, order_id: str, *, client_id: str = CLIENT) -> GroupedWebhook:
    body = json.dumps(_order(0, id=int(order_id))).encode()
    delivery = WebhookDelivery(
        store_id=store_id,
        delivery_id=delivery_id,
        topic="orders/create",
        received_at=datetime.now(UTC),
        raw_body=body,
        pending=True,
    )
    return GroupedWebhook(delivery)


@pytest.fixture(params=["postgresql", "sqlite"])
async def runtime(request, service_settings, tmp_path):
    overrides = {"database_url": f"sqlite:///{tmp_path}/connector.db"} if request.param == "sqlite" else {}
    runtime = build(service_settings(ConnectorSettings, **overrides))
    await runtime.migrate()
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def _derive(runtime):
    return await derive_pending(
        uow=runtime.connector_uow(), platforms=runtime.platforms, vault=runtime.vault, clock=runtime.clock, limit=100
    )


async def test_one_group_stores_each_new_delivery_and_each_is_derived_once_per_order(runtime):
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    assert await record_together([_grouped(store.id, "d-0", "100")], uow=runtime.connector_uow()) == [True]

    fresh = await record_together(
        [
            _grouped(store.id, "d-1", "101"),
            _grouped(store.id, "d-0", "100"),  # delivered before
            _grouped(store.id, "d-1", "101"),  # twice in the group
            _grouped(store.id, "d-2", "100"),  # an order announced before, in a new delivery
            _grouped(store.id, "d-3", "102"),
            _grouped(store.id, "d-4", "102"),  # an order twice in the group
        ],
        uow=runtime.connector_uow(),
    )

    assert fresh == [True, False, False, True, True, True]
    assert await _count(runtime, WebhookDeliveryRow) == 5
    assert await _count(runtime, OutboxMessage) == 0  # nothing derived yet: stored and acknowledged only
    done = await _derive(runtime)
    assert (done.taken, done.derived, done.parked, done.events) == (5, 5, 0, 3)
    assert (await _derive(runtime)).taken == 0  # derived once
    assert await _count(runtime, ReceivedOrderRow) == 3
    async with runtime.sessions() as session:
        announced = (await session.execute(select(OutboxMessage.message_key).order_by(OutboxMessage.id))).scalars()
        assert sorted(announced) == [f"{store.id}:100", f"{store.id}:101", f"{store.id}:102"]


async def test_webhooks_stored_before_a_crash_are_derived_after_the_restart(runtime, service_settings):
    """Stored and acknowledged by one process that stopped before deriving them: the next one to
    start derives them, each once."""
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    groups = WebhookGroups(runtime.connector_uow, writers=1)
    await asyncio.gather(*(groups.record(_grouped(store.id, f"r-{n}", str(300 + n))) for n in range(5)))
    await groups.stop()  # the process goes away here: nothing derived

    restarted = build(runtime.connector_settings)
    restarted.webhook_deriving.start()
    try:
        await eventually(lambda: _none_pending(restarted))
    finally:
        await restarted.webhook_deriving.stop()
        await restarted.engine.dispose()
    async with runtime.sessions() as session:
        announced = (await session.execute(select(OutboxMessage.message_key))).scalars()
        assert sorted(announced) == sorted(f"{store.id}:{300 + n}" for n in range(5))
    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.derived_at.is_not(None)) == 5


async def _none_pending(runtime):
    return await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.derived_at.is_(None)) == 0


async def test_in_a_group_that_fails_only_the_webhook_at_fault_fails(runtime):
    """Written together first (one writer: the three form one group); the group refused, each
    alone: the others are stored and answered, the one the database refuses (a column it
    requires left empty) raises to its own caller only."""
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    groups = WebhookGroups(runtime.connector_uow, writers=1)
    refused = _grouped(store.id, "g-2", "202")
    refused = GroupedWebhook(replace(refused.delivery, received_at=None))  # NOT NULL
    webhooks = [_grouped(store.id, "g-1", "201"), refused, _grouped(store.id, "g-3", "203")]

    answers = await asyncio.gather(*(groups.record(w) for w in webhooks), return_exceptions=True)
    await groups.stop()

    assert answers[0] is True and answers[2] is True
    assert isinstance(answers[1], Exception)
    async with runtime.sessions() as session:
        stored = (await session.execute(select(WebhookDeliveryRow.delivery_id))).scalars()
        assert sorted(stored) == ["g-1", "g-3"]
