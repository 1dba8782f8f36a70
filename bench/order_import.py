"""``python -m bench order-import``: a CSV of 10,000 orders imported into a manual store by order
intake's CSV import job, through its HTTP API, as a client's admin would.

``python -m order_intake`` runs as deployed (its own fresh PostgreSQL database, the shared Kafka
under a fresh topic prefix, relay on, JSON logs at INFO), its read model preloaded through its own
handlers with a manual store and ``--skus`` SKUs mapped in it. The file: ``--orders`` orders of 1
to ``--max-lines`` rows (one row per line, every SKU mapped, comma separated, UTF-8). The bench
posts it to ``POST /order-imports?store_id=...`` (``text/csv``) with an admin's token (a key made
for the run, given to the service as ``STOREFRONTS_JWKS_JSON``), then polls
``GET /order-imports/{id}`` until the job is done, then waits for every created order's
``OrderAccepted`` on orders.v1.

Measures: the time to the job's answer (the file read and checked), to done, and to the last
``OrderAccepted`` relayed; orders/s; the service's CPU ms per order over that time; its peak
memory. Writes bench/results/order-import-<label>.json and .md. A benchmark, not a test."""

import argparse
import asyncio
import json
import random
import shutil
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench import kafka, machine
from bench.command import require_postgres, run_command, stack_arguments, write_results
from bench.order_stack import ServiceProcess, Stack, create_databases, create_topics, drop_databases
from bench.runtime_phase import BenchError
from storefront_events import ORDERS_V1, PrintFile, ProductMapped, StoreConnected

REPO = Path(__file__).resolve().parent.parent
SERVICE = "order-intake"
CLIENT = "bench-client-manual"
STORE = "bench-store-manual"
POLL_SECONDS = 0.25
NOTE = (
    "Measured on a shared 2-core machine: order intake, Kafka, PostgreSQL and the bench share the same "
    "cores, and other engineers' work ran beside them; read the load averages before the numbers."
)
HEADER = "order_reference,recipient_name,address1,city,postcode,country_code,email,sku,quantity,shipping_method"
CITIES = [("Paris", "75002", "FR"), ("Lyon", "69003", "FR"), ("Berlin", "10115", "DE"), ("Madrid", "28001", "ES")]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench order-import", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"), help="order-import-<label>.json")
    parser.add_argument("--orders", type=int, default=10_000, help="orders in the file")
    parser.add_argument("--max-lines", type=int, default=4, help="an order has 1 to this many rows")
    parser.add_argument("--skus", type=int, default=500, help="SKUs mapped in the manual store")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="longest wait for the job")
    stack_arguments(parser, REPO / "bench" / "results")
    args = parser.parse_args(argv)
    require_postgres(parser, args)
    return args


def sku(n: int) -> str:
    return f"POSTER-{n:05d}"


def order_csv(orders: int, *, max_lines: int, skus: int, seed: int = 11) -> tuple[bytes, int]:
    """The file and its number of rows (lines of orders)."""
    rng = random.Random(seed)
    rows = [HEADER]
    for n in range(orders):
        city, postcode, country = CITIES[n % len(CITIES)]
        address = f'CSV-{n:06d},Jeanne Dupont {n},"{n % 200 + 1} rue des Lilas, bât. B",{city},{postcode},{country}'
        for pick in rng.sample(range(skus), rng.randint(1, max_lines)):
            rows.append(f"{address},jeanne{n}@example.com,{sku(pick)},{rng.randint(1, 3)},standard")
    return ("\r\n".join(rows) + "\r\n").encode(), len(rows) - 1


