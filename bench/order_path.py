"""``python -m bench order-path``: the order path measured end to end, with the raw Kafka
ceiling of the same records beside it. Writes bench/results/order-path-<label>.json, .md and
.svg and .png (latency against offered rate) and prints the table.

The connector and order intake run as their own processes on PostgreSQL (and once more on
SQLite with ``--databases postgresql,sqlite``), with the stores and thousands of mapped
variants preloaded. Signed Shopify ``orders/create`` webhooks are sent to the connector
open-loop at each rate of ``--rates`` for ``--seconds``; each order is followed to its
``OrderReceived`` (shop-orders.v1) and ``OrderAccepted`` (orders.v1). The backlog drains
between rates. ``--scenario burst`` is the issue's burst: 1,000 orders/s for 60 s, then
checks that every acknowledged order is durable and accepted exactly once.

Needs the stack's Kafka (``STOREFRONTS_KAFKA_BOOTSTRAP``) and a PostgreSQL server URL it may
create databases on (``STOREFRONTS_TEST_POSTGRES_URL``)."""

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer
from sqlalchemy.exc import SQLAlchemyError

from bench import ceiling, machine, order_report
from bench.histogram import LogHistogram
from bench.openloop import LATE_SECONDS, Connections, Sent, drive, orders_for, without_collector_pauses
from bench.order_stack import (
    Database,
    ServiceProcess,
    Stack,
    connect_stores,
    create_databases,
    create_topics,
    drop_databases,
    publish,
    sqlite_urls,
    until,
)
from bench.runtime_phase import BenchError
from bench.runtime_phase import rate as rate_between
from bench.shopify_orders import OrderMaker, preload_records, shops
from storefront_events import ORDERS_V1, SHOP_ORDERS_V1

REPO = Path(__file__).resolve().parent.parent
NOTE = (
    "Measured on a shared 2-core machine: the services, Kafka, PostgreSQL and the load generator share "
    "the same cores, and other work may run beside them; read the load averages before the numbers."
)
#: The issue's scenarios. steps: rising rates; burst: 1,000/s for 60 s with its checks.
SCENARIOS = {
    "steps": {"rates": [100, 250, 500, 1000], "seconds": 30.0},
    "burst": {"rates": [1000], "seconds": 60.0, "drain_seconds": 180.0},
}
#: What "p99 degraded" means for the sustained rate (the issue's sustained target, end to end).
E2E_P99_LIMIT_MS = 500


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench order-path", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"), help="order-path-<label>.json")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="steps")
    parser.add_argument("--rates", help="comma-separated offered orders/s (default: the scenario's)")
    parser.add_argument("--seconds", type=float, help="how long each rate is offered (default: the scenario's)")
    parser.add_argument(
        "--drain-seconds", type=float, help="longest wait for the backlog after a rate (default 60; burst 180)"
    )
    parser.add_argument("--databases", default="postgresql", help="comma-separated: postgresql, sqlite")
    parser.add_argument("--clients", type=int, default=2, help="business clients, sharing the stores")
    parser.add_argument("--shops", type=int, default=4, help="connected Shopify stores")
    parser.add_argument("--products", type=int, default=500, help="products per shop, every variant mapped")
    parser.add_argument("--variants", type=int, default=3, help="variants per product")
    parser.add_argument("--max-lines", type=int, default=4, help="an order has 1 to this many lines")
    parser.add_argument("--connections", type=int, default=256, help="most open connections to the connector")
    parser.add_argument("--p99-limit-ms", type=float, default=E2E_P99_LIMIT_MS, help="end-to-end p99 held")
    parser.add_argument(
        "--split-relay",
        action="store_true",
        help="PostgreSQL only: each service's outbox relay in a process of its own, so CPU per order is "
        "reported per stage (ingress, relay, consume + resolve, relay); latencies then include the relay's "
        "poll interval, which one process avoids by waking its relay on commit",
    )
    parser.add_argument(
        "--split-ingress",
        action="store_true",
        help="PostgreSQL only: the connector's webhook front in a process of its own (it stores and answers "
        "webhooks), a second connector process working them out, relaying and consuming, as a deployment "
        "scales its ingress apart; the load goes to the front",
    )
    parser.add_argument(
        "--nice-behind-ingress",
        type=int,
        default=0,
        help="with --split-ingress: the niceness of every service process but the front (e.g. 10), so that on "
        "a machine shared by every stage the front is served first, as it would be on cores of its own",
    )
    parser.add_argument(
        "--nice-order-intake",
        type=int,
        default=0,
        help="the niceness of order intake's processes (e.g. 10): its work may wait behind the connector's "
        "webhook answers, which are latency-bound, as it would on a machine where it ran apart",
    )
    parser.add_argument("--no-ceiling", action="store_true", help="skip the raw aiokafka ceiling")
    parser.add_argument("--log-level", default="INFO", help="the services' log level (production: INFO)")
    parser.add_argument("--note", default="", help="a remark printed above the table (e.g. 'smoke run')")
    parser.add_argument("--bootstrap", default=os.environ.get("STOREFRONTS_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument("--postgres-url", default=os.environ.get("STOREFRONTS_TEST_POSTGRES_URL", ""))
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the databases, topics and service logs")
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.scenario]
    args.rate_list = [float(r) for r in args.rates.split(",")] if args.rates else list(scenario["rates"])
    args.seconds = args.seconds or scenario["seconds"]
    args.drain_seconds = args.drain_seconds or scenario.get("drain_seconds", 60.0)
    return args


@dataclass
class Followed:
    """Every order of the run, followed from its intended send to its events on the bus."""

    intended: dict[str, float] = field(default_factory=dict)  # platform order id → monotonic intended send
    acknowledged: set[str] = field(default_factory=set)  # answered 2xx
    received: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # OrderReceived seen at
    accepted: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # OrderAccepted seen at
    other_outcomes: Counter = field(default_factory=Counter)  # order.held, order.rejected...
    sample_received: bytes = b""  # one real OrderReceived record value (the ceiling sends its size)
    received_bytes: int = 0


async def observe(bootstrap: str, prefix: str, followed: Followed, stop: asyncio.Event) -> None:
    """Reads shop-orders.v1 and orders.v1 from their start, noting when each order's events arrive."""
    consumer = AIOKafkaConsumer(
        prefix + SHOP_ORDERS_V1.name,
        prefix + ORDERS_V1.name,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_wait_ms=20,
    )
    await consumer.start()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=50, max_records=5000)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    envelope = json.loads(record.value)
                    kind = envelope["type"]  # e.g. storefronts.order.accepted.v1
                    order = str(envelope["data"].get("platform_order_id", ""))
                    if ".order.received." in kind:
                        followed.received[order].append(now)
                        followed.received_bytes += len(record.value)
                        if not followed.sample_received:
                            followed.sample_received = record.value
                    elif ".order.accepted." in kind:
                        followed.accepted[order].append(now)
                    else:
                        followed.other_outcomes[kind] += 1
    finally:
        await consumer.stop()


