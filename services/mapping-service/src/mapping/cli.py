"""Command line of the mapping service."""

import argparse
import asyncio
from pathlib import Path
from typing import cast

from mapping.settings import MappingSettings

SAMPLE_CATALOG = Path(__file__).parent / "sample_catalog.csv"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapping")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="Serve the HTTP API and the consumers (the default)")
    load = commands.add_parser(
        "load-catalog", help="Add or update catalog products from a CSV file (the sample catalog by default)"
    )
    load.add_argument("file", nargs="?", type=Path, default=SAMPLE_CATALOG)
    args = parser.parse_args(argv)
    settings = MappingSettings()
    if args.command in (None, "serve"):
        from mapping.main import create_app
        from service_runtime.http import serve

        serve(create_app(settings), host=settings.bind_host, port=settings.port)
        return 0
    return asyncio.run(_load_catalog(settings, args.file.name, args.file.read_bytes()))


async def _load_catalog(settings: MappingSettings, name: str, content: bytes) -> int:
    from mapping.adapters.clock import SystemClock
    from mapping.bootstrap import build
    from mapping.domain.errors import ReportedProblems
    from mapping.handlers.catalog import import_catalog
    from mapping.ports import UnitOfWork
    from service_runtime.errors import DomainError

    runtime = build(settings)
    try:
        await runtime.migrate()
        uow = cast(UnitOfWork, runtime.uow())
        result = await import_catalog(content, uow=uow, clock=SystemClock())
    except ReportedProblems as error:
        print(f"error: {error.detail}")
        for item in error.extensions["errors"]:
            print(f"  line {item['line']}, column {item['column']}: {item['message']}")
        return 1
    except DomainError as error:
        print(f"error: {error.detail}")
        return 1
    finally:
        await runtime.engine.dispose()
    print(f"catalog {name}: {result.rows} products, {result.added} added, {result.changed} changed")
    return 0
