"""The stores given to a store manager are connected stores of their client, known from the
connector's StoreConnected / StoreDisconnected on Kafka; a disconnected store leaves their tokens."""

import uuid

import jwt
from aiokafka import AIOKafkaProducer

from service_runtime.testing.helpers import eventually
from service_runtime.versions import STALE
from storefront_events import STORES_V1, Event, StoreConnected, StoreDisconnected, UserRoleChanged, encode

from .journey import PASSWORD, access_events, active_admin, active_user, bearer, known_client


async def publish(settings, *events: Event) -> None:
    """What the connector service publishes, on the real Kafka."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                settings.topic(STORES_V1.name), encode(event, source="/connector-service"), key=event.store_id.encode()
            )
    finally:
        await producer.stop()


def connected(store_id: str, client_id: str, version: int = 1) -> StoreConnected:
    return StoreConnected(
        store_id=store_id, client_id=client_id, platform="shopify", name="Acme Posters", aggregate_version=version
    )


def disconnected(store_id: str, client_id: str, version: int) -> StoreDisconnected:
    return StoreDisconnected(
        store_id=store_id, client_id=client_id, platform="shopify", reason="by_client", aggregate_version=version
    )


async def store_state(api, store_id: str):
    async with api._transport.app.state.runtime.uow() as uow:
        return await uow.stores.get(store_id)


async def until_known(api, store_id: str, *, connected: bool) -> None:
    async def arrived():
        store = await store_state(api, store_id)
        return store is not None and store.connected is connected

    await eventually(arrived, timeout=30)


def new_manager(store_ids: list[str]) -> dict:
    email = f"sm-{uuid.uuid4().hex[:8]}@acme.example"
    return {
        "email": email,
        "first_name": "Grace",
        "last_name": "Hopper",
        "role": "store_manager",
        "store_ids": store_ids,
    }


async def team_size(api, client_id: str, admin: dict) -> int:
    return len((await api.get(f"/clients/{client_id}/users", headers=bearer(admin))).json()["items"])


async def test_a_store_id_that_does_not_exist_cannot_be_given_to_a_store_manager(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    store_id = str(uuid.uuid4())

    refused = await api.post(f"/clients/{client_id}/users", json=new_manager([store_id]), headers=bearer(admin))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["field"] == "store_ids"
    assert f"no store with id '{store_id}'" in refused.json()["detail"]
    french = await api.post(
        f"/clients/{client_id}/users",
        json=new_manager([store_id]),
        headers={**bearer(admin), "Accept-Language": "fr"},
    )
    assert french.status_code == 422 and f"aucune boutique avec l'identifiant « {store_id} »" in french.json()["detail"]
    assert await team_size(api, client_id, admin) == 1  # nothing changed

    # once the connector announces it, the same store is accepted
    await publish(access_settings, connected(store_id, client_id))
    await until_known(api, store_id, connected=True)
    added = await api.post(f"/clients/{client_id}/users", json=new_manager([store_id]), headers=bearer(admin))
    assert added.status_code == 201, added.text
    assert added.json()["store_ids"] == [store_id]


async def test_a_store_of_another_client_cannot_be_given_to_a_store_manager(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    other_client = await known_client(api, name="Other Prints")
    theirs, ours = str(uuid.uuid4()), str(uuid.uuid4())
    await publish(access_settings, connected(theirs, other_client), connected(ours, client_id))
    await until_known(api, theirs, connected=True)
    await until_known(api, ours, connected=True)

    refused = await api.post(f"/clients/{client_id}/users", json=new_manager([ours, theirs]), headers=bearer(admin))
    assert refused.status_code == 422 and refused.json()["field"] == "store_ids"
    # said as for a store that does not exist: a client never learns of another client's store
    assert f"no store with id '{theirs}'" in refused.json()["detail"]
    assert await team_size(api, client_id, admin) == 1

    user_id, tokens = await active_user(api, access_settings, client_id, admin, role="read_only")
    changed = await api.patch(
        f"/clients/{client_id}/users/{user_id}",
        json={"role": "store_manager", "store_ids": [theirs]},
        headers=bearer(admin),
    )
    assert changed.status_code == 422 and changed.json()["field"] == "store_ids"
    me = (await api.get("/auth/me", headers=bearer(tokens))).json()  # the user is unchanged: their token still works
    assert (me["role"], me["store_ids"]) == ("read_only", [])


async def test_a_disconnected_store_cannot_be_given_and_a_stale_connect_does_not_bring_it_back(
    api, operator, access_settings
):
    client_id, admin = await active_admin(api, access_settings, operator)
    store_id = str(uuid.uuid4())
    # delivered twice and out of order: the connect (version 1) is older than the disconnect (version 2)
    stale = STALE.labels("known_stores", StoreConnected.ce_type())
    skipped_before = stale._value.get()
    await publish(
        access_settings,
        connected(store_id, client_id, 1),
        disconnected(store_id, client_id, 2),
        connected(store_id, client_id, 1),
    )

    async def stale_one_skipped():
        return stale._value.get() > skipped_before

    await eventually(stale_one_skipped, timeout=30)  # one key, one partition: the replay came after the disconnect
    assert (await store_state(api, store_id)).connected is False

    refused = await api.post(
        f"/clients/{client_id}/users",
        json=new_manager([store_id]),
        headers={**bearer(admin), "Accept-Language": "fr-FR"},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "store_ids"
    assert "La boutique « Acme Posters »" in refused.json()["detail"] and "déconnectée" in refused.json()["detail"]

    await publish(access_settings, connected(store_id, client_id, 3))  # reconnected
    await until_known(api, store_id, connected=True)
    added = await api.post(f"/clients/{client_id}/users", json=new_manager([store_id]), headers=bearer(admin))
    assert added.status_code == 201, added.text


def claims_of(api_jwks: dict, token: str) -> dict:
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [k for k in api_jwks["keys"] if k["kid"] == kid]
    return jwt.decode(
        token, jwt.PyJWK.from_dict(key).key, algorithms=["RS256"], audience="storefronts", issuer="storefronts-access"
    )


async def test_after_store_disconnected_the_store_managers_refreshed_token_no_longer_carries_it(
    api, operator, access_settings
):
    client_id, admin = await active_admin(api, access_settings, operator)
    kept, lost = str(uuid.uuid4()), str(uuid.uuid4())
    await publish(access_settings, connected(kept, client_id), connected(lost, client_id))
    await until_known(api, kept, connected=True)
    await until_known(api, lost, connected=True)
    user_id, tokens = await active_user(
        api, access_settings, client_id, admin, role="store_manager", store_ids=(kept, lost)
    )
    jwks = (await api.get("/.well-known/jwks.json")).json()
    assert claims_of(jwks, tokens["access_token"])["store_ids"] == [kept, lost]

    await publish(access_settings, disconnected(lost, client_id, 2))

    async def old_token_refused():
        return (await api.get("/auth/me", headers=bearer(tokens))).status_code == 401

    await eventually(old_token_refused, timeout=30)
    fresh = await api.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200, fresh.text
    assert claims_of(jwks, fresh.json()["access_token"])["store_ids"] == [kept]
    assert (await api.get("/auth/me", headers=bearer(fresh.json()))).json()["store_ids"] == [kept]
    events = await access_events(access_settings, until=lambda es: any(isinstance(e, UserRoleChanged) for e in es))
    [changed] = [e for e in events if isinstance(e, UserRoleChanged)]
    assert (changed.user_id, changed.role, changed.store_ids) == (user_id, "store_manager", [kept])

    # their last store gone, a store manager has nothing left to manage: no token until the admin gives one
    await publish(access_settings, disconnected(kept, client_id, 2))
    await until_known(api, kept, connected=False)
    again = await api.post("/auth/refresh", json={"refresh_token": fresh.json()["refresh_token"]})
    assert again.status_code == 401
    listed = (await api.get(f"/clients/{client_id}/users", headers=bearer(admin))).json()["items"]
    [manager] = [u for u in listed if u["id"] == user_id]
    assert manager["store_ids"] == []
    login = await api.post("/auth/login", json={"email": manager["email"], "password": PASSWORD})
    assert login.status_code == 401