async def run_rate(
    rate: float,
    step: int,
    args: argparse.Namespace,
    maker: OrderMaker,
    processes: list[ServiceProcess],
    followed: Followed,
    connector: ServiceProcess,
) -> dict:
    """One offered rate: the webhooks sent open-loop, then the backlog drained."""
    count = orders_for(rate, args.seconds)
    ids = [str((step + 1) * 10_000_000 + n) for n in range(count)]
    requests = [maker.request(int(order_id), host="127.0.0.1", port=connector.port)[1] for order_id in ids]
    ack, late, statuses = LogHistogram(), 0, Counter()
    send_lag = LogHistogram()

    def answered(sent: Sent) -> None:
        nonlocal late
        order_id = ids[sent.index]
        ack.record_seconds(sent.answered - sent.intended)
        send_lag.record_seconds(max(0.0, sent.started - sent.intended))
        late += sent.started - sent.intended > LATE_SECONDS
        statuses[sent.status] += 1
        if 200 <= sent.status < 300:
            followed.acknowledged.add(order_id)

    def started(at: float) -> None:
        for n, order_id in enumerate(ids):
            followed.intended[order_id] = at + n / rate

    load_before = machine.load_average()
    backlog: dict[str, list[dict]] = {p.name: [] for p in processes}
    probing = asyncio.create_task(_probe(processes, backlog))
    before = {p.name: p.sample() for p in processes}
    harness_before = time.process_time()
    connections = Connections("127.0.0.1", connector.port, args.connections)
    began = time.monotonic()
    sends_took = await drive(requests, rate, connections, answered, on_start=started)
    answers_took = time.monotonic() - began
    await connections.close()
    acked = [order_id for order_id in ids if order_id in followed.acknowledged]

    async def drained() -> bool:
        return all(order_id in followed.accepted for order_id in acked)

    drained_in: float | None
    try:
        await until(drained, processes=processes, timeout=args.drain_seconds, what="every accepted order")
        drained_in = round(time.monotonic() - began - args.seconds, 1)
    except BenchError:
        drained_in = None
    after = {p.name: p.sample() for p in processes}
    harness_cpu = time.process_time() - harness_before
    probing.cancel()
    await asyncio.gather(probing, return_exceptions=True)
    e2e, relay = LogHistogram(), LogHistogram()
    accepted_at: list[float] = []
    for order_id in acked:
        intended = followed.intended[order_id]
        if seen := followed.accepted.get(order_id):
            e2e.record_seconds(seen[0] - intended)
            accepted_at.append(seen[0])
        if seen := followed.received.get(order_id):
            relay.record_seconds(seen[0] - intended)
    # from the first acceptance to the last: the offered rate when it is held, the path's capacity when it is not
    accepted_per_s = rate_between(len(accepted_at), min(accepted_at), max(accepted_at)) if accepted_at else None
    non_2xx = sum(n for status, n in statuses.items() if not 200 <= status < 300)
    return {
        "offered_per_s": rate,
        "seconds": args.seconds,
        "orders_sent": count,
        "sends_took_seconds": round(sends_took, 2),
        "answers_took_seconds": round(answers_took, 2),
        "acknowledged_2xx": len(acked),
        "non_2xx": non_2xx,
        "statuses": {str(status): n for status, n in sorted(statuses.items())},
        "connections_opened": connections.opened,
        "ack": ack.summary() | {"buckets": ack.buckets()},
        "received_on_bus": relay.summary(),
        "end_to_end": e2e.summary() | {"buckets": e2e.buckets()},
        "accepted": len(accepted_at),
        "accepted_per_s": accepted_per_s,
        "missing": len(acked) - len(accepted_at),
        "accepted_more_than_once": sum(1 for i in acked if len(followed.accepted.get(i, ())) > 1),
        "drained_after_seconds": drained_in,
        "generator": {
            "late_sends": late,
            "late_threshold_ms": LATE_SECONDS * 1000,
            "send_lag": send_lag.summary(),
            "cpu_seconds": round(harness_cpu, 2),
            "cpu_ms_per_order": round(harness_cpu * 1000 / count, 3) if count else None,
        },
        "services": {
            name: {
                "cpu_seconds": round(after[name].cpu_seconds - before[name].cpu_seconds, 2),
                "cpu_ms_per_order": round((after[name].cpu_seconds - before[name].cpu_seconds) * 1000 / len(acked), 3)
                if acked
                else None,
                "peak_rss_mb": round(after[name].peak_rss_mb, 1),
                "rss_mb": round(after[name].rss_mb, 1),
                "max_consumer_lag": _most(backlog[name], "lag"),
                "max_outbox_age_seconds": _most(backlog[name], "outbox_age_seconds"),
                "backlog_every_second": backlog[name],
            }
            for name in after
        },
        "load_average_before": load_before,
        "load_average_after": machine.load_average(),
    }


