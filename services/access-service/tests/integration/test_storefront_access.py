"""Turning a client's Storefronts access on and off, against real PostgreSQL, Kafka and Redis."""

import jwt
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from access.adapters.tables import InvitationRow, StorefrontAccessRow, UserRow
from service_runtime.inbox import AppliedEvent
from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import accept_link, eventually
from storefront_events import (
    CLIENTS_V1,
    ClientCreated,
    ClientUpdated,
    InvitationAccepted,
    StorefrontAccessGranted,
    UserInvited,
    encode,
)

from .journey import PASSWORD, accept, access_events, bearer, enable_access, invitation, known_client, log_in


async def test_enabling_access_invites_the_admin_who_accepts_and_signs_in(api, operator, access_settings):
    client_id = await known_client(api, name="Acme Prints")

    state = await enable_access(api, operator, client_id, "  Ada@Acme.Example ", admin_first_name="  Ada ", locale="fr")

    assert state["enabled"] is True and state["locale"] == "fr"
    assert state["admin"]["email"] == "ada@acme.example"
    assert (state["admin"]["first_name"], state["admin"]["status"]) == ("Ada", "invitation_sent")
    invited = await invitation(access_settings, "ada@acme.example")
    assert invited.accept_url == ""  # the clear field is deprecated: the link is a credential
    assert accept_link(invited).startswith("http://127.0.0.1:8080/invitations/accept#token=")
    assert (invited.client_name, invited.role, invited.locale, invited.resend) == ("Acme Prints", "admin", "fr", False)
    assert (invited.expires_at - invited.occurred_at).days in (6, 7)

    accepted = await accept(api, access_settings, "ada@acme.example")
    assert accepted["status"] == "active"
    fetched = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()
    assert fetched["admin"]["status"] == "active"

    tokens = await log_in(api, "ADA@acme.example")
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    me = await api.get("/auth/me", headers=bearer(tokens))
    assert me.status_code == 200 and me.json()["role"] == "admin"

    events = await access_events(access_settings, until=lambda es: any(isinstance(e, InvitationAccepted) for e in es))
    assert [type(e) for e in events] == [StorefrontAccessGranted, UserInvited, InvitationAccepted]
    granted = events[0]
    assert (granted.client_id, granted.enabled, granted.admin_email, granted.admin_user_id) == (
        client_id,
        True,
        "ada@acme.example",
        state["admin"]["id"],
    )


