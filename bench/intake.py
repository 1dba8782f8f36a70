"""``python -m bench intake``: order intake alone through Kafka, beside the raw aiokafka ceiling
of the same records, and beside the same handler driven by a plain aiokafka loop.

N realistic ``OrderReceived`` (Shopify orders of 1 to ``--max-lines`` lines, each a mapped
variant of its shop, turned into the event by the connector's own translation) are encoded once.
Each phase gets a fresh PostgreSQL database, migrated and preloaded with the stores and every
variant's mapping (through order intake's own read-model handlers), and a fresh topic prefix on
which the N records are produced before anything consumes them. Then one process drains them:

- ``deployed``: ``python -m order_intake`` as deployed (consumers, relay, housekeeping, HTTP, JSON
  logs at INFO, every delivery setting its default): orders applied (rows of ``orders``) and
  ``OrderAccepted`` relayed (records on orders.v1);
- ``consume``: the same with its relay off: the runtime's consumer alone;
- ``raw-inbox``: ``python -m bench.intake_raw``: the same batch handler and unit of work under a
  plain aiokafka ``getmany`` loop, the inbox recorded in the batch's transaction as the runtime
  does, one transaction per fetch, offsets committed after: ``consume`` minus this is what
  FastStream and the event router cost;
- ``raw``: the same loop without the inbox (the handler's own transaction);
- ``two-processes``: order intake scaled out as a deployment does, two ``deployed`` processes in
  one consumer group (Kafka shares the 12 partitions out, each process its own batches and
  transactions). They start first and the group settles before the N records are produced
  (a rebalance inside the measure would be measured), so here the first seconds of applying
  share the machine with the producer. CPU ms/order adds the two processes up.

The ceiling is measured on the first one-process phase's topic, before its process starts: the time the N
records took to produce (one producer with the relay's settings) and a raw consumer of a fresh
group reading them (``getmany`` ≤ 500, commit per batch, nothing decoded).

Writes bench/results/intake-<label>.json and .md; prints the table. A benchmark, not a test."""

import argparse
import asyncio
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from bench import ceiling, kafka, machine
from bench.command import require_postgres, run_command, stack_arguments, write_results
from bench.order_stack import (
    Database,
    ServiceProcess,
    Stack,
    create_databases,
    create_topics,
    drop_databases,
    publish,
)
from bench.runtime_phase import BenchError
from bench.shopify_orders import OrderMaker, Shop, product_mapped, shops, store_connected
from storefront_events import ORDERS_V1, SHOP_ORDERS_V1, encode

REPO = Path(__file__).resolve().parent.parent
SERVICE = "order-intake"
TARGET = 3000  # issue #11: orders/s applied by order intake
POLL_SECONDS = 0.25
START_TIMEOUT = 180
NOTE = (
    "Measured on a shared 2-core machine: order intake, Kafka, PostgreSQL and the bench share the same "
    "cores, and other engineers' work ran beside them; read the load averages before the numbers."
)
#: Processes of order intake each phase runs (two-processes: as a deployment scales out)
PROCESSES = {"two-processes": 2}
#: After the last process is ready, how long its joining the group may take to settle (a
#: consumer learns of a rebalance from a heartbeat: the runtime's default interval is 3 s)
SETTLE_SECONDS = 7.0
#: phase → (what runs, its extra settings)
PHASES = {
    "deployed": ("service", {"ORDER_INTAKE_RELAY_ENABLED": "true"}),
    "two-processes": ("service", {"ORDER_INTAKE_RELAY_ENABLED": "true"}),
    "consume": ("service", {"ORDER_INTAKE_RELAY_ENABLED": "false"}),
    "raw-inbox": ("raw", {"BENCH_RAW_INBOX": "true"}),
    "raw": ("raw", {"BENCH_RAW_INBOX": "false"}),
}
DESCRIPTIONS = {
    "deployed": "`python -m order_intake` as deployed (relay on): applied, then relayed",
    "two-processes": "two `python -m order_intake` as deployed, one consumer group (Kafka shares the partitions out), "
    "measured once both joined it",
    "consume": "`python -m order_intake`, relay off: the runtime's consumer (FastStream + event router)",
    "raw-inbox": "plain aiokafka loop, same handler and unit of work, inbox in the batch's transaction",
    "raw": "plain aiokafka loop, same handler and unit of work, no inbox",
}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench intake", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"), help="intake-<label>.json")
    parser.add_argument("--orders", type=int, default=20_000, help="OrderReceived produced for each phase")
    parser.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of {', '.join(PHASES)}")
    parser.add_argument("--shops", type=int, default=4, help="connected Shopify stores (one client each two)")
    parser.add_argument("--products", type=int, default=500, help="products per shop, every variant mapped")
    parser.add_argument("--variants", type=int, default=3, help="variants per product")
    parser.add_argument("--max-lines", type=int, default=4, help="an order has 1 to this many lines")
    parser.add_argument("--max-seconds", type=float, default=180.0, help="a phase stops after this long")
    stack_arguments(parser, REPO / "bench" / "results")
    args = parser.parse_args(argv)
    args.phase_list = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = [p for p in args.phase_list if p not in PHASES]
    if unknown:
        parser.error(f"unknown phases {unknown}: {', '.join(PHASES)}")
    require_postgres(parser, args)
    return args