async def _probe(processes: list[ServiceProcess], backlog: dict[str, list[dict]]) -> None:
    """Every second, each process's consumer lag and outbox age (its /readyz), until cancelled."""
    started = time.monotonic()
    async with httpx.AsyncClient() as http:
        while True:
            at = round(time.monotonic() - started, 1)
            answers = await asyncio.gather(*(process.backlog(http) for process in processes))
            for process, answer in zip(processes, answers, strict=True):
                backlog[process.name].append({"at": at} | answer)
            await asyncio.sleep(1)


def _most(samples: list[dict], key: str) -> float | None:
    values = [sample[key] for sample in samples if sample[key] is not None]
    return max(values) if values else None


async def on_database(database: str, args: argparse.Namespace, run_id: str, work: Path, results: dict) -> dict:
    prefix = f"ob-{run_id}-{database[:2]}."
    if database == "postgresql":
        if not args.postgres_url:
            raise BenchError("no PostgreSQL server: set STOREFRONTS_TEST_POSTGRES_URL or --postgres-url")
        urls, version = await create_databases(args.postgres_url, f"{run_id}_{database[:2]}")
        results["postgresql_version"] = version
    elif database == "sqlite":
        urls = sqlite_urls(work / database)
        (work / database).mkdir(parents=True, exist_ok=True)
    else:
        raise BenchError(f"unknown database {database!r} (postgresql or sqlite)")
    stack = Stack(
        bootstrap=args.bootstrap, repo=REPO, log_dir=work, prefix=prefix, database=database, urls=urls,
        log_level=args.log_level,
    )  # fmt: skip
    shop_list = shops(args.shops, args.products, args.variants, clients=args.clients)
    maker = OrderMaker(shop_list, max_lines=args.max_lines)
    followed, stop = Followed(), asyncio.Event()
    processes: list[ServiceProcess] = []
    outcome: dict = {"database": database, "topic_prefix": prefix}
    observer = None
    try:
        await create_topics(stack)
        await connect_stores(stack, shop_list)
        preload = preload_records(shop_list)
        outcome["preload"] = {
            "clients": len({shop.client_id for shop in shop_list}),
            "stores": len(shop_list),
            "mapped_variants": len(preload) - len(shop_list),
            "published_seconds": await publish(stack, preload),
            "how": "stores written through the connector's unit of work; StoreConnected and ProductMapped "
            "published straight onto stores.v1 and mappings.v1",
        }
        split = args.split_relay and database == "postgresql"
        outcome["split_relay"] = split
        ingress = args.split_ingress and database == "postgresql"
        outcome["split_ingress"] = ingress
        roles = {service: ("front", "relay") if split else ("all",) for service in ("connector", "order-intake")}
        if ingress:  # the load goes to processes[0], the connector's front
            roles["connector"] = ("ingress", "behind-ingress", *roles["connector"][1:])
        processes = [
            ServiceProcess(
                stack,
                service,
                role,
                name="connector" if role == "behind-ingress" else None,
                niceness=_niceness(args, service, role, split_ingress=ingress),
            )
            for service in ("connector", "order-intake")
            for role in roles[service]
        ]
        outcome["start_seconds"] = {p.name: await p.ready() for p in processes}
        intake = Database(urls["order-intake"])
        try:
            mapped = outcome["preload"]["mapped_variants"]
            started = time.monotonic()
            await until(
                lambda: _at_least(intake, "SELECT count(*) FROM intake_mappings", mapped),
                processes=processes,
                timeout=600,
                what=f"{mapped} mappings in order intake's read model",
            )
            outcome["preload"]["read_model_seconds"] = round(time.monotonic() - started, 1)
        finally:
            await intake.close()
        outcome["rss_mb_before"] = {p.name: round(p.sample().rss_mb, 1) for p in processes}
        observer = asyncio.create_task(observe(args.bootstrap, prefix, followed, stop))
        outcome["rates"] = []
        for step, rate in enumerate(args.rate_list):
            say(f"  {database}: {rate:g} orders/s for {args.seconds:g}s")
            with without_collector_pauses():
                result = await run_rate(rate, step, args, maker, processes, followed, processes[0])
            outcome["rates"].append(result)
            say(
                f"    ack p99 {result['ack']['p99_ms']} ms, end-to-end p99 {result['end_to_end']['p99_ms']} ms, "
                f"non-2xx {result['non_2xx']}, missing {result['missing']}"
            )
        outcome["durability"] = await _durability(urls["connector"], followed)
        last = {p.name: p.sample() for p in processes}
        outcome["peak_rss_mb"] = {name: round(sample.peak_rss_mb, 1) for name, sample in last.items()}
        outcome["rss_mb_after"] = {name: round(sample.rss_mb, 1) for name, sample in last.items()}
        outcome["rss_growth_percent"] = {
            name: round((last[name].rss_mb / before - 1) * 100, 1) if before else None
            for name, before in outcome["rss_mb_before"].items()
        }
        outcome["record_bytes_received"] = (
            round(followed.received_bytes / sum(len(v) for v in followed.received.values()))
            if followed.received
            else None
        )
        outcome["other_outcomes"] = dict(followed.other_outcomes)
        outcome["_sample_received"] = followed.sample_received
        outcome["_orders"] = len(followed.intended)
    finally:
        stop.set()
        if observer is not None:
            [failure] = await asyncio.gather(observer, return_exceptions=True)
            if failure is not None:
                outcome["observer_error"] = repr(failure)
                say(f"  the observer of the topics failed: {failure!r}")
        for process in processes:
            process.stop()
        if database == "postgresql" and not args.keep:
            await drop_databases(args.postgres_url, urls)
    return outcome


