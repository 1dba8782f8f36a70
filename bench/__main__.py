"""``python -m bench --label before``: the ceiling, then the runtime on each database;
writes bench/results/runtime-<label>.json and .md and prints the table.

Needs the stack's Kafka (``STOREFRONTS_KAFKA_BOOTSTRAP``) and, for PostgreSQL, a server
URL it may create databases on (``STOREFRONTS_TEST_POSTGRES_URL``); ``make bench`` starts
them with deploy/stack.sh and passes them on."""

import argparse
import asyncio
import os
import shutil
import sqlite3
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench import ceiling, kafka, machine, report, runtime_phase
from bench.workload import INPUT_TOPIC

REPO = Path(__file__).resolve().parent.parent
NOTE = (
    "Measured on a shared machine: other processes (tests, builds) ran during the run, so the numbers are "
    "noisy; compare runs by their load averages and repeat before trusting a small difference."
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--label",
        default=datetime.now(UTC).strftime("%Y%m%d"),
        help="names the results: bench/results/runtime-<label>.json (e.g. before, after)",
    )
    parser.add_argument("--ceiling-events", type=int, default=20_000, help="records the raw aiokafka ceiling sends")
    parser.add_argument("--events", type=int, default=20_000, help="events the runtime applies (throughput phase)")
    parser.add_argument("--databases", default="postgresql,sqlite", help="comma-separated: postgresql, sqlite")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60,
        help="a runtime phase stops after this long and reports the rate it reached",
    )
    parser.add_argument("--latency-seconds", type=float, default=10, help="how long the paced latency phase sends")
    parser.add_argument(
        "--latency-load",
        type=float,
        default=0.5,
        help="the latency phase's rate, as a fraction of the measured throughput",
    )
    parser.add_argument("--latency-rate", type=float, default=None, help="a fixed latency phase rate (events/s)")
    parser.add_argument("--log-level", default="INFO", help="the bench service's log level (services run at INFO)")
    parser.add_argument(
        "--handler",
        choices=("event", "batch", "batch-core"),
        default="batch-core",
        help="the bench service's handler: batch-core (default): a batch per call (set-based; only on a "
        "runtime with events.on(..., batch=True)), its rows read and written as SQL rows, as a service that "
        "must apply thousands of events a second writes; batch: the same with ORM objects; event: one event "
        "per call (works on every runtime)",
    )
    parser.add_argument(
        "--consumers",
        type=int,
        default=None,
        metavar="N",
        help="the bench service's consumers of its subscription (STOREFRONTS_CONSUMER_CONCURRENCY; default: the "
        "runtime's own default, 1): N consumers of the group in the one process, its partitions shared among them",
    )
    parser.add_argument(
        "--runtime-src",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help="the bench service imports service_runtime (or storefront_events) from DIR first: "
        "measure another checkout's runtime, e.g. var/before-tree/libs/service-runtime/src "
        "(repeatable)",
    )
    parser.add_argument("--bootstrap", default=os.environ.get("STOREFRONTS_KAFKA_BOOTSTRAP", "127.0.0.1:9092"))
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("STOREFRONTS_TEST_POSTGRES_URL", ""),
        help="a PostgreSQL server URL the bench may create a database on",
    )
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the bench's databases, topics and logs")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace) -> dict:
    run_id = f"bench-{uuid.uuid4().hex[:8]}"
    prefix = f"{run_id}."
    work = REPO / "var" / "bench" / run_id
    work.mkdir(parents=True, exist_ok=True)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    results: dict = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "load_average": {"start": machine.load_average()},
        "note": NOTE,
        "settings": {
            "ceiling_events": args.ceiling_events,
            "runtime_events": args.events,
            "max_seconds": args.max_seconds,
            "latency_seconds": args.latency_seconds,
            "latency_load": args.latency_load,
            "latency_rate": args.latency_rate,
            "log_level": args.log_level,
            "handler": args.handler,
            "consumers": args.consumers,
            "runtime_src": [str(path) for path in args.runtime_src],
            "producer": kafka.PRODUCER_SETTINGS,
            "ceiling_max_records": ceiling.MAX_RECORDS,
            "input_event": "OrderReceived (shop-orders.v1)",
            "output_event": "OrderAccepted (orders.v1)",
            "databases": databases,
        },
        "sqlite_version": sqlite3.sqlite_version,
        "runtime": {},
    }
    options = runtime_phase.Options(
        bootstrap=args.bootstrap,
        repo=REPO,
        log_dir=work,
        events=args.events,
        max_seconds=args.max_seconds,
        latency_seconds=args.latency_seconds,
        latency_load=args.latency_load,
        latency_rate=args.latency_rate,
        log_level=args.log_level,
        handler=args.handler,
        consumers=args.consumers,
        runtime_src=tuple(str(path.resolve()) for path in args.runtime_src),
    )
    try:
        results["settings"]["service"] = runtime_phase.delivery_settings(options)
        say(f"ceiling: raw aiokafka, {args.ceiling_events:,} records")
        results["ceiling"] = await ceiling.measure(
            args.bootstrap, f"{prefix}ceiling", INPUT_TOPIC.partitions, args.ceiling_events
        )
        say(f"  produce {results['ceiling']['produce_per_s']:,}/s, consume {results['ceiling']['consume_per_s']:,}/s")
        for database in databases:
            say(f"runtime on {database}: {args.events:,} events (logs in {work})")
            try:
                prefix_of_database = f"{prefix}{database[:2]}."
                results["runtime"][database] = await _on(database, args, options, results, work, prefix_of_database)
            except (runtime_phase.BenchError, OSError, asyncpg.PostgresError) as error:
                say(f"  failed: {error}")
                results["runtime"][database] = {"error": str(error)[:3000]}
    finally:
        if not args.keep:
            await kafka.delete_topics(args.bootstrap, prefix)
    results["load_average"]["end"] = machine.load_average()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return report.judge(results)


