"""Postbacks end to end: order events published on the real Kafka, the notifier on the real
PostgreSQL, real HTTP receivers on 127.0.0.1, the admin's mail on the real SMTP catcher."""

import asyncio
import itertools
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from notifier.main import create_app
from notifier.settings import NotifierSettings
from service_runtime.ops.mail import mails_to
from service_runtime.testing.helpers import eventually, load_module, read_topic, running
from storefront_events import (
    ACCESS_V1,
    KAFKA_HEADERS,
    NOTIFICATIONS_V1,
    ORDERS_V1,
    Address,
    OrderAccepted,
    OrderHeld,
    OrderStatusChanged,
    PostbackDelivered,
    PostbackFailed,
    PrintFile,
    ProductionLine,
    Shipment,
    StorefrontAccessGranted,
    encode,
)

receivers = load_module("notifier_test_receiver", Path(__file__).parents[1] / "receiver.py")
Receiver, verify = receivers.Receiver, receivers.verify

ALL_TYPES = [
    "order.accepted",
    "order.held",
    "order.in_production",
    "order.printed",
    "order.packaged",
    "order.shipped",
]


@pytest.fixture
def postback_settings(service_settings, stack):
    def build(**overrides) -> NotifierSettings:
        values = dict(
            smtp_host=stack.smtp_host,
            smtp_port=stack.smtp_port,
            sweep_seconds=0.2,
            retry_base_seconds=0.5,
            outbound_allow_private=True,  # the receivers listen on 127.0.0.1
            postback_sweep_seconds=0.2,
            postback_retry_waits_seconds=[0.3, 0.5, 1, 1, 1, 1, 1, 1, 1, 1],
            postback_disable_after_failures=11,
        )
        return service_settings(NotifierSettings, **(values | overrides))

    return build


@asynccontextmanager
async def notifier(settings: NotifierSettings):
    app = create_app(settings)
    async with running(app) as http:
        yield http


@asynccontextmanager
async def receiving(**options):
    receiver = await Receiver(**options).start()
    try:
        yield receiver
    finally:
        await receiver.stop()


def client_id() -> str:
    return f"client-{uuid.uuid4().hex[:8]}"


def admin_of(token_mint, client: str) -> dict[str, str]:
    return token_mint.headers("admin", client_id=client)


