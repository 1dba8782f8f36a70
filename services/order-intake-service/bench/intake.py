"""Order intake's hot path alone: N OrderReceived of 3 lines each through the batch handler
(`receive_orders`) on PostgreSQL, batches of the consumer's size, a preloaded read model of
stores and mappings. No Kafka, no decoding, no inbox: what the handler itself costs.

    set -a && source /work/main/var/run/stack.env && set +a
    .venv/bin/python services/order-intake-service/bench/intake.py --orders 5000 [--profile out.prof]

Prints orders/s (wall clock, noisy on a shared machine) and CPU ms per order of this process
(`time.process_time`, the number to compare). PostgreSQL's own CPU is not in it.

Like the consumer, it holds one batch of events at a time (each batch is built just before
it is applied, outside the measured time), and the heap is settled as the service's start
settles it (`--gc default` leaves Python's collector as it is, to compare with a tree
without `settle_heap`)."""

import argparse
import asyncio
import cProfile
import os
import random
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal

from order_intake.bootstrap import OrderIntakeRuntime
from order_intake.handlers.intake import receive_orders
from order_intake.handlers.read_models import keep_mappings, keep_stores
from order_intake.settings import OrderIntakeSettings
from service_runtime.heap import settle_heap
from service_runtime.testing.helpers import create_database, drop_database
from storefront_events import OrderReceived, ProductMapped, StoreConnected
from storefront_events.stores import ShopOrderLine
from storefront_events.values import Address, PrintFile

CLIENTS, STORES_PER_CLIENT, VARIANTS_PER_STORE = 5, 4, 100
ADDRESS = Address(
    first_name="Ada",
    last_name="Lovelace",
    address1="12 Main Street",
    city="Springfield",
    state="IL",
    postcode="62701",
    country_code="US",
)


def _variant(store: str, n: int) -> tuple[str, str, str]:
    return f"{store}-p{n // 4}", f"{store}-v{n}", f"SKU-{store}-{n}"


def read_model() -> tuple[list[StoreConnected], list[ProductMapped]]:
    stores, mappings = [], []
    for c in range(CLIENTS):
        for s in range(STORES_PER_CLIENT):
            store = f"store-{c}-{s}"
            stores.append(
                StoreConnected(
                    store_id=store, client_id=f"client-{c}", platform="shopify", name=store, shop_url=f"{store}.shop"
                )
            )
            for n in range(VARIANTS_PER_STORE):
                product, variant, sku = _variant(store, n)
                mappings.append(
                    ProductMapped(
                        mapping_id=str(uuid.uuid4()),
                        store_id=store,
                        client_id=f"client-{c}",
                        platform="shopify",
                        platform_product_id=product,
                        platform_variant_id=variant,
                        sku=sku,
                        product_uid=f"apparel_product_{n}",
                        print_files=[PrintFile(type="default", url=f"https://files.example.com/{store}/{n}.pdf")],
                    )
                )
    return stores, mappings


def orders(n: int, rng: random.Random, prefix: str = "", start: int = 0) -> list[OrderReceived]:
    """3 lines each; one order in ten has a line no mapping matches (held)."""
    out = []
    for i in range(start, start + n):
        c, s = rng.randrange(CLIENTS), rng.randrange(STORES_PER_CLIENT)
        store = f"store-{c}-{s}"
        lines = []
        for position in range(3):
            product, variant, sku = _variant(store, rng.randrange(VARIANTS_PER_STORE))
            if i % 10 == 0 and position == 2:
                product, variant, sku = "unknown-product", f"unknown-{i}", None
            lines.append(
                ShopOrderLine(
                    platform_line_id=f"{i}-{position}",
                    platform_product_id=product,
                    platform_variant_id=variant,
                    sku=sku,
                    title="Summer tee",
                    variant_title="Blue / XL",
                    quantity=1 + position,
                    unit_price=Decimal("19.90"),
                )
            )
        out.append(
            OrderReceived(
                store_id=store,
                client_id=f"client-{c}",
                platform="shopify",
                platform_order_id=f"{prefix}{5400000000 + i}",
                order_number=f"#{1000 + i}",
                placed_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
                currency="USD",
                total=Decimal("119.40"),
                shipping_address=ADDRESS,
                lines=lines,
            )
        )
    return out


async def main(options: argparse.Namespace) -> None:
    server = os.environ["STOREFRONTS_TEST_POSTGRES_URL"]
    url = await create_database(server)
    runtime = OrderIntakeRuntime(OrderIntakeSettings(database_url=url, secret_keys=[]))
    try:
        await runtime.migrate()
        stores, mappings = read_model()
        await keep_stores(stores, uow=runtime.uow())
        for start in range(0, len(mappings), 500):
            await keep_mappings(mappings[start : start + 500], uow=runtime.uow())
        rng = random.Random(7)
        warm_up = orders(options.batch, rng, prefix="w")
        await receive_orders(warm_up, uow=runtime.uow())
        del warm_up
        if options.gc == "settled":
            settle_heap()
        profiler = cProfile.Profile() if options.profile else None
        cpu = wall = 0.0
        for start in range(0, options.orders, options.batch):
            batch = orders(min(options.batch, options.orders - start), rng, start=start)
            cpu_at, wall_at = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            await receive_orders(batch, uow=runtime.uow())
            if profiler:
                profiler.disable()
            cpu, wall = cpu + time.process_time() - cpu_at, wall + time.perf_counter() - wall_at
        if profiler:
            profiler.dump_stats(options.profile)
        n = options.orders
        print(
            f"{n} orders x 3 lines, batches of {options.batch}: {n / wall:,.0f} orders/s wall, "
            f"{cpu * 1000 / n:.3f} CPU ms/order ({n / cpu:,.0f} orders per CPU second)"
        )
    finally:
        await runtime.engine.dispose()
        await drop_database(server, url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500, help="the consumer's consumer_batch_max_records")
    parser.add_argument("--profile", help="write cProfile stats of the measured part here")
    parser.add_argument(
        "--gc", choices=("settled", "default"), default="settled", help="settle the heap as the service's start does"
    )
    asyncio.run(main(parser.parse_args()))
