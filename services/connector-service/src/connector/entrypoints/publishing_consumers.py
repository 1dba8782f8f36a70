"""Kafka entrypoint of publishing: a product asked for (ProductPublishRequested) is created in
the shop. Thin: a handler call."""

from collections.abc import Callable
from typing import Any

from connector.handlers.credentials import Connections
from connector.handlers.publishing import publish_product
from connector.ports import Clock
from service_runtime.runtime import Runtime
from storefront_events import MAPPINGS_V1, ProductPublishRequested

PUBLISHING_GROUP = "connector-publishing"


def register_publishing(runtime: Runtime, *, connections: Callable[[], Connections], clock: Clock) -> None:
    @runtime.events.on(MAPPINGS_V1, group=PUBLISHING_GROUP, events=(ProductPublishRequested,))
    async def on_publish_requested(event: ProductPublishRequested, *, uow: Any) -> None:
        await publish_product(event, uow=uow, connections=connections(), clock=clock)
