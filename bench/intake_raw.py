"""``python -m bench.intake_raw``: order intake's batch handler driven by a plain aiokafka loop,
without FastStream and without the runtime's event router: what the runtime costs on top.

The same handler (``order_intake.handlers.intake.shop_orders``) and unit of work
(``OrderIntakeRuntime.uow()``, the service's settings from the same ``ORDER_INTAKE_*`` and
``STOREFRONTS_*`` variables) as ``python -m order_intake``; the runtime is built but not started
(no FastStream, no HTTP server, no relay). The loop: ``getmany`` of at most
``consumer_batch_max_records`` records (waiting at most ``consumer_batch_timeout_ms``), every
record decoded, one transaction for the whole fetch, then the fetch's offsets committed.

``BENCH_RAW_INBOX=true`` (the default) does in that transaction what the runtime's delivery does:
the inbox's one ``INSERT ... ON CONFLICT DO NOTHING RETURNING`` and the handler in a savepoint of
the shared transaction, one commit; ``false`` runs the handler on its own unit of work (its own
transaction: one per fetch), no inbox. It logs one JSON line per batch, as the service does with
``consumer_log_each_event=false``. It runs until SIGTERM."""

import asyncio
import os
import signal
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer

from order_intake.bootstrap import OrderIntakeRuntime
from order_intake.entrypoints.consumers import GROUP
from order_intake.handlers.intake import shop_orders
from order_intake.settings import OrderIntakeSettings
from service_runtime.heap import settle_heap
from service_runtime.inbox import Inbox
from service_runtime.logging import configure_logging
from storefront_events import SHOP_ORDERS_V1, OrderCancelledInStore, OrderReceived, decode

log = structlog.get_logger()


async def apply(runtime: OrderIntakeRuntime, events: list[Any], *, group: str, inbox: bool) -> int:
    """One transaction for the batch; the number of events applied."""
    if not inbox:
        await shop_orders(events, uow=runtime.uow())  # type: ignore[arg-type]
        return len(events)
    probe = runtime.uow()
    async with probe.shared_transaction() as shared:
        ids = [str(event.event_id) for event in events]
        new_ids = await Inbox(shared.session).record_new(group, ids)
        new = [event for event, event_id in zip(events, ids, strict=True) if event_id in new_ids]
        if new:
            uow = runtime.uow().sharing(shared)
            await shop_orders(new, uow=uow)  # type: ignore[arg-type]
            await uow.keep()
        await shared.commit()
    return len(new)


async def main() -> None:
    settings = OrderIntakeSettings()
    configure_logging(settings.service_name, level=settings.log_level, json=settings.log_json)
    inbox = os.environ.get("BENCH_RAW_INBOX", "true").lower() == "true"
    runtime = OrderIntakeRuntime(settings)
    topic, group = settings.topic(SHOP_ORDERS_V1.name), settings.group(GROUP)
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    await consumer.start()
    settle_heap()  # as the service's start does
    log.info("raw_loop.started", topic=topic, group=group, inbox=inbox)
    wanted = (OrderReceived, OrderCancelledInStore)
    try:
        while not stopping.is_set():
            fetched = await consumer.getmany(
                timeout_ms=settings.consumer_batch_timeout_ms, max_records=settings.consumer_batch_max_records
            )
            records = [record for part in fetched.values() for record in part]
            if not records:
                continue
            events = [event for record in records if isinstance(event := decode(record.value), wanted)]
            applied = await apply(runtime, events, group=group, inbox=inbox)
            await consumer.commit({partition: part[-1].offset + 1 for partition, part in fetched.items()})
            log.info("events.applied", topic=topic, count=applied, records=len(records))
    finally:
        await consumer.stop()
        await runtime.engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
