"""Order webhooks arriving together are made durable in one transaction (group commit), on the
real PostgreSQL (and SQLite) and Kafka: each request is answered as if it had come alone, and a
webhook the database refuses fails alone, leaving nothing half-written."""

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from connector.adapters.intake_tables import ReceivedOrderRow
from connector.adapters.tables import WebhookDeliveryRow
from connector.bootstrap import build
from connector.handlers.webhook_groups import GroupedWebhook, WebhookGroups, record_together
from connector.ports import WebhookDelivery
from connector.settings import ConnectorSettings
from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import read_topic
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


async def test_a_webhook_the_database_refuses_fails_alone_and_leaves_nothing(api, connector_settings):
    """An order id longer than the database takes: that webhook is answered 500 (the platform
    delivers it again), the webhooks written in the same group are taken all the same."""
    runtime = runtime_of(api)
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    url = f"/webhooks/shopify/{store.id}"
    body, headers = signed(_order(0), topic="orders/create", shop=SHOP)
    assert (await api.post(url, content=body, headers=headers)).status_code == 200  # the store is known now
    orders = [_order(1), _order(2, id="9" * 150), _order(3)]

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api._transport.app, raise_app_exceptions=False), base_url="http://service"
    ) as http:
        answers = await asyncio.gather(
            *(
                http.post(url, content=b, headers=h)
                for b, h in (signed(o, topic="orders/create", shop=SHOP) for o in orders)
            )
        )

    assert [a.status_code for a in answers] == [200, 500, 200]
    assert [answers[0].json()["status"], answers[2].json()["status"]] == ["accepted", "accepted"]
    assert answers[1].headers["content-type"] == "application/problem+json"
    taken = ["7000000", "7000001", "7000003"]
    assert await _count(runtime, WebhookDeliveryRow) == 3
    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.platform_order_id.in_(taken)) == 3
    assert await _count(runtime, ReceivedOrderRow) == 3
    assert await _count(runtime, OutboxMessage) == 3
    records = await read_topic(
        connector_settings.kafka_bootstrap, connector_settings.topic(SHOP_ORDERS_V1.name), count=4, timeout=5
    )
    assert sorted(event.platform_order_id for _, event, _ in records) == taken


def _grouped(store_id: str, delivery_id: str, order_id: str, *, client_id: str = CLIENT) -> GroupedWebhook:
    payload = _order(0, id=order_id)
    order = OrderReceived.model_validate(
        {
            "store_id": store_id,
            "client_id": client_id,
            "platform": "shopify",
            "platform_order_id": order_id,
            "placed_at": payload["created_at"],
            "currency": "EUR",
            "total": "10.00",
            "shipping_address": {"address1": "1 rue", "city": "Lyon", "country_code": "FR"},
            "lines": [{"platform_line_id": "1", "title": "T", "quantity": 1}],
        }
    )
    delivery = WebhookDelivery(
        store_id=store_id,
        delivery_id=delivery_id,
        topic="orders/create",
        received_at=datetime.now(UTC),
        raw_body=f'{{"id": "{order_id}"}}'.encode(),
        platform_order_id=order_id,
    )
    return GroupedWebhook(delivery, [order])


@pytest.fixture(params=["postgresql", "sqlite"])
async def runtime(request, service_settings, tmp_path):
    overrides = {"database_url": f"sqlite:///{tmp_path}/connector.db"} if request.param == "sqlite" else {}
    runtime = build(service_settings(ConnectorSettings, **overrides))
    await runtime.migrate()
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def test_one_group_stores_each_new_delivery_and_announces_each_order_once(runtime):
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
    assert await _count(runtime, ReceivedOrderRow) == 3
    async with runtime.sessions() as session:
        announced = (await session.execute(select(OutboxMessage.message_key).order_by(OutboxMessage.id))).scalars()
        assert list(announced) == [f"{store.id}:100", f"{store.id}:101", f"{store.id}:102"]


async def test_in_a_group_that_fails_only_the_webhook_at_fault_fails(runtime):
    """Written together first (one writer: the three form one group); the group refused, each
    alone: the others are stored and answered, the one the database refuses (a column it
    requires left empty) raises to its own caller only."""
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    groups = WebhookGroups(runtime.connector_uow, writers=1)
    refused = _grouped(store.id, "g-2", "202")
    refused = GroupedWebhook(replace(refused.delivery, received_at=None), refused.orders)  # NOT NULL
    webhooks = [_grouped(store.id, "g-1", "201"), refused, _grouped(store.id, "g-3", "203")]

    answers = await asyncio.gather(*(groups.record(w) for w in webhooks), return_exceptions=True)
    await groups.stop()

    assert answers[0] is True and answers[2] is True
    assert isinstance(answers[1], Exception)
    async with runtime.sessions() as session:
        stored = (await session.execute(select(WebhookDeliveryRow.delivery_id))).scalars()
        assert sorted(stored) == ["g-1", "g-3"]
        announced = (await session.execute(select(ReceivedOrderRow.platform_order_id))).scalars()
        assert sorted(announced) == ["201", "203"]
    assert await _count(runtime, OutboxMessage) == 2