async def add_endpoint(http, headers, client: str, url: str, types=None) -> dict:
    response = await http.post(
        f"/clients/{client}/postbacks/endpoints",
        json={"url": url, "event_types": types or ALL_TYPES, "description": "ERP"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(http, headers, client: str, endpoint_id: str, **params) -> list[dict]:
    response = await http.get(
        f"/clients/{client}/postbacks/endpoints/{endpoint_id}/deliveries", params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["items"]


def order_ids(client: str) -> dict:
    number = uuid.uuid4().hex[:6]
    return dict(
        order_id=f"ord-{uuid.uuid4().hex[:10]}",
        client_id=client,
        store_id="st-1",
        platform="shopify",
        platform_order_id=number,
        order_number=f"#{number}",
    )


def accepted(ids: dict) -> OrderAccepted:
    return OrderAccepted(
        **ids,
        currency="EUR",
        total=Decimal("24.80"),
        shipping_address=Address(
            first_name="Ada", last_name="Lovelace", address1="1 Rue", city="Paris", postcode="75002", country_code="FR"
        ),
        lines=[
            ProductionLine(
                line_id="ln-1",
                platform_line_id="9001",
                sku="POSTER-A3",
                title="City poster",
                quantity=2,
                product_uid="posters_a3",
                print_files=[PrintFile(type="default", url="https://files.example.com/a3.pdf")],
            )
        ],
    )


def status_changed(ids: dict, previous: str, status: str, **extra) -> OrderStatusChanged:
    return OrderStatusChanged(**ids, previous_status=previous, status=status, **extra)


def life_of(ids: dict) -> list:
    """An order's events from acceptance to shipping (with tracking)."""
    steps = ["accepted", "in_production", "printed", "packaged", "shipped"]
    shipment = Shipment(
        carrier="UPS", tracking_number=f"1Z{uuid.uuid4().hex[:10]}", tracking_url="https://ups.example/t"
    )
    events: list = [accepted(ids)]
    for previous, status in itertools.pairwise(steps):
        events.append(status_changed(ids, previous, status, shipments=[shipment] if status == "shipped" else []))
    return events


async def publish(settings: NotifierSettings, *events, topic=ORDERS_V1) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            key = getattr(event, "order_id", None) or event.client_id
            await producer.send_and_wait(
                settings.topic(topic.name),
                encode(event, source="/order-intake-service"),
                key=key.encode(),
                headers=KAFKA_HEADERS,
            )
    finally:
        await producer.stop()


async def received(receiver, count: int, *, timeout: float = 45) -> list:
    async def check():
        accepted = receiver.accepted()
        assert len(accepted) >= count, f"{len(accepted)} of {count} received"
        return accepted

    return await eventually(check, timeout=timeout)


# --- signatures and payload ----------------------------------------------------------------


async def test_a_receiver_verifies_every_postback_and_reads_the_documented_payload(
    postback_settings, token_mint, stack
):
    settings = postback_settings()
    client = client_id()
    admin = admin_of(token_mint, client)
    async with receiving() as receiver, notifier(settings) as http:
        wanted = ["order.accepted", "order.held", "order.shipped"]
        endpoint = await add_endpoint(http, admin, client, receiver.url, wanted)
        secret = endpoint["secret"]
        assert secret.startswith("whsec_")
        first, held = order_ids(client), order_ids(client)
        other_client = order_ids(client_id())  # another client's order: never sent here
        await publish(
            settings,
            *life_of(first),
            OrderHeld(**held, reason="unmapped_products", message="1 line has no mapping"),
            accepted(other_client),
        )
        got = await received(receiver, 3)
        test = await http.post(f"/clients/{client}/postbacks/endpoints/{endpoint['id']}/test", headers=admin)
        assert test.status_code == 202, test.text
        got = await received(receiver, 4)

        payloads = [verify(secret, request.headers, request.body) for request in receiver.requests]
        assert len(payloads) == len(receiver.requests) == 4  # every request verified, nothing else sent
        by_type = {payload["type"]: payload for payload in payloads}
        assert set(by_type) == {"order.accepted", "order.shipped", "order.held", "postback.test"}
        shipped = by_type["order.shipped"]["data"]
        assert shipped["order"]["id"] == first["order_id"]
        assert shipped["order"]["client_id"] == client
        assert shipped["order"]["platform_order_id"] == first["platform_order_id"]
        assert shipped["order"]["lines"][0]["sku"] == "POSTER-A3"  # known from the acceptance
        assert shipped["status"] == "shipped" and shipped["previous_status"] == "packaged"
        assert shipped["packages"][0]["carrier"] == "UPS" and shipped["packages"][0]["tracking_number"]
        # the order's 1st and 5th event: the gap tells the receiver three were not for it
        assert (by_type["order.accepted"]["data"]["sequence"], shipped["sequence"]) == (1, 5)
        assert by_type["order.held"]["data"]["hold"]["reason"] == "unmapped_products"
        assert all(request.id.startswith("msg_") for request in got)

        readme_verify = _readme_example()
        assert [readme_verify(secret, r.headers, r.body) for r in receiver.requests] == payloads
        log = await eventually(lambda: _all_delivered(http, admin, client, endpoint["id"], 4))
        one = await http.get(
            f"/clients/{client}/postbacks/endpoints/{endpoint['id']}/deliveries/{log[0]['id']}", headers=admin
        )
        assert one.status_code == 200 and one.json()["attempt_log"][0]["ok"] is True
        assert all(d["attempt_log"][0]["status_code"] == 200 for d in log)
        assert all(d["attempt_log"][0]["response_body"] == "answered 200" for d in log)
        announced = await read_topic(settings.kafka_bootstrap, settings.topic(NOTIFICATIONS_V1.name), count=4)
        assert all(isinstance(event, PostbackDelivered) for _, event, _ in announced)
        assert {event.delivery_id for _, event, _ in announced} == {d["id"] for d in log}

    sealed = await _stored_secrets(settings.database_url)
    assert sealed and secret not in "".join(sealed)  # encrypted at rest


def _readme_example():
    """The receiver's verification example of the service README, run as it is written."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    code = readme.split("### Verifying a postback (Python)")[1].split("```python\n")[1].split("```")[0]
    namespace: dict = {}
    exec(code, namespace)
    return namespace["verify"]


async def _stored_secrets(database_url: str) -> list[str]:
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        rows = await connection.fetch("SELECT secret FROM postback_endpoints")
    finally:
        await connection.close()
    return [row["secret"] for row in rows]


# --- a receiver down for a while ---------------------------------------------------------


async def test_a_receiver_down_for_a_while_gets_every_event_once_and_in_order_per_order(postback_settings, token_mint):
    settings = postback_settings()
    client = client_id()
    admin = admin_of(token_mint, client)
    receiver = Receiver()  # not started: connections are refused
    async with notifier(settings) as http:
        endpoint = await add_endpoint(http, admin, client, receiver.url)
        orders = [order_ids(client), order_ids(client)]
        lives = [life_of(ids) for ids in orders]
        await publish(settings, *[event for pair in zip(*lives, strict=True) for event in pair])  # interleaved

        async def retried():
            log = await deliveries(http, admin, client, endpoint["id"], status="pending")
            assert sum(d["attempts"] for d in log) >= 4, log  # the first of each order tried and retried
            assert all(d["attempts"] == 0 for d in log if d["sequence"] > 1)  # the others wait their turn
            return log

        await eventually(retried, timeout=30)
        await receiver.start()
        try:
            got = await received(receiver, 10)
            await eventually(lambda: _all_delivered(http, admin, client, endpoint["id"], 10), timeout=30)
        finally:
            await receiver.stop()

    ids = [request.id for request in receiver.requests]
    assert len(ids) == len(set(ids)) == 10  # each exactly once
    for order in orders:
        statuses = [r.payload["data"]["status"] for r in got if r.payload["data"]["order"]["id"] == order["order_id"]]
        sequences = [
            r.payload["data"]["sequence"] for r in got if r.payload["data"]["order"]["id"] == order["order_id"]
        ]
        assert statuses == ["accepted", "in_production", "printed", "packaged", "shipped"]
        assert sequences == [1, 2, 3, 4, 5]


async def _all_delivered(http, admin, client, endpoint_id, count):
    log = await deliveries(http, admin, client, endpoint_id, status="delivered")
    assert len(log) == count
    return log


# --- a receiver that always fails ----------------------------------------------------------


async def test_a_receiver_that_always_fails_ends_failed_and_disabled_with_the_admin_mailed_then_replays(
    postback_settings, token_mint, stack
):
    settings = postback_settings(postback_retry_waits_seconds=[0.2, 0.2], postback_disable_after_failures=3)
    client = client_id()
    admin = admin_of(token_mint, client)
    admin_email = f"admin-{uuid.uuid4().hex[:10]}@example.com"
    granted = StorefrontAccessGranted(
        client_id=client,
        enabled=True,
        admin_user_id=str(uuid.uuid4()),
        admin_email=admin_email,
        admin_first_name="Grace",
        admin_last_name="Hopper",
        aggregate_version=1,
    )
    async with receiving(status=500) as receiver, notifier(settings) as http:
        await publish(settings, granted, topic=ACCESS_V1)
        endpoint = await add_endpoint(http, admin, client, receiver.url)
        ids = order_ids(client)
        await publish(settings, accepted(ids))

        async def failed():
            log = await deliveries(http, admin, client, endpoint["id"])
            assert len(log) == 1 and log[0]["status"] == "failed", log
            return log[0]

        delivery = await eventually(failed, timeout=30)
        assert [a["status_code"] for a in delivery["attempt_log"]] == [500, 500, 500]
        assert delivery["attempt_log"][0]["response_body"] == "answered 500"
        assert delivery["last_error"] == "HTTP 500"
        shown = (await http.get(f"/clients/{client}/postbacks/endpoints/{endpoint['id']}", headers=admin)).json()
        assert shown["status"] == "disabled" and "3 failed attempts" in shown["disabled_reason"]

        async def mailed():
            mails = await asyncio.to_thread(mails_to, stack.maildir, admin_email)  # off the notifier's event loop
            assert len(mails) == 1, mails
            return mails[0]

        mail = await eventually(mailed, timeout=20)
        assert mail["Subject"] == "Your postback endpoint was disabled"
        assert receiver.url in mail.get_body(("plain",)).get_content()
        announced = await read_topic(settings.kafka_bootstrap, settings.topic(NOTIFICATIONS_V1.name), count=4)
        failures = [event for _, event, _ in announced if isinstance(event, PostbackFailed)]  # and the EmailSent
        assert [event.final for event in failures] == [False, False, True]  # one key (the client): in order

        # the client fixes its receiver, enables the endpoint and replays what failed
        receiver.status = 200
        enabled = await http.patch(
            f"/clients/{client}/postbacks/endpoints/{endpoint['id']}", json={"status": "enabled"}, headers=admin
        )
        assert enabled.status_code == 200 and enabled.json()["status"] == "enabled", enabled.text
        now = datetime.now(UTC)
        replay = await http.post(
            f"/clients/{client}/postbacks/endpoints/{endpoint['id']}/replay-failed",
            json={"since": (now - timedelta(hours=1)).isoformat(), "until": now.isoformat()},
            headers=admin,
        )
        assert replay.status_code == 202 and replay.json() == {"replayed": 1}, replay.text
        [got] = await received(receiver, 1)
        assert got.id == delivery["id"]  # the same webhook-id as every earlier attempt
        [again] = await eventually(lambda: _all_delivered(http, admin, client, endpoint["id"], 1))
        assert [a["status_code"] for a in again["attempt_log"]] == [500, 500, 500, 200]

        one = await http.post(
            f"/clients/{client}/postbacks/endpoints/{endpoint['id']}/deliveries/{delivery['id']}/replay", headers=admin
        )
        assert one.status_code == 202, one.text
        await eventually(lambda: _count(receiver, 2), timeout=20)
        assert [r.id for r in receiver.accepted()] == [delivery["id"]]  # a de-duplicating receiver sees it once


async def _count(receiver, count):
    assert len([r for r in receiver.requests if r.status == 200]) >= count
    return True


# --- secret rotation -----------------------------------------------------------------------


async def test_during_a_rotations_overlap_both_secrets_verify_and_afterwards_only_the_new(
    postback_settings, token_mint
):
    settings = postback_settings()
    client = client_id()
    admin = admin_of(token_mint, client)
    async with receiving() as receiver, notifier(settings) as http:
        endpoint = await add_endpoint(http, admin, client, receiver.url)
        path = f"/clients/{client}/postbacks/endpoints/{endpoint['id']}"
        old = endpoint["secret"]
        rotated = await http.post(f"{path}/secret/rotate", json={"overlap_seconds": 3600}, headers=admin)
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["secret"]
        assert new != old and rotated.json()["previous_secret_expires_at"]
        listed = (await http.get(f"/clients/{client}/postbacks/endpoints", headers=admin)).json()
        assert "secret" not in listed["items"][0]  # shown once, never listed

        await http.post(f"{path}/test", headers=admin)
        [during] = await received(receiver, 1)
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        assert verify(old, during.headers, during.body) == verify(new, during.headers, during.body)

        newest = (await http.post(f"{path}/secret/rotate", json={"overlap_seconds": 0}, headers=admin)).json()["secret"]
        await http.post(f"{path}/test", headers=admin)
        after = (await received(receiver, 2))[1]
        assert verify(newest, after.headers, after.body)["type"] == "postback.test"
        for stale in (old, new):
            with pytest.raises(ValueError, match="no valid signature"):
                verify(stale, after.headers, after.body)


# --- SSRF guard ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hooks", "http://169.254.169.254/latest/meta-data", "https://localhost/x"]
)
async def test_a_private_loopback_or_link_local_url_is_refused_when_not_allowed(postback_settings, token_mint, url):
    settings = postback_settings(outbound_allow_private=False)
    client = client_id()
    admin = admin_of(token_mint, client)
    async with notifier(settings) as http:
        response = await http.post(
            f"/clients/{client}/postbacks/endpoints",
            json={"url": url, "event_types": ["order.shipped"]},
            headers=admin,
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "private or reserved" in response.json()["detail"] and response.json()["field"] == "url"
        in_french = await http.post(
            f"/clients/{client}/postbacks/endpoints",
            json={"url": url, "event_types": ["order.shipped"]},
            headers={**admin, "Accept-Language": "fr"},
        )
        assert in_french.status_code == 422 and in_french.json()["field"] == "url"
        assert "adresse privée ou réservée" in in_french.json()["detail"], in_french.text
        listed = await http.get(f"/clients/{client}/postbacks/endpoints", headers=admin)
        assert listed.json()["items"] == []


async def test_an_endpoints_refused_fields_are_said_in_the_readers_language(postback_settings, token_mint):
    client = client_id()
    admin = admin_of(token_mint, client)
    async with notifier(postback_settings()) as http:
        response = await http.post(
            f"/clients/{client}/postbacks/endpoints",
            json={"url": "https://user:pw@example.com/hooks", "event_types": ["order.shipped"]},
            headers={**admin, "Accept-Language": "fr"},
        )
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["title"] == "Point de postback non valide"
        assert (problem["field"], problem["detail"]) == ("url", "L'URL ne doit pas contenir d'identifiants.")


async def test_the_guard_also_checks_at_delivery_time_pinned_to_the_checked_address():
    """A name that resolves to a loopback address when the postback leaves is refused: nothing
    reaches the receiver listening there."""
    from notifier.adapters.webhooks import HttpWebhookSender

    async def rebinding(host, port):
        return ["127.0.0.1"]

    async with receiving() as receiver:
        sender = HttpWebhookSender(allow_private=False, timeout_seconds=5, resolver=rebinding)
        url = receiver.url.replace("127.0.0.1", "hooks.example.com")
        response = await sender.post(url, headers={"webhook-id": "msg_x"}, body="{}")
    assert response.status_code is None and "URL refused" in response.error
    assert receiver.requests == []


# --- a slow receiver -----------------------------------------------------------------------


async def test_a_slow_receiver_does_not_hold_up_another_clients_deliveries(postback_settings, token_mint):
    settings = postback_settings(postback_timeout_seconds=60)
    slow_client, other_client = client_id(), client_id()
    async with receiving(hang=True) as slow, receiving() as fast, notifier(settings) as http:
        slow_endpoint = await add_endpoint(http, admin_of(token_mint, slow_client), slow_client, slow.url)
        await add_endpoint(http, admin_of(token_mint, other_client), other_client, fast.url)
        await publish(settings, *[accepted(order_ids(slow_client)) for _ in range(8)])

        async def hanging():
            assert slow.hanging >= settings.postback_endpoint_concurrency
            return True

        await eventually(hanging, timeout=30)  # every slot of the slow endpoint is taken
        await publish(settings, *[event for _ in range(3) for event in life_of(order_ids(other_client))])
        got = await received(fast, 15)
        assert len(got) == 15
        assert slow.hanging == settings.postback_endpoint_concurrency  # still stuck meanwhile
        assert not slow.accepted() or all(r.status == 200 for r in slow.accepted())
        slow.release()
        await eventually(
            lambda: _all_delivered(http, admin_of(token_mint, slow_client), slow_client, slow_endpoint["id"], 8),
            timeout=30,
        )


async def test_an_endpoints_postbacks_share_a_few_kept_alive_connections(postback_settings, token_mint):
    """A receiver is not made to accept a new connection (and TLS handshake) per postback: while
    the endpoint's lane runs, its attempts reuse at most as many connections as it has in flight
    (3 here). The lane ends when nothing is due, so a burst arriving in several batches may see a
    few lanes; one connection per postback would be 40."""
    settings = postback_settings(postback_endpoint_concurrency=3)
    client = client_id()
    admin = admin_of(token_mint, client)
    async with receiving() as receiver, notifier(settings) as http:
        endpoint = await add_endpoint(http, admin, client, receiver.url)
        await publish(settings, *[accepted(order_ids(client)) for _ in range(40)])
        got = await received(receiver, 40)
        await eventually(lambda: _all_delivered(http, admin, client, endpoint["id"], 40), timeout=30)

    assert len({request.id for request in got}) == 40
    connections = {request.connection for request in receiver.requests}
    assert None not in connections
    assert 1 <= len(connections) <= 12, connections


# --- paused endpoints ---------------------------------------------------------------------


async def test_a_paused_endpoint_gets_no_new_deliveries_and_resumes_with_the_next_ones(postback_settings, token_mint):
    settings = postback_settings()
    client = client_id()
    admin = admin_of(token_mint, client)
    async with receiving() as paused, receiving() as enabled, notifier(settings) as http:
        on_pause = await add_endpoint(http, admin, client, paused.url)
        await add_endpoint(http, admin, client, enabled.url)
        path = f"/clients/{client}/postbacks/endpoints/{on_pause['id']}"
        assert (await http.patch(path, json={"status": "paused"}, headers=admin)).json()["status"] == "paused"
        ids = order_ids(client)
        await publish(settings, accepted(ids))
        await received(enabled, 1)  # both endpoints were decided in the same transaction
        assert await deliveries(http, admin, client, on_pause["id"]) == []

        assert (await http.patch(path, json={"status": "enabled"}, headers=admin)).json()["status"] == "enabled"
        await publish(settings, status_changed(ids, "accepted", "in_production"))
        [got] = await received(paused, 1)
        assert got.payload["data"]["sequence"] == 2 and paused.requests == [got]


# --- who may see and change what -----------------------------------------------------------


async def test_roles_and_tenants(postback_settings, token_mint, operator):
    settings = postback_settings()
    mine, theirs = client_id(), client_id()
    async with notifier(settings) as http:
        endpoint = await add_endpoint(http, admin_of(token_mint, mine), mine, "https://hooks.example.com/a")
        base = f"/clients/{mine}/postbacks/endpoints"

        other_admin = admin_of(token_mint, theirs)
        assert (await http.get(base, headers=other_admin)).status_code == 404
        assert (await http.get(f"{base}/{endpoint['id']}", headers=other_admin)).status_code == 404
        # an endpoint id of one client under another client's path does not exist
        foreign = await http.get(f"/clients/{theirs}/postbacks/endpoints/{endpoint['id']}", headers=other_admin)
        assert foreign.status_code == 404
        store_manager = token_mint.headers("store_manager", client_id=mine)
        assert (await http.get(base, headers=store_manager)).status_code == 403
        assert (await http.post(f"{base}/{endpoint['id']}/test", headers=store_manager)).status_code == 403
        assert (await http.get(base)).status_code == 401

        listed = (await http.get(base, headers=operator)).json()["items"]
        assert [e["id"] for e in listed] == [endpoint["id"]]

        bad = await http.post(
            base, json={"url": "https://h.example.com/", "event_types": ["order.teleported"]}, headers=operator
        )
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
        paused = await http.patch(f"{base}/{endpoint['id']}", json={"status": "disabled"}, headers=operator)
        assert paused.status_code == 422
        assert len((await http.get(base, headers=operator)).json()["items"]) == 1
