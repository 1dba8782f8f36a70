"""How long a 50,000-row mapping import takes on this machine (PostgreSQL; not a test).

    set -a && source /work/main/var/run/stack.env && set +a
    .venv/bin/python services/mapping-service/bench/import_50k.py [--rows 50000] [--urls 200]

A fresh database gets the sample catalog and a store of ``rows`` variants (written in bulk as
a sync would); a CSV mapping every variant, naming ``urls`` distinct design files served from
this machine, is imported through the same handlers as the HTTP route. Prints the seconds of
each phase: parse, check rows and files, apply."""

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))

from integration.design_server import design_server

from mapping.adapters.clock import SystemClock
from mapping.bootstrap import build
from mapping.cli import SAMPLE_CATALOG
from mapping.domain.store_products import Store, Viewer
from mapping.handlers import mapping_import
from mapping.handlers.catalog import import_catalog
from mapping.handlers.mappings import Actor
from mapping.ports import UnitOfWork
from mapping.settings import MappingSettings
from service_runtime.testing.helpers import create_database, drop_database
from storefront_events import StoreProduct, StoreVariant

SIZES = ("xs", "s", "m", "l", "xl")
COLOURS = ("white", "black", "navy", "red")


async def main(rows: int, urls: int) -> None:
    server = os.environ["STOREFRONTS_TEST_POSTGRES_URL"]
    database = await create_database(server)
    settings = MappingSettings(
        database_url=database,
        outbound_allow_private=True,
        development=True,
        consumers_enabled=False,
        relay_enabled=False,
    )
    runtime = build(settings)
    clock = SystemClock()

    def uow() -> UnitOfWork:
        return cast(UnitOfWork, runtime.uow())

    try:
        await runtime.migrate()
        await import_catalog(SAMPLE_CATALOG.read_bytes(), uow=uow(), clock=clock)
        store = Store("bench-store", "bench-client", "shopify", "Bench")
        per_product = len(SIZES) * len(COLOURS)
        products = [
            StoreProduct(
                platform_product_id=f"p{n}",
                title=f"Tee {n}",
                variants=[
                    StoreVariant(
                        platform_variant_id=f"p{n}-{s}-{c}", sku=f"T{n}-{s}-{c}", options={"Size": s, "Colour": c}
                    )
                    for s in SIZES
                    for c in COLOURS
                ],
            )
            for n in range(rows // per_product)
        ]
        async with uow() as w:
            await w.stores.put(store)
            for start in range(0, len(products), 500):
                await w.store_products.upsert_variants(
                    store.store_id, "bench", products[start : start + 500], now=clock.now()
                )
            await w.commit()
        with design_server() as (base, requested):
            lines = ["platform_product_id;platform_variant_id;product_uid;design_file_url"]
            for i, (p, v) in enumerate((product, v) for product in products for v in product.variants):
                size, colour = v.options["Size"], v.options["Colour"]
                lines.append(
                    f"{p.platform_product_id};{v.platform_variant_id};apparel_tshirt-gildan-5000_{size}_{colour};"
                    f"{base}/front.png?design={i % urls}"
                )
            content = "\n".join(lines).encode()
            actor = Actor(Viewer("admin", store.client_id, ()), "bench")
            began, cpu_began = time.perf_counter(), time.process_time()
            started = await mapping_import.start_import(
                store.store_id, content, actor=actor, all_or_nothing=False, uow=uow(), clock=clock
            )
            parsed = time.perf_counter()
            job = await mapping_import.run_import(
                started,
                actor=actor,
                uow_factory=uow,
                design_files=runtime.design_files,
                clock=clock,
                concurrency=settings.design_file_concurrency,
            )
            done = time.perf_counter()
        result: dict[str, Any] = {
            "rows": job.total_rows,
            "applied": job.applied,
            "refused": job.refused,
            "design_file_requests": len(requested),
            "parse_seconds": round(parsed - began, 2),
            "check_and_apply_seconds": round(done - parsed, 2),
            "total_seconds": round(done - began, 2),
            "cpu_seconds": round(time.process_time() - cpu_began, 2),  # this process (design server included)
            "load_average": round(os.getloadavg()[0], 1),
        }
        print(result)
    finally:
        await runtime.engine.dispose()
        await drop_database(server, database)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--urls", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.rows, args.urls))
