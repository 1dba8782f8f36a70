"""Steps the integration tests share: a known client, its access, invitations read from Kafka, sign-in."""

import time
import uuid

from aiokafka import AIOKafkaConsumer

from access.domain import KnownClient, KnownStore
from service_runtime.testing.helpers import accept_link
from storefront_events import ACCESS_V1, Event, UserInvited, decode

PASSWORD = "correct horse battery staple"


async def known_client(api, *, name: str = "Acme Prints", archived: bool = False) -> str:
    """Puts a client in the read model through the repository (the Kafka path has its own test)."""
    client_id = str(uuid.uuid4())
    async with api._transport.app.state.runtime.uow() as uow:
        await uow.clients.put(KnownClient(client_id, name, None, archived, None))
        await uow.commit()
    return client_id


async def known_store(api, client_id: str, store_id: str | None = None, *, connected: bool = True) -> str:
    """Puts a store of the client in the read model through the repository (the Kafka path has its own test)."""
    store_id = store_id or str(uuid.uuid4())
    async with api._transport.app.state.runtime.uow() as uow:
        await uow.stores.put(KnownStore(store_id, client_id, f"Shop {store_id}", connected, None))
        await uow.commit()
    return store_id


async def access_events(settings, *, until, timeout: float = 30) -> list[Event]:
    """Every event on the access topic from the start, once ``until(events)`` is true."""
    consumer = AIOKafkaConsumer(
        settings.topic(ACCESS_V1.name),
        bootstrap_servers=settings.kafka_bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    events: list[Event] = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=300)).values():
                events.extend(decode(m.value) for m in messages)
            if until(events):
                return events
    finally:
        await consumer.stop()
    raise AssertionError(f"access events never matched; got {[type(e).__name__ for e in events]}")


async def invitation(settings, email: str, *, nth: int = 1) -> UserInvited:
    """The ``nth`` UserInvited sent to ``email``: the token travels only in its sealed accept link."""

    def mine(events):
        return [e for e in events if isinstance(e, UserInvited) and e.email == email]

    events = await access_events(settings, until=lambda events: len(mine(events)) >= nth)
    return mine(events)[nth - 1]


def token_of(invited: UserInvited) -> str:
    link = accept_link(invited) if invited.sealed_accept_url else invited.accept_url  # the latter: older events
    return link.split("token=", 1)[1]


async def enable_access(api, operator, client_id: str, email: str, **extra):
    body = {"enabled": True, "admin_email": email, "admin_first_name": "Ada", "admin_last_name": "Lovelace", **extra}
    response = await api.put(f"/clients/{client_id}/storefront-access", json=body, headers=operator)
    assert response.status_code == 200, response.text
    return response.json()


async def accept(api, settings, email: str, *, nth: int = 1, password: str = PASSWORD):
    token = token_of(await invitation(settings, email, nth=nth))
    response = await api.post("/invitations/accept", json={"token": token, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


async def log_in(api, email: str, password: str = PASSWORD) -> dict:
    response = await api.post("/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def active_admin(api, settings, operator, *, email: str | None = None) -> tuple[str, dict]:
    """A client with access on and its admin signed in: (client_id, token pair)."""
    client_id = await known_client(api)
    email = email or f"admin-{uuid.uuid4().hex[:8]}@acme.example"
    await enable_access(api, operator, client_id, email)
    await accept(api, settings, email)
    return client_id, await log_in(api, email)


async def active_user(api, settings, client_id: str, admin: dict, *, role: str, store_ids=()) -> tuple[str, dict]:
    """An active user of the client; the stores given to a store manager are connected stores of the client."""
    for store_id in {s.strip() for s in store_ids}:
        await known_store(api, client_id, store_id)
    email = f"{role}-{uuid.uuid4().hex[:8]}@acme.example"
    response = await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={"email": email, "first_name": "Grace", "last_name": "Hopper", "role": role, "store_ids": list(store_ids)},
    )
    assert response.status_code == 201, response.text
    await accept(api, settings, email)
    return response.json()["id"], await log_in(api, email)
