"""Archiving a client in the client service ends its Storefronts access here."""

from aiokafka import AIOKafkaProducer

from service_runtime.testing.helpers import eventually
from storefront_events import CLIENTS_V1, ClientArchived, StorefrontAccessGranted, encode

from .journey import PASSWORD, access_events, active_admin, bearer


async def test_archiving_the_client_turns_access_off_and_ends_its_sessions(api, operator, access_settings):
    client_id, tokens = await active_admin(api, access_settings, operator, email="arch@acme.example")
    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 200

    producer = AIOKafkaProducer(bootstrap_servers=access_settings.kafka_bootstrap)
    await producer.start()
    try:
        archived = ClientArchived(client_id=client_id, name="Acme Prints", reference_id=None)
        await producer.send_and_wait(
            access_settings.topic(CLIENTS_V1.name), encode(archived, source="/client-service"), key=client_id.encode()
        )
    finally:
        await producer.stop()

    async def refused():
        return (await api.get("/auth/me", headers=bearer(tokens))).status_code == 401

    await eventually(refused, timeout=30)
    login = await api.post("/auth/login", json={"email": "arch@acme.example", "password": PASSWORD})
    assert login.status_code == 401
    state = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()
    assert state["enabled"] is False
    events = await access_events(
        access_settings, until=lambda es: sum(isinstance(e, StorefrontAccessGranted) for e in es) >= 2
    )
    assert [e.enabled for e in events if isinstance(e, StorefrontAccessGranted)] == [True, False]
