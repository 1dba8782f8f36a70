import functools

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from order_intake.main import create_app
from order_intake.settings import OrderIntakeSettings
from service_runtime.database import create_engine
from service_runtime.testing.helpers import eventually, running
from storefront_events import ALL_TOPICS, Event, ProductMapped, StoreConnected, encode


@pytest.fixture
def intake_settings(service_settings) -> OrderIntakeSettings:
    return service_settings(OrderIntakeSettings, consumer_batch_timeout_ms=50)


@pytest.fixture
async def api(intake_settings):
    async with running(create_app(intake_settings)) as http:
        yield http


@pytest.fixture
async def publish(intake_settings):
    """publish(*events): the events on their real topics, keyed as their producers key them.
    Stores and mappings are awaited in order intake's read models before it returns: their topics
    are consumed independently of shop-orders.v1, so an order published right after them could
    otherwise be resolved first (held, then released), which is not what a test means to show."""
    producer = AIOKafkaProducer(bootstrap_servers=intake_settings.kafka_bootstrap)
    await producer.start()
    engine = create_engine(intake_settings.effective_database_url())

    async def kept(query: str, key: str) -> bool:
        async with engine.connect() as connection:
            return await connection.scalar(text(query), {"key": key}) == 1

    async def send(*events: Event) -> None:
        for event in events:
            topic = next(t for t in ALL_TOPICS if type(event) in t.events)
            await producer.send_and_wait(
                intake_settings.topic(topic.name),
                encode(event, source="/tests"),
                key=topic.key_for(event).encode(),
            )
        for event in events:
            if isinstance(event, StoreConnected):
                query, key = "SELECT count(*) FROM intake_stores WHERE store_id = :key", event.store_id
            elif isinstance(event, ProductMapped):
                query, key = "SELECT count(*) FROM intake_mappings WHERE mapping_id = :key", event.mapping_id
            else:
                continue
            assert await eventually(functools.partial(kept, query, key)), f"{type(event).__name__} {key} not applied"

    yield send
    await producer.stop()
    await engine.dispose()