async def test_access_token_is_signed_by_a_key_published_in_jwks(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "kim@acme.example")
    await accept(api, access_settings, "kim@acme.example")
    tokens = await log_in(api, "kim@acme.example")

    jwks = (await api.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(tokens["access_token"])["kid"]
    [key] = [k for k in jwks["keys"] if k["kid"] == kid]
    assert "d" not in key  # public half only
    claims = jwt.decode(
        tokens["access_token"],
        jwt.PyJWK.from_dict(key).key,
        algorithms=["RS256"],
        audience="storefronts",
        issuer="storefronts-access",
    )
    assert (claims["role"], claims["client_id"], claims["store_ids"]) == ("admin", client_id, [])
    assert claims["exp"] - int(claims["iat"]) == 900 and claims["sid"]
    # who the user is, as people read it: other services keep it with the changes the user makes
    assert (claims["name"], claims["email"]) == ("Ada Lovelace", "kim@acme.example")


async def test_the_read_model_is_fed_by_client_created_on_kafka(api, operator, access_settings):
    event = ClientCreated(client_id="c-from-kafka", name="Kafka Prints", reference_id=None, description=None)
    producer = AIOKafkaProducer(bootstrap_servers=access_settings.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(
            access_settings.topic(CLIENTS_V1.name), encode(event, source="/client-service"), key=b"c-from-kafka"
        )
    finally:
        await producer.stop()

    async def known():
        response = await api.get("/clients/c-from-kafka/storefront-access", headers=operator)
        return response.status_code == 200 and response.json()

    state = await eventually(known)
    assert (state["client_name"], state["enabled"], state["admin"]) == ("Kafka Prints", False, None)


async def test_unknown_client_is_not_yet_known_with_retry_after_and_archived_client_is_409(api, operator):
    archived = await known_client(api, archived=True)
    body = {"enabled": True, "admin_email": "a@b.example", "admin_first_name": "A", "admin_last_name": "B"}
    missing = await api.put("/clients/nope/storefront-access", json=body, headers=operator)
    refused = await api.put(f"/clients/{archived}/storefront-access", json=body, headers=operator)
    assert missing.status_code == 409 and missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["type"].endswith("/client-not-yet-known") and missing.headers["retry-after"] == "1"
    assert refused.status_code == 409 and refused.json()["title"] == "Client archived"


async def _counts(api) -> tuple[int, ...]:
    async with api._transport.app.state.runtime.sessions() as db:
        return tuple(
            [
                await db.scalar(select(func.count()).select_from(t))
                for t in (OutboxMessage, UserRow, InvitationRow, StorefrontAccessRow)
            ]
        )


async def test_bad_emails_and_missing_names_get_problem_json_and_change_nothing(api, operator):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "first@acme.example")
    other = await known_client(api)
    before = await _counts(api)
    good = {"enabled": True, "admin_email": "x@acme.example", "admin_first_name": "X", "admin_last_name": "Y"}
    cases = [
        ({**good, "admin_email": "not-an-email"}, 422, "admin_email"),
        ({**good, "admin_email": "a@@b.example"}, 422, "admin_email"),
        ({**good, "admin_email": "  "}, 422, "admin_email"),
        ({k: v for k, v in good.items() if k != "admin_email"}, 422, "admin_email"),
        ({**good, "admin_first_name": "   "}, 422, "admin_first_name"),
        ({k: v for k, v in good.items() if k != "admin_last_name"}, 422, "admin_last_name"),
        ({**good, "admin_last_name": "x" * 101}, 422, "admin_last_name"),
        ({**good, "admin_email": "FIRST@acme.example"}, 409, "admin_email"),
        ({**good, "locale": "de"}, 422, None),
        ({**good, "colour": "red"}, 422, None),
        ({"admin_email": "x@acme.example"}, 422, None),
    ]
    for body, status, field in cases:
        response = await api.put(f"/clients/{other}/storefront-access", json=body, headers=operator)
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == status and problem["title"]
        if field and status == 422:
            assert problem["field"] == field
    assert await _counts(api) == before
    state = (await api.get(f"/clients/{other}/storefront-access", headers=operator)).json()
    assert (state["enabled"], state["admin"]) == (False, None)


async def test_disabling_access_blocks_every_login_and_token_of_the_client_at_once(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "lin@acme.example")
    await accept(api, access_settings, "lin@acme.example")
    tokens = await log_in(api, "lin@acme.example")

    off = await api.put(f"/clients/{client_id}/storefront-access", json={"enabled": False}, headers=operator)
    assert off.json()["enabled"] is False

    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 401
    assert (await api.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401
    login = await api.post("/auth/login", json={"email": "lin@acme.example", "password": PASSWORD})
    assert login.status_code == 401 and login.json()["detail"] == "Email or password is incorrect."

    again = await enable_access(api, operator, client_id, "lin@acme.example")
    assert again["admin"]["status"] == "active"
    assert (await api.get("/auth/me", headers=bearer(await log_in(api, "lin@acme.example")))).status_code == 200
    events = await access_events(
        access_settings, until=lambda es: len([e for e in es if isinstance(e, StorefrontAccessGranted)]) == 3
    )
    assert [e.enabled for e in events if isinstance(e, StorefrontAccessGranted)] == [True, False, True]


async def test_repeating_the_same_put_changes_nothing(api, operator, access_settings):
    client_id = await known_client(api)
    first = await enable_access(api, operator, client_id, "same@acme.example")
    before = await _counts(api)
    assert await enable_access(api, operator, client_id, "same@acme.example") == first
    assert await _counts(api) == before


async def test_the_read_model_ends_on_the_newest_client_version_whatever_the_order_of_arrival(
    api, operator, access_settings
):
    client_id = "c-shuffled"
    state = dict(client_id=client_id, reference_id=None, description=None)
    history = [ClientCreated(**state, name="Version 1", aggregate_version=1)] + [
        ClientUpdated(**state, name=f"Version {v}", aggregate_version=v) for v in range(2, 6)
    ]
    arrival = [history[i] for i in (2, 0, 4, 1, 3)]  # versions 3, 1, 5, 2, 4: one key, so this order
    skipped_before = await _stale_skips(api)
    producer = AIOKafkaProducer(bootstrap_servers=access_settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in arrival:
            await producer.send_and_wait(
                access_settings.topic(CLIENTS_V1.name), encode(event, source="/client-service"), key=client_id.encode()
            )
    finally:
        await producer.stop()

    async def all_consumed():
        async with api._transport.app.state.runtime.sessions() as db:
            return await db.scalar(
                select(func.count())
                .select_from(AppliedEvent)
                .where(AppliedEvent.consumer == access_settings.group("access-service"))
            ) == len(history)

    await eventually(all_consumed)
    state = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()
    assert state["client_name"] == "Version 5"
    assert await _stale_skips(api) - skipped_before == 3  # versions 1, 2 and 4 came after a newer one


async def _stale_skips(api) -> float:
    metrics = (await api.get("/metrics")).text.splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics
        if line.startswith("storefronts_stale_events_skipped_total{") and 'read_model="known_clients"' in line
    )