def order_records(shop_list: list[Shop], n: int, *, max_lines: int) -> list[tuple[bytes, bytes]]:
    """(key, value) of n OrderReceived as the connector publishes them: the simulator's Shopify
    order payloads turned into events by the connector's translation, round robin over the shops."""
    from connector.adapters.shopify.orders import order_received
    from connector.ports import ShopConnection

    maker = OrderMaker(shop_list, max_lines=max_lines)
    records = []
    for i in range(n):
        shop = shop_list[i % len(shop_list)]
        connection = ShopConnection(
            store_id=shop.store_id, client_id=shop.client_id, platform="shopify", shop_url=shop.domain
        )
        event = order_received(connection, maker.order(shop, 6_000_000_000 + i))
        key = SHOP_ORDERS_V1.key_for(event)
        records.append((key.encode(), encode(event, source="/connector-service", subject=key)))
    return records


async def preload(url: str, shop_list: list[Shop]) -> dict:
    """Order intake's database migrated, its stores and mappings written by its own read-model
    handlers (what its consumers of stores.v1 and mappings.v1 would have written)."""
    from order_intake.bootstrap import OrderIntakeRuntime
    from order_intake.handlers.read_models import keep_mappings, keep_stores
    from order_intake.settings import OrderIntakeSettings

    started = time.monotonic()
    runtime = OrderIntakeRuntime(OrderIntakeSettings(database_url=url, secret_keys=[]))
    try:
        await runtime.migrate()
        await keep_stores([store_connected(shop) for shop in shop_list], uow=runtime.uow())
        mappings = [product_mapped(shop, *variant) for shop in shop_list for variant in shop.variants]
        for start in range(0, len(mappings), 500):
            await keep_mappings(mappings[start : start + 500], uow=runtime.uow())
    finally:
        await runtime.engine.dispose()
    return {"stores": len(shop_list), "mappings": len(mappings), "seconds": round(time.monotonic() - started, 1)}


async def _count(database: Database, sql: str) -> int:
    try:
        return await database.count(sql)
    except SQLAlchemyError:  # not migrated yet
        return 0


async def run_phase(
    name: str,
    args: argparse.Namespace,
    run_id: str,
    index: int,
    records: list,
    shop_list: list[Shop],
    work: Path,
    *,
    measure_ceiling: bool,
) -> dict:
    kind, extra_env = PHASES[name]
    n = len(records)
    urls, version = await create_databases(args.postgres_url, f"{run_id}{index}", (SERVICE,))
    stack = Stack(
        bootstrap=args.bootstrap,
        repo=REPO,
        log_dir=work,
        prefix=f"ik-{run_id}-{index}.",
        database="postgresql",
        urls=urls,
    )
    outcome: dict = {"kind": kind, "what": DESCRIPTIONS[name], "postgresql_version": version}
    count = PROCESSES.get(name, 1)
    processes: list[ServiceProcess] = []
    database = Database(urls[SERVICE])
    try:
        await create_topics(stack)
        outcome["preload"] = await preload(urls[SERVICE], shop_list)
        topic = stack.prefix + SHOP_ORDERS_V1.name
        if count > 1:
            # the group settles before there is anything to apply, so the measure holds no
            # rebalance (and the records, produced while it applies, are measured from the first)
            processes = _start(stack, name, kind, extra_env, count)
            for process in processes:
                await process.ready()
            await asyncio.sleep(SETTLE_SECONDS)
        load_before = machine.load_average()
        outcome["produce_seconds"] = await publish(stack, [(SHOP_ORDERS_V1.name, k, v) for k, v in records])
        if measure_ceiling:
            consume_seconds = await ceiling.consume(args.bootstrap, topic, n, group=f"{stack.prefix}bench-ceiling")
            outcome["ceiling"] = {
                "records": n,
                "record_bytes": round(sum(len(v) for _, v in records) / n),
                "partitions": SHOP_ORDERS_V1.partitions,
                "produce_per_s": round(n / outcome["produce_seconds"]),
                "consume_per_s": round(n / consume_seconds),
                "load_average": machine.load_average(),
            }
        if count == 1:
            load_before = machine.load_average()
            processes = _start(stack, name, kind, extra_env, count)
        outcome["processes"] = count
        outcome.update(await _drain(name, _Processes(processes), database, stack, n, args.max_seconds))
        outcome["load_average"] = [load_before, machine.load_average()]
    finally:
        for process in processes:
            process.stop()
        await database.close()
        if not args.keep:
            await drop_databases(args.postgres_url, urls)
            await kafka.delete_topics(args.bootstrap, stack.prefix)
    return outcome


