"""Writes each service's API documents: OpenAPI (from FastAPI) and AsyncAPI 3.0 (from
FastStream: the topics it consumes and, as publishers, the topics its outbox writes to).

    python -m service_runtime.docs docs/api
"""

import asyncio
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from faststream.specification import AsyncAPI

from storefront_events import ALL_TOPICS, CloudEvent

SERVICES = {
    "client-service": ("client", "ClientSettings"),
    "access-service": ("access", "AccessSettings"),
    "connector-service": ("connector", "ConnectorSettings"),
    "mapping-service": ("mapping", "MappingSettings"),
    "order-intake-service": ("order_intake", "OrderIntakeSettings"),
    "notifier-service": ("notifier", "NotifierSettings"),
}

PUBLISHES = {
    "client-service": ("clients.v1",),
    "access-service": ("access.v1",),
    "connector-service": ("stores.v1", "shop-orders.v1"),
    "mapping-service": ("mappings.v1",),
    "order-intake-service": ("orders.v1",),
    "notifier-service": ("notifications.v1",),
}


async def service_documents(service: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    package, settings_name = SERVICES[service]
    try:
        main = importlib.import_module(f"{package}.main")
        bootstrap = importlib.import_module(f"{package}.bootstrap")
        settings_module = importlib.import_module(f"{package}.settings")
    except ImportError:
        return None
    settings = getattr(settings_module, settings_name)()
    openapi = main.create_app(settings).openapi()
    runtime = bootstrap.build(settings)
    runtime.messaging.include(runtime.events.router)
    broker = runtime.messaging.broker
    for topic in ALL_TOPICS:
        if topic.name in PUBLISHES[service]:
            events = ", ".join(e.__name__ for e in topic.events)
            broker.publisher(
                topic.name,
                title=f"{topic.name}:publish",
                schema=CloudEvent,
                description=f"Written by the outbox relay, keyed by {' + '.join(topic.key_fields)}: {events}. "
                "Structured-mode CloudEvents; data schemas in libs/events/schemas.",
            )
    await runtime.engine.dispose()
    asyncapi = (
        AsyncAPI(
            broker, title=openapi["info"]["title"], version="1.0.0", description=openapi["info"].get("description")
        )
        .to_specification()
        .to_jsonable()
    )
    return openapi, asyncapi


async def main(target: str) -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - a command line tool, before any request
    for service in SERVICES:
        documents = await service_documents(service)
        if documents is None:
            continue
        for kind, document in zip(("openapi", "asyncapi"), documents, strict=False):
            (out / f"{service}.{kind}.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        print(f"{service}: {out}/{service}.openapi.json, {out}/{service}.asyncapi.json")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "docs/api"))
