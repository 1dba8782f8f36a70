"""``python -m bench product-sync``: a full product sync of a 10,000-variant Shopify store, from
"Sync products" to the mapping service's read model holding every variant.

Three processes, as deployed: the Shopify simulator of libs/platform-simulators
(``python -m bench.shopify_simulator``: one shop of ``--products`` × ``--variants`` variants, the
GraphQL cost bucket of Shopify's standard plan unless told otherwise: ``--restore-rate`` 100 points
a second, ``--bucket-max`` 2,000), ``python -m connector`` and ``python -m mapping``, each on its
own fresh PostgreSQL database, the shared Kafka under a fresh topic prefix, JSON logs at INFO. The
shop is installed as a merchant would (the simulator's OAuth: authorize, then the code exchanged
for an access token), stored as a connected Shopify store in the connector's database through the
connector's own unit of work and vault, and announced to the mapping service (``StoreConnected``).

The bench then starts the sync as a store manager does (``POST /stores/{id}/syncs``, a token of a
key made for the run), follows it (``GET /stores/{id}/syncs/{sync_id}``) until it succeeds, then
waits until the mapping service has received every ``StoreProductsSynced`` batch of the sync and
holds every variant.

Measures: the time to the sync's success and to mapping's read model applied; GraphQL calls, the
answers ``THROTTLED`` and the time between calls (the connector's throttle waits and its own work
on each page: the span of the calls minus the time the simulator spent answering them); the
``StoreProductsSynced`` batches and their bytes; CPU seconds of the connector, of the mapping
service and of the simulator; peak memory. Writes bench/results/product-sync-<label>.json and .md."""

import argparse
import asyncio
import json
import shutil
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
from sqlalchemy.exc import SQLAlchemyError

from bench import kafka, machine
from bench.command import require_postgres, run_command, stack_arguments, write_results
from bench.order_stack import (
    Database,
    ServiceProcess,
    Stack,
    connect_stores,
    create_databases,
    create_topics,
    drop_databases,
    free_port,
    publish,
)
from bench.runtime_phase import BenchError
from bench.shopify_orders import Shop, store_connected
from storefront_events import STORES_V1, StoreProductsSynced, encode

REPO = Path(__file__).resolve().parent.parent
APP_KEY, APP_SECRET = "storefronts-dev-app", "storefronts-dev-app-secret"  # the connector's and simulator's defaults
DOMAIN = "bench-sync-shop.myshopify.com"
CLIENT = str(uuid.uuid5(uuid.NAMESPACE_URL, "bench-product-sync-client"))
POLL_SECONDS = 0.5
NOTE = (
    "Measured on a shared 2-core machine: the simulator, the connector, the mapping service, Kafka and "
    "PostgreSQL share the same cores, and other engineers' work ran beside them; read the load averages."
)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench product-sync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--label", default=datetime.now(UTC).strftime("%Y%m%d"), help="product-sync-<label>.json")
    parser.add_argument("--products", type=int, default=2500, help="products in the shop")
    parser.add_argument("--variants", type=int, default=4, help="variants per product (2,500 × 4 = 10,000)")
    parser.add_argument(
        "--restore-rate", type=float, default=100.0, help="GraphQL points restored a second (Shopify standard: 100)"
    )
    parser.add_argument("--bucket-max", type=float, default=2000.0, help="GraphQL points the bucket holds")
    parser.add_argument("--max-seconds", type=float, default=900.0, help="longest wait for the sync and mapping")
    stack_arguments(parser, REPO / "bench" / "results")
    args = parser.parse_args(argv)
    require_postgres(parser, args)
    return args