def _start(stack: Stack, name: str, kind: str, env: dict[str, str], count: int) -> list[ServiceProcess]:
    return [
        ServiceProcess(
            stack,
            SERVICE,
            env=env,
            module="bench.intake_raw" if kind == "raw" else None,
            name=name if count == 1 else f"{name}-{i}",
        )
        for i in range(1, count + 1)
    ]


class _Processes:
    """The phase's processes of order intake, sampled as one: their CPU added up, the largest peak."""

    def __init__(self, processes: list[ServiceProcess]) -> None:
        self.processes = processes

    def check_alive(self) -> None:
        for process in self.processes:
            process.check_alive()

    def sample(self) -> machine.ProcessSample:
        samples = [process.sample() for process in self.processes]
        return machine.ProcessSample(
            cpu_seconds=sum(s.cpu_seconds for s in samples),
            peak_rss_mb=max(s.peak_rss_mb for s in samples),
            rss_mb=sum(s.rss_mb for s in samples),
        )

    @property
    def log_path(self) -> Path:
        return self.processes[0].log_path


async def _drain(name: str, process: "_Processes", database: Database, stack: Stack, n: int, cap: float) -> dict:
    """From the first applied order to the last (and, with the relay on, to the last
    OrderAccepted on orders.v1): rates, CPU per order, peak memory."""
    started = time.monotonic()
    count = 0
    while count == 0:
        process.check_alive()
        if time.monotonic() - started > START_TIMEOUT:
            raise BenchError(f"{name}: no order applied within {START_TIMEOUT}s (log: {process.log_path})")
        await asyncio.sleep(0.1)
        count = await _count(database, "SELECT count(*) FROM orders")
    first_count, first_at, first_cpu = count, time.monotonic(), process.sample().cpu_seconds
    first_pg = machine.postgres_cpu_seconds(database.name)
    result: dict = {"start_seconds": round(first_at - started, 1), "orders": n}
    capped = False
    while count < n:
        process.check_alive()
        if time.monotonic() - first_at > cap:
            capped = True
            break
        await asyncio.sleep(POLL_SECONDS)
        count = await _count(database, "SELECT count(*) FROM orders")
    applied_at, applied_sample = time.monotonic(), process.sample()
    applied_pg = machine.postgres_cpu_seconds(database.name)
    window = count - first_count
    seconds = applied_at - first_at
    result |= {
        "applied": count,
        "capped_at_seconds": cap if capped else None,
        "applied_per_s": round(window / seconds, 1) if window > 0 and seconds > 0 else None,
        "applied_seconds": round(seconds, 2),
        "cpu_ms_per_order_applied": round((applied_sample.cpu_seconds - first_cpu) * 1000 / window, 3)
        if window > 0
        else None,
        "cpu_cores_busy": round((applied_sample.cpu_seconds - first_cpu) / seconds, 2) if seconds > 0 else None,
        "postgres_cpu_ms_per_order_applied": round((applied_pg - first_pg) * 1000 / window, 3)
        if window > 0 and first_pg is not None and applied_pg is not None
        else None,
        "accepted_rows": await _count(database, "SELECT count(*) FROM orders WHERE status = 'accepted'"),
    }
    if PHASES[name][1].get("ORDER_INTAKE_RELAY_ENABLED") == "true":
        async with kafka.TopicCounter(stack.bootstrap, stack.prefix + ORDERS_V1.name, ORDERS_V1.partitions) as out:
            relayed = await out.count()
            while relayed < result["accepted_rows"] and time.monotonic() - first_at < 2 * cap:
                process.check_alive()
                await asyncio.sleep(POLL_SECONDS)
                relayed = await out.count()
        relayed_at, relayed_sample = time.monotonic(), process.sample()
        result |= {
            "relayed": relayed,
            "relayed_per_s": round(window / (relayed_at - first_at), 1) if window > 0 else None,
            "relayed_seconds": round(relayed_at - first_at, 2),
            "cpu_ms_per_order": round((relayed_sample.cpu_seconds - first_cpu) * 1000 / window, 3)
            if window > 0
            else None,
        }
        applied_sample = relayed_sample
    else:
        result["cpu_ms_per_order"] = result["cpu_ms_per_order_applied"]
    result["peak_rss_mb"] = round(applied_sample.peak_rss_mb, 1)
    return result


