"""Order intake scaled out as a deployment scales it (bench/README.md: one process does not reach
3,000 orders/s on two cores, two do): two processes of the service in one consumer group, on
the real Kafka and PostgreSQL (Kafka shares the partitions out, each relays under one lock), and
every order is still accepted once and announced once, a shop's repeated delivery included; each
process holds its own share of the partitions (both took part)."""

from collections import Counter
from pathlib import Path

from sqlalchemy import text

from order_intake.main import create_app
from service_runtime.database import create_engine
from service_runtime.testing.helpers import eventually, load_module, read_topic, running
from storefront_events import ORDERS_V1, SHOP_ORDERS_V1, OrderAccepted

samples = load_module("order_intake_test_samples", Path(__file__).parents[1] / "samples.py")

CLIENT = "client-scaled"
STORES = [f"store-scaled-{n}" for n in range(4)]
ORDERS_PER_STORE = 30


async def test_two_processes_in_one_group_accept_and_announce_each_order_once(intake_settings, publish):
    line = samples.line(1)
    engine = create_engine(intake_settings.effective_database_url())

    async def accepted() -> int:
        async with engine.connect() as connection:
            return int(await connection.scalar(text("SELECT count(*) FROM orders WHERE status = 'accepted'")) or 0)

    try:
        first, second = create_app(intake_settings), create_app(intake_settings)
        async with running(first), running(second):
            for store in STORES:
                await publish(samples.store(store, CLIENT), samples.mapped(store, CLIENT, line))
            orders = [
                samples.order(store, CLIENT, f"77000{s}{n:03d}", lines=[line])
                for s, store in enumerate(STORES)
                for n in range(ORDERS_PER_STORE)
            ]
            await publish(*orders[: len(orders) // 2])
            await publish(*orders)  # the first half again, as a shop delivering twice: still one order each
            total = len(orders)
            assert await eventually(lambda: _equals(accepted, total), timeout=60)

            async def shared_out():  # (a rebalance in progress leaves both empty for a moment)
                shares = [_shop_orders_partitions(app) for app in (first, second)]
                return shares if all(shares) else None

            shares = await eventually(shared_out, timeout=30)
            records = await read_topic(
                intake_settings.kafka_bootstrap, intake_settings.topic(ORDERS_V1.name), count=total + 5, timeout=10
            )
        announced = Counter(event.order_id for _, event, _ in records if isinstance(event, OrderAccepted))
        assert len(announced) == total
        assert set(announced.values()) == {1}
        assert await accepted() == total
        # Kafka shared the shop orders out: each process held some partitions, none held twice
        # (what /readyz reports as "partitions")
        assert all(shares), shares
        assert not set(shares[0]) & set(shares[1]), shares
    finally:
        await engine.dispose()


def _shop_orders_partitions(app) -> list[int]:
    held = app.state.runtime.partitions()
    [key] = [key for key in held if key.split(":")[0].endswith(SHOP_ORDERS_V1.name)]
    return held[key]


async def _equals(count, expected: int) -> bool:
    return await count() == expected