async def _on(database: str, args, options, results: dict, work: Path, prefix: str) -> dict:
    if database == "sqlite":
        url = f"sqlite:///{work / 'bench.db'}"
        return await runtime_phase.measure(options, database=database, url=url, prefix=prefix)
    if database != "postgresql":
        raise runtime_phase.BenchError(f"unknown database {database!r} (postgresql or sqlite)")
    if not args.postgres_url:
        raise runtime_phase.BenchError("no PostgreSQL server: set STOREFRONTS_TEST_POSTGRES_URL or --postgres-url")
    name = f"bench_{prefix.split('.')[0].split('-')[1]}"
    server = await asyncpg.connect(args.postgres_url)
    try:
        results["postgresql_version"] = await server.fetchval("SHOW server_version")
        await server.execute(f'CREATE DATABASE "{name}"')
    finally:
        await server.close()
    url = args.postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        return await runtime_phase.measure(options, database=database, url=url, prefix=prefix)
    finally:
        if not args.keep:
            server = await asyncpg.connect(args.postgres_url)
            try:
                await server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            finally:
                await server.close()


#: python -m bench <command>: the module whose main(argv) runs it
COMMANDS = {
    "intake": "bench.intake",
    "product-sync": "bench.product_sync",
    "order-import": "bench.order_import",
    "postbacks": "bench.postbacks",
    "all": "bench.suite",
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["order-path"]:  # python -m bench order-path: the order path (bench/order_path.py)
        from bench import order_path

        order_path.main(argv[1:])
        return
    if argv[:1] and argv[0] in COMMANDS:  # python -m bench intake | product-sync | order-import | postbacks | all
        import importlib

        importlib.import_module(COMMANDS[argv[0]]).main(argv[1:])
        return
    args = parse(argv)
    results = asyncio.run(run(args))
    json_path, md_path = report.write(results, args.results)
    print(md_path.read_text())
    say(f"results: {json_path}, {md_path}")


if __name__ == "__main__":
    main()