class Simulator:
    """``python -m bench.shopify_simulator`` on a free port; stopped with SIGTERM."""

    def __init__(self, args: argparse.Namespace, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / "shopify-simulator.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                *("-m", "bench.shopify_simulator", "--port", str(self.port)),
                *("--products", str(args.products), "--variants", str(args.variants)),
                *("--restore-rate", str(args.restore_rate), "--bucket-max", str(args.bucket_max)),
            ],
            cwd=REPO,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    async def ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(base_url=self.url, timeout=5) as http:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise BenchError(f"the simulator exited; its log ends:\n{self.log_path.read_text()[-2000:]}")
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise BenchError(f"the simulator did not answer within {timeout:.0f}s")

    async def install(self, domain: str) -> str:
        """The merchant installs the app: authorize, then the code exchanged for an access token."""
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            authorized = await http.get(
                f"/shops/{domain}/admin/oauth/authorize",
                params={
                    "client_id": APP_KEY,
                    "scope": "read_products,read_orders",
                    "redirect_uri": "http://127.0.0.1/bench/callback",
                    "state": uuid.uuid4().hex,
                },
            )
            code = parse_qs(urlparse(authorized.headers["location"]).query)["code"][0]
            token = await http.post(
                f"/shops/{domain}/admin/oauth/access_token",
                json={"client_id": APP_KEY, "client_secret": APP_SECRET, "code": code},
            )
            return str(token.json()["access_token"])

    async def look(self, domain: str) -> dict:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            shop = (await http.get(f"/simulator/shops/{domain}")).json()
            clock = (await http.get("/bench/graphql")).json()
        return {
            "products": shop["products"],
            "variants": shop["variants"],
            "requests": shop["requests"],
            "throttled": shop["throttled"],
        } | {f"graphql_{k}": v for k, v in clock.items()}

    def sample(self) -> machine.ProcessSample:
        return machine.sample(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


async def run(args: argparse.Namespace) -> dict:
    from service_runtime.testing.tokens import TokenMint

    run_id = uuid.uuid4().hex[:6]
    work = REPO / "var" / "bench" / f"product-sync-{run_id}"
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {
        "label": args.label,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(REPO),
        "load_average": {"start": machine.load_average()},
        "note": f"{args.note.strip()} {NOTE}".strip(),
        "settings": {
            "products": args.products,
            "variants_per_product": args.variants,
            "variants": args.products * args.variants,
            "restore_rate": args.restore_rate,
            "bucket_max": args.bucket_max,
            "services": "Shopify simulator, `python -m connector`, `python -m mapping`, each its own process and "
            "PostgreSQL database, every setting its default",
        },
    }
    urls, version = await create_databases(args.postgres_url, f"ps{run_id}", ("connector", "mapping"))
    results["postgresql_version"] = version
    stack = Stack(
        bootstrap=args.bootstrap, repo=REPO, log_dir=work, prefix=f"ps-{run_id}.", database="postgresql", urls=urls
    )
    mint = TokenMint()
    jwks = {"STOREFRONTS_JWKS_JSON": json.dumps(mint.jwks)}
    simulator = Simulator(args, work)
    processes: list[ServiceProcess] = []
    try:
        await create_topics(stack)
        await simulator.ready()
        token = await simulator.install(DOMAIN)
        shop = Shop(store_id=str(uuid.uuid4()), client_id=CLIENT, domain=DOMAIN, catalog={})
        await connect_stores(stack, [shop], access_token=token)
        connected = store_connected(shop)
        await publish(
            stack, [(STORES_V1.name, STORES_V1.key_for(connected).encode(), encode(connected, source="/connector"))]
        )
        connector = ServiceProcess(
            stack,
            "connector",
            env=jwks | {"CONNECTOR_SHOPIFY_BASE_URL": simulator.url, "STOREFRONTS_OUTBOUND_ALLOW_PRIVATE": "true"},
        )
        mapping = ServiceProcess(stack, "mapping", env=jwks)
        processes = [connector, mapping]
        for process in processes:
            await process.ready()
        headers = mint.headers("admin", client_id=CLIENT)
        try:
            results["sync"] = await _sync(args, simulator, connector, mapping, urls["mapping"], shop, headers)
        except BenchError as error:
            print(f"failed: {error}", file=sys.stderr)
            results["error"] = str(error)[:3000]
        results["simulator"] = await simulator.look(DOMAIN)
        results["store_products_synced"] = await _batches(stack)
    finally:
        for process in processes:
            process.stop()
        simulator.stop()
        if not args.keep:
            await drop_databases(args.postgres_url, urls)
            await kafka.delete_topics(args.bootstrap, stack.prefix)
            shutil.rmtree(work, ignore_errors=True)
        results["load_average"]["end"] = machine.load_average()
    return results


async def _count(database: Database, sql: str, **params: object) -> int:
    try:
        return await database.count(sql, **params)
    except SQLAlchemyError:
        return 0


async def _sync(
    args: argparse.Namespace,
    simulator: Simulator,
    connector: ServiceProcess,
    mapping: ServiceProcess,
    mapping_url: str,
    shop: Shop,
    headers: dict,
) -> dict:
    load_before = machine.load_average()
    database = Database(mapping_url)
    before = {"connector": connector.sample(), "mapping": mapping.sample(), "simulator": simulator.sample()}
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{connector.port}", headers=headers, timeout=30
        ) as http:
            started = time.monotonic()
            answer = await http.post(f"/stores/{shop.store_id}/syncs")
            if answer.status_code != 202:
                raise BenchError(f"the sync was refused: {answer.status_code} {answer.text[:1000]}")
            job = answer.json()
            while job["status"] == "running":
                connector.check_alive()
                if time.monotonic() - started > args.max_seconds:
                    raise BenchError(f"the sync did not finish within {args.max_seconds:.0f}s ({job['done']} read)")
                await asyncio.sleep(POLL_SECONDS)
                job = (await http.get(f"/stores/{shop.store_id}/syncs/{job['id']}")).json()
        synced, at_synced = time.monotonic() - started, connector.sample()
        if job["status"] != "succeeded":
            raise BenchError(f"the sync {job['status']}: {job.get('error')} {job.get('error_detail')}")
        variants = args.products * args.variants
        batches = held = 0
        while batches < job["batches"] or held < variants:
            mapping.check_alive()
            if time.monotonic() - started > args.max_seconds:
                raise BenchError(f"mapping had {batches}/{job['batches']} batches, {held} variants")
            await asyncio.sleep(POLL_SECONDS / 2)
            batches = await _count(
                database, "SELECT count(*) FROM store_sync_batches WHERE sync_id = :sync", sync=job["id"]
            )
            held = await _count(
                database,
                "SELECT count(*) FROM store_variants WHERE store_id = :store AND NOT removed",
                store=shop.store_id,
            )
        mapped = time.monotonic() - started
        after = {"connector": connector.sample(), "mapping": mapping.sample(), "simulator": simulator.sample()}
    finally:
        await database.close()
    cpu = {name: round(after[name].cpu_seconds - before[name].cpu_seconds, 2) for name in after}
    return {
        "status": job["status"],
        "products_read": job["done"],
        "products_published": job["changed"],
        "batches": job["batches"],
        "sync_seconds": round(synced, 2),
        "mapping_applied_seconds": round(mapped, 2),
        "variants_held_by_mapping": held,
        "variants_per_s": round(held / mapped, 1) if mapped else None,
        "cpu_seconds": cpu,
        "cpu_seconds_connector_to_synced": round(at_synced.cpu_seconds - before["connector"].cpu_seconds, 2),
        "cpu_ms_per_variant": {
            name: round(seconds * 1000 / max(1, held), 3) for name, seconds in cpu.items() if name != "simulator"
        },
        "peak_rss_mb": {name: round(sample.peak_rss_mb, 1) for name, sample in after.items()},
        "load_average": [load_before, machine.load_average()],
    }