def _niceness(args: argparse.Namespace, service: str, role: str, *, split_ingress: bool) -> int:
    behind = args.nice_behind_ingress if split_ingress and role != "ingress" else 0
    return max(args.nice_order_intake, behind) if service == "order-intake" else behind


async def _at_least(database: Database, sql: str, wanted: int) -> bool:
    try:
        return await database.count(sql) >= wanted
    except SQLAlchemyError:  # the table is made by the service's migration: not there yet
        return False


async def _durability(connector_url: str, followed: Followed) -> dict:
    """Every acknowledged order in the connector's webhook deliveries, on shop-orders.v1, and
    accepted on orders.v1 exactly once (counted per order id)."""
    database = Database(connector_url)
    try:
        stored = set(await database.column("SELECT platform_order_id FROM webhook_deliveries"))
    finally:
        await database.close()
    acked = followed.acknowledged
    accepted_counts = Counter(len(followed.accepted.get(order_id, ())) for order_id in acked)
    return {
        "acknowledged": len(acked),
        "acknowledged_not_stored": len(acked - stored),
        "acknowledged_not_on_shop_orders": sum(1 for i in acked if i not in followed.received),
        "accepted_exactly_once": accepted_counts.get(1, 0),
        "accepted_never": accepted_counts.get(0, 0),
        "accepted_more_than_once": sum(n for times, n in accepted_counts.items() if times > 1),
        "zero_loss": accepted_counts.get(0, 0) == 0 and not (acked - stored),
    }