def service_settings() -> dict:
    """The delivery settings order intake runs with (its defaults: the bench sets none of them)."""
    from order_intake.settings import OrderIntakeSettings

    settings = OrderIntakeSettings(secret_keys=[])
    names = (
        "consumer_batch_max_records",
        "consumer_batch_timeout_ms",
        "consumer_log_each_event",
        "relay_batch_size",
        "relay_poll_seconds",
    )
    return {name: getattr(settings, name) for name in names if hasattr(settings, name)}


async def run(args: argparse.Namespace) -> dict:
    run_id = uuid.uuid4().hex[:6]
    work = REPO / "var" / "bench" / f"intake-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "load_average": {"start": machine.load_average()},
        "note": f"{args.note.strip()} {NOTE}".strip(),
        "settings": {
            "orders": args.orders,
            "shops": args.shops,
            "mapped_variants": args.shops * args.products * args.variants,
            "max_lines_per_order": args.max_lines,
            "phases": args.phase_list,
            "max_seconds": args.max_seconds,
            "service": service_settings(),
        },
        "phases": {},
    }
    shop_list = shops(args.shops, args.products, args.variants, clients=max(1, args.shops // 2))
    say(f"encoding {args.orders:,} OrderReceived")
    records = order_records(shop_list, args.orders, max_lines=args.max_lines)
    results["settings"]["record_bytes"] = round(sum(len(v) for _, v in records) / len(records))
    try:
        for index, name in enumerate(args.phase_list):
            say(f"phase {name}: {DESCRIPTIONS[name]} (logs in {work})")
            try:
                outcome = await run_phase(
                    name,
                    args,
                    run_id,
                    index,
                    records,
                    shop_list,
                    work,
                    measure_ceiling="ceiling" not in results and PROCESSES.get(name, 1) == 1,
                )
            except (BenchError, OSError) as error:
                say(f"  failed: {error}")
                results["phases"][name] = {"error": str(error)[:3000]}
                continue
            if "ceiling" in outcome:
                results["ceiling"] = outcome.pop("ceiling")
                say(
                    f"  ceiling: produce {results['ceiling']['produce_per_s']:,}/s, consume {results['ceiling']['consume_per_s']:,}/s"
                )
            results["phases"][name] = outcome
            say(
                f"  applied {outcome['applied_per_s']}/s, CPU {outcome['cpu_ms_per_order']} ms/order, "
                f"peak {outcome['peak_rss_mb']} MB"
            )
    finally:
        results["load_average"]["end"] = machine.load_average()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return judge(results)


def judge(results: dict) -> dict:
    phases, c = results["phases"], results.get("ceiling") or {}

    def get(name: str, key: str) -> float | None:
        return (phases.get(name) or {}).get(key)

    # as deployed, with one process or scaled out to two (the best of them), else consume-only
    deployments = {n: get(n, "applied_per_s") for n in ("deployed", "two-processes") if get(n, "applied_per_s")}
    by = max(deployments, key=lambda n: deployments[n]) if deployments else "consume"
    applied = get(by, "applied_per_s")
    results["target"] = {
        "applied_per_s": TARGET,
        "measured": applied,
        "by": by,
        "verdict": "PASS" if applied and applied >= TARGET else "BELOW",
    }
    results["ratios"] = {
        name: round(p["applied_per_s"] / c["consume_per_s"], 4)
        for name, p in phases.items()
        if p.get("applied_per_s") and c.get("consume_per_s")
    }
    deployed, runtime, raw_inbox, raw = (
        get(n, "cpu_ms_per_order") for n in ("deployed", "consume", "raw-inbox", "raw")
    )

    def minus(a: float | None, b: float | None) -> float | None:
        return round(a - b, 3) if a is not None and b is not None else None

    results["overhead"] = {
        "runtime_minus_raw_inbox_cpu_ms": minus(runtime, raw_inbox),
        "inbox_cpu_ms": minus(raw_inbox, raw),
        "runtime_over_raw_inbox_rate": round(get("consume", "applied_per_s") / get("raw-inbox", "applied_per_s"), 3)
        if get("consume", "applied_per_s") and get("raw-inbox", "applied_per_s")
        else None,
    }
    #: CPU ms per order of each stage of the service process, from the differences of the phases
    results["stages_cpu_ms"] = {
        "handler and its transaction (raw)": raw,
        "inbox (raw-inbox − raw)": minus(raw_inbox, raw),
        "FastStream + event router (consume − raw-inbox)": minus(runtime, raw_inbox),
        "relay (deployed − consume)": minus(deployed, runtime),
    }
    return results


def _n(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict) -> str:
    m, s, c = results["machine"], results["settings"], results.get("ceiling") or {}
    lines = [
        f"# Order intake through Kafka `{results['label']}` — {results['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB, {m['os']}, Python {m['python']}, "
        f"Kafka {m['kafka']} (one broker); git `{m['git']['commit']}`"
        + (" (with uncommitted changes)" if m["git"]["dirty"] else "")
        + f". Load average (1, 5, 15 min) at start {results['load_average']['start']}, at end "
        f"{results['load_average']['end']}. {results['note']}",
        "",
        f"Settings: {s['orders']:,} `OrderReceived` per phase (1–{s['max_lines_per_order']} lines, "
        f"{s['record_bytes']} bytes on average), {s['shops']} Shopify stores, {s['mapped_variants']:,} mapped "
        f"variants preloaded, PostgreSQL, a fresh database and topics per phase; order intake's delivery settings "
        + ", ".join(f"`{k}={v}`" for k, v in s["service"].items())
        + ".",
        "",
        f"Ceiling (raw aiokafka, the same records, the same run): produce {_n(c.get('produce_per_s'))} msg/s, "
        f"consume {_n(c.get('consume_per_s'))} msg/s.",
        "",
        "| phase | what runs | orders/s applied | / ceiling consume | relayed (OrderAccepted)/s | CPU ms/order "
        "| PostgreSQL CPU ms/order | peak RSS MB | load avg |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, p in results["phases"].items():
        if "error" in p:
            lines.append(f"| {name} | {DESCRIPTIONS[name]} | error | | | | | | |")
            continue
        capped = f" (capped, {p['applied']:,} applied)" if p.get("capped_at_seconds") else ""
        lines.append(
            f"| {name} | {p['what']} | **{_n(p['applied_per_s'])}**{capped} | {_n(results['ratios'].get(name), 3)} | "
            f"{_n(p.get('relayed_per_s'))} | {_n(p['cpu_ms_per_order'], 3)} | "
            f"{_n(p.get('postgres_cpu_ms_per_order_applied'), 3)} | {_n(p['peak_rss_mb'])} | "
            f"{p['load_average'][0]} → {p['load_average'][1]} |"
        )
    t, o = results["target"], results["overhead"]
    lines += [
        "",
        f"Target (issue #11): ≥ {t['applied_per_s']:,} orders/s applied: measured {_n(t['measured'])} "
        f"(`{t.get('by', 'deployed')}`): **{t['verdict']}**.",
        "",
        f"What the runtime adds to the same handler (`consume` − `raw-inbox`): "
        f"{_n(o['runtime_minus_raw_inbox_cpu_ms'], 3)} CPU ms/order, rate ratio "
        f"{_n(o['runtime_over_raw_inbox_rate'], 3)}; the inbox alone (`raw-inbox` − `raw`): "
        f"{_n(o['inbox_cpu_ms'], 3)} CPU ms/order. CPU ms/order of `deployed` includes its relay.",
    ]
    stages = results["stages_cpu_ms"]
    lines += [
        "",
        "CPU ms per order of each stage of the process, from the differences between the phases (each "
        "difference carries the noise of two runs on a shared machine):",
        "",
        "| stage | CPU ms/order |",
        "|---|---:|",
        *(f"| {stage} | {_n(value, 3)} |" for stage, value in stages.items()),
    ]
    for name, p in results["phases"].items():
        if "error" in p:
            lines += ["", f"{name} failed: `{p['error'][:500]}`"]
    lines += ["", "What each number means: [bench/README.md](../README.md).", ""]
    return "\n".join(lines)


def write(results: dict, directory: Path) -> tuple[Path, Path]:
    return write_results(results, directory, f"intake-{results['label']}", markdown(results))


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    run_command(argv, parse=parse, run=run, write=write)


if __name__ == "__main__":
    main()
