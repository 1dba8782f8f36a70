"""The webhook endpoint needs only the connector's database: with the broker unreachable it
keeps answering 2xx, and every order it acknowledged is published once Kafka is reachable."""

import httpx
from platform_simulators.server import free_port
from sqlalchemy import func, select

from connector.bootstrap import build
from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import read_topic, running
from storefront_events import SHOP_ORDERS_V1, OrderReceived

from .shops import connected_shopify_store, shopify_order, signed

SHOP = "outage-prints.myshopify.com"


async def test_orders_acknowledged_while_kafka_is_unreachable_are_all_published_once_it_is_back(
    service_settings, connector_settings
):
    # the connector pointed at a closed port for its broker: only its database answers
    unreachable = service_settings(
        ConnectorSettings,
        kafka_bootstrap=f"127.0.0.1:{free_port()}",
        secret_keys=connector_settings.secret_keys,
    )
    runtime = build(unreachable)
    await runtime.migrate()
    app = create_app(unreachable)
    app.state.runtime, app.state.verifier = runtime, runtime.verifier
    store = await connected_shopify_store(runtime, client_id="c-outage", shop=SHOP)
    orders = [shopify_order(SHOP) | {"id": 9_000_000 + n, "name": f"#{2000 + n}"} for n in range(25)]
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://connector") as http:
            for order in orders:
                body, headers = signed(order, topic="orders/create", shop=SHOP)
                answer = await http.post(f"/webhooks/shopify/{store.id}", content=body, headers=headers)
                assert answer.status_code == 200, answer.text
        await runtime.webhook_deriving.catch_up()  # deriving needs the database only
        async with runtime.sessions() as session:
            unsent = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            assert (await session.execute(unsent)).scalar_one() == 25
    finally:
        await runtime.engine.dispose()

    # the same service, its broker reachable again: the relay sends what was acknowledged
    async with running(create_app(connector_settings)):
        records = await read_topic(
            connector_settings.kafka_bootstrap, connector_settings.topic(SHOP_ORDERS_V1.name), count=25
        )
    assert all(isinstance(event, OrderReceived) for _, event, _ in records)
    assert sorted(event.platform_order_id for _, event, _ in records) == sorted(str(o["id"]) for o in orders)