async def preload(url: str, skus: int) -> dict:
    """The manual store and its SKU mappings, through order intake's own read-model handlers."""
    from order_intake.bootstrap import OrderIntakeRuntime
    from order_intake.handlers.read_models import keep_mappings, keep_stores
    from order_intake.settings import OrderIntakeSettings

    started = time.monotonic()
    runtime = OrderIntakeRuntime(OrderIntakeSettings(database_url=url, secret_keys=[]))
    try:
        await runtime.migrate()
        store = StoreConnected(store_id=STORE, client_id=CLIENT, platform="manual", name="Phone orders", currency="EUR")
        await keep_stores([store], uow=runtime.uow())
        mappings = [
            ProductMapped(
                mapping_id=str(uuid.uuid4()),
                store_id=STORE,
                client_id=CLIENT,
                platform="manual",
                platform_product_id=sku(n),
                platform_variant_id=None,
                sku=sku(n),
                product_uid="flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver",
                print_files=[PrintFile(type="default", url=f"https://files.example.com/posters/{n}.pdf")],
            )
            for n in range(skus)
        ]
        for start in range(0, len(mappings), 500):
            await keep_mappings(mappings[start : start + 500], uow=runtime.uow())
    finally:
        await runtime.engine.dispose()
    return {"skus_mapped": skus, "seconds": round(time.monotonic() - started, 1)}


async def run(args: argparse.Namespace) -> dict:
    from service_runtime.testing.tokens import TokenMint

    run_id = uuid.uuid4().hex[:6]
    work = REPO / "var" / "bench" / f"order-import-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    content, rows = order_csv(args.orders, max_lines=args.max_lines, skus=args.skus)
    results: dict = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "load_average": {"start": machine.load_average()},
        "note": f"{args.note.strip()} {NOTE}".strip(),
        "settings": {
            "orders": args.orders,
            "rows": rows,
            "file_bytes": len(content),
            "max_lines_per_order": args.max_lines,
            "skus_mapped": args.skus,
            "service": "`python -m order_intake` as deployed (relay on), PostgreSQL",
        },
    }
    urls, version = await create_databases(args.postgres_url, f"oi{run_id}", (SERVICE,))
    results["postgresql_version"] = version
    stack = Stack(
        bootstrap=args.bootstrap, repo=REPO, log_dir=work, prefix=f"oi-{run_id}.", database="postgresql", urls=urls
    )
    mint = TokenMint()
    process = None
    try:
        await create_topics(stack)
        results["preload"] = await preload(urls[SERVICE], args.skus)
        process = ServiceProcess(stack, SERVICE, env={"STOREFRONTS_JWKS_JSON": json.dumps(mint.jwks)})
        results["service_start_seconds"] = await process.ready()
        try:
            results["import"] = await _import(args, process, stack, mint.headers("admin", client_id=CLIENT), content)
        except BenchError as error:
            print(f"failed: {error}", file=sys.stderr)
            results["error"] = str(error)[:3000]
    finally:
        if process is not None:
            process.stop()
        if not args.keep:
            await drop_databases(args.postgres_url, urls)
            await kafka.delete_topics(args.bootstrap, stack.prefix)
            shutil.rmtree(work, ignore_errors=True)
        results["load_average"]["end"] = machine.load_average()
    return results