async def _batches(stack: Stack) -> dict:
    """The StoreProductsSynced records on stores.v1: how many, their bytes."""
    topic = stack.prefix + STORES_V1.name
    async with kafka.TopicCounter(stack.bootstrap, topic, STORES_V1.partitions) as counter:
        count = await counter.count()
    records = await kafka.read_all(stack.bootstrap, topic, count=count, timeout=60)
    wanted = f'"type":"{StoreProductsSynced.ce_type()}"'.encode()
    synced = [r for r in records if wanted in r.value]
    return {
        "records": len(synced),
        "bytes_total": sum(len(r.value) for r in synced),
        "bytes_largest": max((len(r.value) for r in synced), default=0),
    }


def _n(value, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def markdown(results: dict) -> str:
    m, s = results["machine"], results["settings"]
    lines = [
        f"# Full product sync of a {s['variants']:,}-variant Shopify store `{results['label']}` — {results['date']}",
        "",
        f"Machine: {m['cores']} cores ({m['cpu_model']}), {m['memory_gb']} GB, {m['os']}, Python {m['python']}, "
        f"Kafka {m['kafka']}, PostgreSQL {results.get('postgresql_version', '—')}; git `{m['git']['commit']}`"
        + (" (with uncommitted changes)" if m["git"]["dirty"] else "")
        + f". Load average (1, 5, 15 min) at start {results['load_average']['start']}, at end "
        f"{results['load_average']['end']}. {results['note']}",
        "",
        f"Settings: one shop of {s['products']:,} products × {s['variants_per_product']} variants on the Shopify "
        f"simulator, GraphQL bucket {s['bucket_max']:,.0f} points restored at {s['restore_rate']:,.0f} a second; "
        f"{s['services']}.",
        "",
    ]
    sync = results.get("sync")
    if not sync:
        lines += [f"Not measured: `{results.get('error', 'see the JSON')[:500]}`", ""]
        return "\n".join(lines)
    sim, batches = results["simulator"], results["store_products_synced"]
    idle = sim["graphql_span_seconds"] - sim["graphql_busy_seconds"]
    cpu, per = sync["cpu_seconds"], sync["cpu_ms_per_variant"]
    lines += [
        "| measure | value |",
        "|---|---:|",
        f"| products read / published | {sync['products_read']:,} / {sync['products_published']:,} |",
        f"| **time to the sync's success** | **{sync['sync_seconds']} s** |",
        f"| **time to mapping's read model applied** ({sync['variants_held_by_mapping']:,} variants) "
        f"| **{sync['mapping_applied_seconds']} s** ({_n(sync['variants_per_s'])} variants/s) |",
        f"| GraphQL calls (answers THROTTLED) | {sim['requests']:,} ({sim['throttled']:,}) |",
        f"| time the simulator spent answering them | {sim['graphql_busy_seconds']} s |",
        f"| time between calls (throttle waits + the connector's work per page) | {idle:.1f} s of "
        f"{sim['graphql_span_seconds']} s |",
        f"| StoreProductsSynced batches (records, bytes, largest) | {sync['batches']} ({batches['records']}, "
        f"{batches['bytes_total'] / 1e6:.1f} MB, {batches['bytes_largest'] / 1e3:.0f} kB) |",
        f"| CPU s: connector / mapping / simulator | {cpu['connector']} / {cpu['mapping']} / {cpu['simulator']} |",
        f"| CPU ms per variant: connector / mapping | {per['connector']} / {per['mapping']} |",
        f"| peak memory MB: connector / mapping / simulator | {sync['peak_rss_mb']['connector']} / "
        f"{sync['peak_rss_mb']['mapping']} / {sync['peak_rss_mb']['simulator']} |",
        f"| load average before → after | {sync['load_average'][0]} → {sync['load_average'][1]} |",
        "",
        "What each number means: [bench/README.md](../README.md).",
        "",
    ]
    return "\n".join(lines)


def write(results: dict, directory: Path) -> tuple[Path, Path]:
    return write_results(results, directory, f"product-sync-{results['label']}", markdown(results))


def main(argv: list[str] | None = None) -> None:
    run_command(argv, parse=parse, run=run, write=write)


if __name__ == "__main__":
    main()
