"""Archiving a client in the client service disconnects its stores here, once."""

import uuid

from aiokafka import AIOKafkaProducer

from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import CLIENTS_V1, STORES_V1, ClientArchived, StoreDisconnected, encode

from .shops import connected_shopify_store


async def test_an_archived_clients_stores_are_disconnected_once(api, token_mint, connector_settings):
    client_id, other_client = str(uuid.uuid4()), str(uuid.uuid4())
    admin = token_mint.headers("admin", client_id=client_id)
    manual = (await api.post("/stores/manual", json={"name": "Direct"}, headers=admin)).json()
    shop = await connected_shopify_store(
        api._transport.app.state.runtime, client_id=client_id, shop="gone.myshopify.com"
    )
    kept = (
        await api.post(
            "/stores/manual", json={"name": "Other"}, headers=token_mint.headers("admin", client_id=other_client)
        )
    ).json()

    producer = AIOKafkaProducer(bootstrap_servers=connector_settings.kafka_bootstrap)
    await producer.start()
    try:
        archived = ClientArchived(client_id=client_id, name="Acme Prints", reference_id=None, aggregate_version=2)
        for _ in range(2):  # a replay changes nothing
            await producer.send_and_wait(
                connector_settings.topic(CLIENTS_V1.name),
                encode(archived, source="/client-service"),
                key=client_id.encode(),
            )
    finally:
        await producer.stop()

    async def disconnected():
        listed = (await api.get("/stores", headers=admin)).json()["items"]
        return all(s["status"] == "disconnected" for s in listed) and listed

    stores = await eventually(disconnected, timeout=30)
    assert {(s["id"], s["status_reason"]) for s in stores} == {
        (manual["id"], "client_archived"),
        (shop.id, "client_archived"),
    }
    other = token_mint.headers("admin", client_id=other_client)
    assert (await api.get(f"/stores/{kept['id']}", headers=other)).json()["status"] == "connected"
    records = await read_topic(
        connector_settings.kafka_bootstrap, connector_settings.topic(STORES_V1.name), count=5, timeout=5
    )
    gone = [e for _, e, _ in records if isinstance(e, StoreDisconnected)]
    assert sorted(e.store_id for e in gone) == sorted([manual["id"], shop.id])