async def run(args: argparse.Namespace) -> dict:
    run_id = uuid.uuid4().hex[:8]
    work = REPO / "var" / "bench" / f"order-path-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    results: dict = {
        "label": args.label,
        "scenario": args.scenario,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "load_average": {"start": machine.load_average()},
        "note": f"{args.note.strip()} {NOTE}".strip(),
        "settings": {
            "rates": args.rate_list,
            "seconds_per_rate": args.seconds,
            "drain_seconds": args.drain_seconds,
            "databases": databases,
            "clients": args.clients,
            "shops": args.shops,
            "products_per_shop": args.products,
            "variants_per_product": args.variants,
            "max_lines_per_order": args.max_lines,
            "connections": args.connections,
            "e2e_p99_limit_ms": args.p99_limit_ms,
            "split_relay": args.split_relay,
            "split_ingress": args.split_ingress,
            "nice_behind_ingress": args.nice_behind_ingress,
            "nice_order_intake": args.nice_order_intake,
            "log_level": args.log_level,
            "services": "connector and order-intake, each `python -m <package>`, its own database, one process",
            "webhook": "POST /webhooks/shopify/{store_id}, orders/create, HMAC-SHA256 with the app secret",
        },
        "order_path": {},
    }
    try:
        for database in databases:
            say(f"order path on {database} (logs in {work})")
            try:
                results["order_path"][database] = await on_database(database, args, run_id, work, results)
            except (BenchError, OSError) as error:
                say(f"  failed: {error}")
                results["order_path"][database] = {"error": str(error)[:3000]}
        if not args.no_ceiling:
            results["ceiling"] = await _ceiling(args, run_id, results)
    finally:
        if not args.keep:
            from bench import kafka

            await kafka.delete_topics(args.bootstrap, f"ob-{run_id}-")
    results["load_average"]["end"] = machine.load_average()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return order_report.judge(results)


async def _ceiling(args: argparse.Namespace, run_id: str, results: dict) -> dict:
    """Raw aiokafka on the same broker, with a real OrderReceived of the run, as many as it sent."""
    measured = [m for m in results["order_path"].values() if m.get("_sample_received")]
    value = measured[0]["_sample_received"] if measured else None
    count = max(1000, max((m["_orders"] for m in measured), default=0))
    say(f"ceiling: raw aiokafka, {count:,} records of {len(value) if value else 'the bench'} bytes")
    return await ceiling.measure(args.bootstrap, f"ob-{run_id}-ceiling", SHOP_ORDERS_V1.partitions, count, value=value)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _interrupted(*_: object) -> None:
    raise KeyboardInterrupt  # SIGTERM (e.g. timeout) stops the services and drops the databases like Ctrl-C


def main(argv: list[str] | None = None) -> None:
    args = parse(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _interrupted)
    results = asyncio.run(run(args))
    paths = order_report.write(results, args.results)
    print(paths[1].read_text())
    say("results: " + ", ".join(str(p) for p in paths))


if __name__ == "__main__":
    main()
