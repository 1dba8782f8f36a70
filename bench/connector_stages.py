"""``python -m bench.connector_stages --label after``: the connector's own CPU per order in the two
stages behind its webhook front, at fixed batch sizes, without HTTP, Kafka or other processes.

On a fresh PostgreSQL database (the connector's migrations, the order path's Shopify stores with
sealed access tokens), ``--orders`` signed-order bodies of the order path's workload
(``bench/shopify_orders.py``) are stored as pending webhook deliveries, as the front stores them.
Then, in this process and through the connector's own code:

- **deriving**: ``derive_pending`` (what the deriving stage runs: the pending deliveries taken,
  each body turned into its ``OrderReceived`` in the outbox, the deliveries marked derived) a
  batch of ``--batch`` at a time until none is left (the first three batches, a warm-up, not
  counted); the stores are not in memory at the start, as in a process apart from the front;
- **tracking**: ``record_order_events`` (the batch handler of orders.v1: each accepted order's
  lines kept) on one ``OrderAccepted`` per order, ``--batch`` at a time (the first three batches
  not counted).

CPU µs per order = this process's CPU time (``time.process_time``: user + system, every thread)
over the stage ÷ orders; PostgreSQL's own work is in its server process and not counted. The
order path (``python -m bench order-path``) measures the whole connector, consumers, relay and
idle work included, with latencies; this isolates the code the connector runs per order, which
a shared machine disturbs much less. To measure an older checkout, run its interpreter with this
checkout first on ``PYTHONPATH`` (the bench from here, the connector from there)::

    PYTHONPATH=$PWD /tmp/before/.venv/bin/python -m bench.connector_stages --label before

Writes bench/results/connector-stages-<label>.json and .md."""

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench import machine
from bench.order_stack import Stack, connect_stores, create_databases, drop_databases
from bench.shopify_orders import OrderMaker, shops
from bench.workload import order_accepted

