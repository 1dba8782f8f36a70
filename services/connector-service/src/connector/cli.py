"""Command line of the connector service: ``python -m connector`` serves;
``python -m connector rederive --store ID [--order ID ...]`` publishes again the orders derived
from the raw webhook bodies still kept (CONNECTOR_WEBHOOK_RETENTION_DAYS)."""

import argparse
import asyncio

from connector.settings import ConnectorSettings


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m connector")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="Serve the HTTP API, the consumers and the relay (the default)")
    rederive = commands.add_parser(
        "rederive", help="Derive a store's orders again from the webhook bodies kept, and publish them"
    )
    rederive.add_argument("--store", required=True, help="The store's id")
    rederive.add_argument("--order", action="append", default=[], help="Only this platform order id (repeatable)")
    args = parser.parse_args(argv)
    settings = ConnectorSettings()
    if args.command in (None, "serve"):
        from connector.main import create_app
        from service_runtime.http import serve

        serve(create_app(settings), host=settings.bind_host, port=settings.port)
        return 0
    return asyncio.run(_rederive(settings, args.store, args.order))


async def _rederive(settings: ConnectorSettings, store_id: str, orders: list[str]) -> int:
    from connector.bootstrap import build
    from connector.handlers.rederive import rederive_orders
    from service_runtime.errors import DomainError

    runtime = build(settings)
    try:
        await runtime.migrate()
        done = await rederive_orders(
            store_id,
            platform_order_ids=orders,
            uow=runtime.connector_uow(),
            platforms=runtime.platforms,
            vault=runtime.vault,
        )
    except DomainError as error:
        print(f"error: {error.detail}")
        return 1
    finally:
        await runtime.engine.dispose()
    print(f"{len(done.published)} order(s) published again (the running service's relay sends them)")
    for delivery_id, why in done.unreadable:
        print(f"still unreadable: delivery {delivery_id}: {why}")
    return 0