async def _import(
    args: argparse.Namespace, process: ServiceProcess, stack: Stack, headers: dict, content: bytes
) -> dict:
    load_before = machine.load_average()
    async with (
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{process.port}", headers=headers, timeout=120) as http,
        kafka.TopicCounter(stack.bootstrap, stack.prefix + ORDERS_V1.name, ORDERS_V1.partitions) as accepted,
    ):
        before, started = process.sample(), time.monotonic()
        answer = await http.post(
            "/order-imports", params={"store_id": STORE}, content=content, headers={"content-type": "text/csv"}
        )
        answered = time.monotonic() - started
        if answer.status_code != 202:
            raise BenchError(f"the import was refused: {answer.status_code} {answer.text[:1000]}")
        job = answer.json()
        while job["status"] == "running":
            process.check_alive()
            if time.monotonic() - started > args.max_seconds:
                raise BenchError(f"the import was not done within {args.max_seconds:.0f}s: {job['orders_done']} done")
            await asyncio.sleep(POLL_SECONDS)
            job = (await http.get(f"/order-imports/{job['id']}")).json()
        done, at_done = time.monotonic() - started, process.sample()
        relayed = await accepted.count()
        while relayed < job["orders_created"] and time.monotonic() - started < 2 * args.max_seconds:
            process.check_alive()
            await asyncio.sleep(POLL_SECONDS)
            relayed = await accepted.count()
        all_relayed, at_relayed = time.monotonic() - started, process.sample()
    created = job["orders_created"]
    return {
        "status": job["status"],
        "rows": job["rows"],
        "orders_total": job["orders_total"],
        "orders_created": created,
        "orders_failed": job["orders_failed"],
        "errors": job["errors"][:5],
        "answer_seconds": round(answered, 2),
        "done_seconds": round(done, 2),
        "orders_per_s": round(created / done, 1) if done else None,
        "relayed": relayed,
        "all_relayed_seconds": round(all_relayed, 2),
        "cpu_ms_per_order_to_done": round((at_done.cpu_seconds - before.cpu_seconds) * 1000 / max(1, created), 3),
        "cpu_ms_per_order_with_relay": round((at_relayed.cpu_seconds - before.cpu_seconds) * 1000 / max(1, created), 3),
        "peak_rss_mb": round(at_relayed.peak_rss_mb, 1),
        "load_average": [load_before, machine.load_average()],
    }


def _n(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict) -> str:
    m, s = results["machine"], results["settings"]
    lines = [
        f"# CSV import of {s['orders']:,} orders `{results['label']}` — {results['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB, {m['os']}, Python {m['python']}, "
        f"Kafka {m['kafka']}, PostgreSQL {results.get('postgresql_version', '—')}; git `{m['git']['commit']}`"
        + (" (with uncommitted changes)" if m["git"]["dirty"] else "")
        + f". Load average (1, 5, 15 min) at start {results['load_average']['start']}, at end "
        f"{results['load_average']['end']}. {results['note']}",
        "",
        f"Settings: {s['orders']:,} orders in {s['rows']:,} rows (1–{s['max_lines_per_order']} per order, "
        f"{s['file_bytes'] / 1e6:.1f} MB), a manual store with {s['skus_mapped']} SKUs mapped; {s['service']}; "
        "posted to `POST /order-imports` as the store's client admin.",
        "",
    ]
    i = results.get("import")
    if not i:
        lines += ["The import was not measured (see the JSON).", ""]
        return "\n".join(lines)
    lines += [
        "| measure | value |",
        "|---|---:|",
        f"| job status | {i['status']} ({i['orders_created']:,} created, {i['orders_failed']:,} failed) |",
        f"| answer (file read and checked, job recorded) | {i['answer_seconds']} s |",
        f"| **time to done** | **{i['done_seconds']} s** |",
        f"| **orders/s** (created ÷ time to done) | **{_n(i['orders_per_s'])}** |",
        f"| every OrderAccepted on orders.v1 | {i['all_relayed_seconds']} s ({i['relayed']:,} records) |",
        f"| CPU ms per order, service, to done | {i['cpu_ms_per_order_to_done']} |",
        f"| CPU ms per order, service, with the relay | {i['cpu_ms_per_order_with_relay']} |",
        f"| peak memory, service | {_n(i['peak_rss_mb'])} MB |",
        f"| load average before → after | {i['load_average'][0]} → {i['load_average'][1]} |",
        "",
        "What each number means: [bench/README.md](../README.md).",
        "",
    ]
    return "\n".join(lines)


def write(results: dict, directory: Path) -> tuple[Path, Path]:
    return write_results(results, directory, f"order-import-{results['label']}", markdown(results))


def main(argv: list[str] | None = None) -> None:
    run_command(argv, parse=parse, run=run, write=write)


if __name__ == "__main__":
    main()