REPO = Path(__file__).resolve().parent.parent


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.connector_stages", description=__doc__)
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"))
    parser.add_argument("--orders", type=int, default=6000)
    parser.add_argument("--batch", default="20,100", help="comma-separated batch sizes, each measured in turn")
    parser.add_argument("--shops", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each batch size (the best is reported)")
    parser.add_argument("--note", default="")
    parser.add_argument("--bootstrap", default=os.environ.get("STOREFRONTS_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--postgres-url", default=os.environ.get("STOREFRONTS_TEST_POSTGRES_URL", ""))
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    return parser.parse_args(argv)


async def one_run(postgres_url: str, bootstrap: str, orders: int, batch: int, shop_count: int) -> dict:
    from connector.bootstrap import build
    from connector.handlers.tracking import record_order_events
    from connector.ports import WebhookDelivery
    from connector.settings import ConnectorSettings

    run_id = uuid.uuid4().hex[:8]
    urls, _ = await create_databases(postgres_url, run_id, ("connector",))
    stack = Stack(bootstrap, REPO, REPO / "var" / "bench", f"cs-{run_id}.", "postgresql", urls)
    shop_list = shops(shop_count, 200, 3, clients=2)
    maker = OrderMaker(shop_list)
    runtime = None
    try:
        await connect_stores(stack, shop_list)
        settings = ConnectorSettings(
            database_url=urls["connector"],
            kafka_bootstrap=bootstrap,
            topic_prefix=stack.prefix,
            secret_keys=json.loads(stack.secret_keys),
            log_json=True,
        )
        runtime = build(settings)
        bodies = []
        for n in range(orders):
            shop = shop_list[n % len(shop_list)]
            bodies.append((shop, json.dumps(maker.order(shop, 1_000_000 + n), separators=(",", ":")).encode()))
        now = datetime.now(UTC)
        for start in range(0, orders, 500):
            async with runtime.uow() as uow:
                await uow.webhooks.record_many(
                    [
                        WebhookDelivery(
                            store_id=shop.store_id,
                            delivery_id=str(uuid.uuid4()),
                            topic="orders/create",
                            received_at=now,
                            raw_body=body,
                            correlation_id=str(uuid.uuid4()),
                            pending=True,
                        )
                        for shop, body in bodies[start : start + 500]
                    ]
                )
                await uow.commit()

        for _ in range(3):  # warm-up, not counted: the statements compiled, the stores read and kept
            await runtime._derive(batch)
        derived, started, wall = 0, time.process_time(), time.perf_counter()
        while True:
            done = await runtime._derive(batch)
            derived += done.derived
            if done.taken == 0:
                break
        deriving_cpu, deriving_wall = time.process_time() - started, time.perf_counter() - wall

        from connector.adapters.shopify.orders import order_received
        from connector.ports import ShopConnection

        accepted = []
        for n, (shop, body) in enumerate(bodies):
            connection = ShopConnection(
                store_id=shop.store_id, client_id=shop.client_id, platform="shopify", shop_url=shop.domain
            )
            accepted.append(order_accepted(order_received(connection, json.loads(body)), str(uuid.UUID(int=n + 1))))
        warm = 3 * batch  # warm-up, not counted
        for start in range(0, warm, batch):
            await record_order_events(accepted[start : start + batch], uow=runtime.uow(), clock=runtime.clock)
        accepted = accepted[warm:]
        started, wall = time.process_time(), time.perf_counter()
        for start in range(0, len(accepted), batch):
            await record_order_events(accepted[start : start + batch], uow=runtime.uow(), clock=runtime.clock)
        tracking_cpu, tracking_wall = time.process_time() - started, time.perf_counter() - wall
        return {
            "batch": batch,
            "orders": orders,
            "derived": derived,  # after the warm-up's
            "tracked": len(accepted),
            "deriving_cpu_us_per_order": round(deriving_cpu / max(derived, 1) * 1e6, 1),
            "deriving_wall_seconds": round(deriving_wall, 2),
            "tracking_cpu_us_per_order": round(tracking_cpu / len(accepted) * 1e6, 1),
            "tracking_wall_seconds": round(tracking_wall, 2),
        }
    finally:
        if runtime is not None:
            await runtime.engine.dispose()
        await drop_databases(postgres_url, urls)


async def run(args: argparse.Namespace, source: str) -> dict:
    load_start = machine.load_average()
    runs = []
    for batch in (int(b) for b in args.batch.split(",")):
        for _ in range(args.repeat):
            one = await one_run(args.postgres_url, args.bootstrap, args.orders, batch, args.shops)
            print(
                f"  batch {batch}: deriving {one['deriving_cpu_us_per_order']} µs/order, "
                f"tracking {one['tracking_cpu_us_per_order']} µs/order"
            )
            runs.append(one)
    best = {}
    for one in runs:
        mine = best.setdefault(one["batch"], dict(one))
        for key in ("deriving_cpu_us_per_order", "tracking_cpu_us_per_order"):
            mine[key] = min(mine[key], one[key])
    return {
        "label": args.label,
        "note": args.note,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "connector_source": source,
        "git": machine.git_state(REPO),
        "load_average": {"start": load_start, "end": machine.load_average()},
        "runs": runs,
        "best": list(best.values()),
    }


def markdown(results: dict) -> str:
    lines = [
        f"# Connector stages `{results['label']}` — {results['at']}",
        "",
        f"Connector code from `{results['connector_source']}`. {results['note']}".strip(),
        f"Load average (1/5/15 min): {results['load_average']['start']} at the start, "
        f"{results['load_average']['end']} at the end.",
        "",
        "| batch | orders | deriving CPU µs/order (best) | tracking CPU µs/order (best) | every run: deriving · tracking |",
        "|---:|---:|---:|---:|---|",
    ]
    for best in results["best"]:
        every = "; ".join(
            f"{r['deriving_cpu_us_per_order']} · {r['tracking_cpu_us_per_order']}"
            for r in results["runs"]
            if r["batch"] == best["batch"]
        )
        lines.append(
            f"| {best['batch']} | {best['orders']:,} | {best['deriving_cpu_us_per_order']} | "
            f"{best['tracking_cpu_us_per_order']} | {every} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    args = parse(argv)
    if not args.postgres_url:
        print("STOREFRONTS_TEST_POSTGRES_URL (or --postgres-url) is needed", file=sys.stderr)
        return 2
    import connector

    results = asyncio.run(run(args, os.path.dirname(os.path.realpath(connector.__file__))))
    args.results.mkdir(parents=True, exist_ok=True)
    stem = args.results / f"connector-stages-{args.label}"
    stem.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    stem.with_suffix(".md").write_text(markdown(results))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
