"""The embedded default (make up): order intake on SQLite, hold and release, pages, delay release."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiokafka import AIOKafkaProducer

from order_intake.handlers.intake import order_id_for
from order_intake.handlers.orders import release_due
from order_intake.main import create_app
from order_intake.settings import OrderIntakeSettings
from service_runtime.testing.helpers import eventually, load_module, running
from storefront_events import ALL_TOPICS, encode

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

CLIENT, STORE = "client-embedded", "store-embedded"


async def test_orders_are_held_released_and_paged_on_sqlite(service_settings, operator, tmp_path):
    settings = service_settings(
        OrderIntakeSettings, database_url=f"sqlite:///{tmp_path}/orders.db", consumer_batch_timeout_ms=50
    )
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()

    async def publish(*events):
        for event in events:
            topic = next(t for t in ALL_TOPICS if type(event) in t.events)
            await producer.send_and_wait(
                settings.topic(topic.name), encode(event, source="/tests"), key=topic.key_for(event).encode()
            )

    try:
        app = create_app(settings)
        async with running(app) as api:
            shop_line = samples.line(7)
            await publish(samples.store(STORE, CLIENT))
            orders = [samples.order(STORE, CLIENT, lines=[shop_line]) for _ in range(3)]
            await publish(*orders)
            ids = [order_id_for(STORE, f"platform:{o.platform_order_id}") for o in orders]

            async def statuses():
                items = (await api.get("/orders", headers=operator)).json()["items"]
                return sorted(o["status"] for o in items)

            assert await eventually(lambda: _equals(statuses, ["on_hold"] * 3))
            await publish(samples.mapped(STORE, CLIENT, shop_line))
            assert await eventually(lambda: _equals(statuses, ["accepted"] * 3))

            first = (await api.get("/orders", headers=operator, params={"limit": 2})).json()
            rest = await api.get("/orders", headers=operator, params={"limit": 2, "cursor": first["next_cursor"]})
            assert {o["id"] for o in first["items"] + rest.json()["items"]} == set(ids)

            delayed = await api.put(
                f"/order-policies/{CLIENT}", json={"approval": "delay", "delay_minutes": 5}, headers=operator
            )
            assert delayed.status_code == 200
            later = samples.order(STORE, CLIENT, lines=[shop_line])
            await publish(later)
            later_id = order_id_for(STORE, f"platform:{later.platform_order_id}")

            async def waiting():
                body = (await api.get(f"/orders/{later_id}", headers=operator)).json()
                return body.get("status") == "on_hold" and body

            body = await eventually(waiting)
            release_at = datetime.fromisoformat(body["release_at"])
            assert timedelta(minutes=4) < release_at - datetime.now(UTC) <= timedelta(minutes=5)
            runtime = app.state.runtime
            assert await release_due(uow=runtime.uow()) == 0  # not yet due
            assert await release_due(uow=runtime.uow(), now=release_at + timedelta(seconds=1)) == 1
            released = (await api.get(f"/orders/{later_id}", headers=operator)).json()
            assert (released["status"], released["release_at"]) == ("accepted", None)
            assert released["history"][-1]["reason"] == "delay window passed"
    finally:
        await producer.stop()


async def _equals(check, expected):
    return await check() == expected
