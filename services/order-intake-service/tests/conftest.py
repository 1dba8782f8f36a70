import pytest
from aiokafka import AIOKafkaProducer

from order_intake.main import create_app
from order_intake.settings import OrderIntakeSettings
from service_runtime.testing.helpers import running
from storefront_events import ALL_TOPICS, Event, encode


@pytest.fixture
def intake_settings(service_settings) -> OrderIntakeSettings:
    return service_settings(OrderIntakeSettings, consumer_batch_timeout_ms=50)


@pytest.fixture
async def api(intake_settings):
    async with running(create_app(intake_settings)) as http:
        yield http


@pytest.fixture
async def publish(intake_settings):
    """publish(*events): the events on their real topics, keyed as their producers key them."""
    producer = AIOKafkaProducer(bootstrap_servers=intake_settings.kafka_bootstrap)
    await producer.start()

    async def send(*events: Event) -> None:
        for event in events:
            topic = next(t for t in ALL_TOPICS if type(event) in t.events)
            await producer.send_and_wait(
                intake_settings.topic(topic.name),
                encode(event, source="/tests"),
                key=topic.key_for(event).encode(),
            )

    yield send
    await producer.stop()
