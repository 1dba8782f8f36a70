"""What the connector would publish, published by the test on the real Kafka."""

import uuid

from aiokafka import AIOKafkaProducer

from mapping.settings import MappingSettings
from storefront_events import Event, StoreConnected, StoreProduct, StoreProductsSynced, StoreVariant, encode, topic_of


async def publish(settings: MappingSettings, *events: Event) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, max_request_size=8 * 1024 * 1024)
    await producer.start()
    try:
        for event in events:
            topic = topic_of(event)
            await producer.send_and_wait(
                settings.topic(topic.name),
                encode(event, source="/connector-service"),
                key=topic.key_for(event).encode(),
            )
    finally:
        await producer.stop()


def connected(store_id: str, client_id: str, name: str = "Summer shop") -> StoreConnected:
    return StoreConnected(store_id=store_id, client_id=client_id, platform="shopify", name=name, aggregate_version=1)


def tee(
    product_id: str = "p-tee",
    *,
    title: str = "Summer tee",
    sizes=("S", "M"),
    colour: str = "White",
    status="active",
    skus=None,
):
    return StoreProduct(
        platform_product_id=product_id,
        title=title,
        status=status,
        variants=[
            StoreVariant(
                platform_variant_id=f"{product_id}-{size.lower()}",
                sku=(skus or {}).get(size, f"TEE-{colour.upper()}-{size}"),
                title=f"{size} / {colour}",
                options={"Size": size, "Color": colour},
            )
            for size in sizes
        ],
    )


def synced(store_id: str, client_id: str, products, *, sync_id=None, batch=1, batches=1, full_sync=True):
    return StoreProductsSynced(
        store_id=store_id,
        client_id=client_id,
        platform="shopify",
        sync_id=sync_id or uuid.uuid4().hex,
        products=products,
        batch=batch,
        batches=batches,
        full_sync=full_sync,
    )
