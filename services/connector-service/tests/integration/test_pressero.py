"""Pressero stores: identified by the client's reference ID, orders signed with MessageHash,
delivered by the Pressero simulator over real HTTP to the connector on PostgreSQL and Kafka."""

import uuid

import httpx
from aiokafka import AIOKafkaProducer
from platform_simulators.pressero import PresseroSite, message_hash
from platform_simulators.server import free_port, serving
from sqlalchemy import text

from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.database import create_engine
from service_runtime.testing.helpers import eventually, read_topic
from storefront_events import CLIENTS_V1, SHOP_ORDERS_V1, ClientCreated, ClientUpdated, OrderReceived, encode


async def _publish(settings, *events) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                settings.topic(CLIENTS_V1.name), encode(event, source="/client-service"), key=event.client_id.encode()
            )
    finally:
        await producer.stop()


async def _count(settings, query: str) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text(query))).scalar_one())
    finally:
        await engine.dispose()


async def test_pressero_store_by_reference_id_takes_signed_orders_and_refuses_the_rest(service_settings, token_mint):
    port = free_port()
    settings = service_settings(ConnectorSettings, public_base_url=f"http://127.0.0.1:{port}")
    acme, nameless = str(uuid.uuid4()), str(uuid.uuid4())
    reference = f"ACME-{uuid.uuid4().hex[:6]}"
    async with serving(create_app(settings), port=port) as url, httpx.AsyncClient(base_url=url, timeout=60) as api:
        operator = token_mint.headers("operator")
        await _publish(
            settings,
            ClientCreated(client_id=acme, name="Acme Prints", reference_id=None, description=None, aggregate_version=1),
            ClientUpdated(
                client_id=acme, name="Acme Prints", reference_id=reference, description=None, aggregate_version=2
            ),
            ClientCreated(
                client_id=nameless, name="No Ref Ltd", reference_id=None, description=None, aggregate_version=1
            ),
        )

        async def known() -> bool:
            answer = await api.post("/stores/pressero", json={"client_id": nameless}, headers=operator)
            return answer.status_code == 422 and answer.json()["code"] == "pressero_reference_missing"

        await eventually(known)  # the client without a reference ID: told to set one
        missing = await api.post("/stores/pressero", json={"client_id": nameless}, headers=operator)
        assert "reference" in missing.json()["detail"] and missing.json()["field"] == "client_id"

        async def connected() -> httpx.Response | None:
            answer = await api.post(
                "/stores/pressero",
                json={"client_id": acme, "line_attributes": ["Paper", "finish"]},
                headers=operator,
            )
            return answer if answer.status_code == 201 else None

        answer = await eventually(connected)
        body = answer.json()
        assert body["integration_id"] == reference and body["store"]["platform_shop_id"] == reference
        assert body["webhook_url"] == f"{settings.public_base_url}/webhooks/pressero/integrations/{reference}"
        store_id = body["store"]["id"]

        site = PresseroSite()
        site.add_webhook(f"{url}/webhooks/pressero/integrations/UNKNOWN-1", body["security_key"])
        site.add_webhook(body["webhook_url"], "a-key-pressero-was-never-given")
        site.add_webhook(body["webhook_url"], body["security_key"])
        order, [unknown, forged, good] = await site.place_order(integration_id=reference)
        assert (unknown.status_code, forged.status_code, good.status_code) == (404, 401, 200)
        assert (await site.post(good)).status_code == 200  # delivered again: nothing more

        records = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=2, timeout=10)
        assert len(records) == 1
        received = records[0][1]
        assert isinstance(received, OrderReceived)
        assert (received.store_id, received.client_id, received.platform) == (store_id, acme, "pressero")
        assert received.platform_order_id == order["Order"]["OrderId"]
        line = received.lines[0]
        assert (line.quantity, line.sku) == (500, "BC-85x55")
        named = {(a.name, a.value) for a in line.attributes}
        assert {("Paper", "350gsm silk"), ("Finish", "Matt lamination")} <= named
        assert "Internal note" not in {a.name for a in line.attributes}  # not named in the store's configuration
        assert await _count(settings, f"SELECT count(*) FROM webhook_deliveries WHERE store_id = '{store_id}'") == 1
        assert await _count(settings, "SELECT count(*) FROM webhook_deliveries") == 1  # the unknown ID stored nothing

        verify = await api.post(f"/stores/{store_id}/pressero/test-order", headers=operator)
        assert verify.status_code == 202 and verify.json()["status"] == "accepted"
        records = await read_topic(settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=2, timeout=10)
        [test_order] = [event for _, event, _ in records if event.platform_order_id != received.platform_order_id]
        assert test_order.test is True and test_order.store_id == store_id  # keys spread orders over partitions

        # the integration is connected once; after a disconnection it can be connected again
        again = await api.post("/stores/pressero", json={"client_id": acme}, headers=operator)
        assert again.status_code == 409 and again.json()["code"] == "pressero_integration_taken"
        assert (await api.post(f"/stores/{store_id}/disconnect", headers=operator)).status_code == 200
        late = await site.post(good)
        assert late.status_code == 401  # a disconnected store takes no orders: its key is forgotten
        again = await api.post("/stores/pressero", json={"client_id": acme}, headers=operator)
        assert again.status_code == 201 and again.json()["store"]["id"] != store_id


def test_message_hash_is_sha1_of_key_and_payload() -> None:
    import hashlib

    assert message_hash("key", b"{}") == hashlib.sha1(b"key{}").hexdigest()
