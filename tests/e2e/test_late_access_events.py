"""A late access event never gives tokens back: access and notifier services as processes,
real Kafka, PostgreSQL and SMTP, real signed-in users. The notifier follows access.v1 to
refuse revoked tokens; an older event replayed from its dead-letter topic (a copy it never
applied, like one that failed while newer ones went through) must change nothing."""

import uuid
from urllib.parse import urljoin

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from service_runtime.dead_letters import replay
from service_runtime.ops.mail import link_in, mails_to
from service_runtime.testing.helpers import eventually, read_topic
from service_runtime.testing.processes import free_port
from storefront_events import ACCESS_V1, CLIENTS_V1, ClientCreated, StorefrontAccessGranted, UserRoleChanged, encode

PASSWORD = "correct horse battery staple"
REVOCATIONS_GROUP = "notifier-service.revocations"


async def test_old_grant_and_old_role_change_replayed_late_leave_revoked_tokens_refused(
    launch, stack, topic_prefix, databases
):
    run = uuid.uuid4().hex[:8]
    admin_email, manager_email = f"ada-{run}@acme.example", f"olga-{run}@acme.example"
    access_port = free_port()
    access = launch(
        "access",
        port=access_port,
        PUBLIC_URL=f"http://127.0.0.1:{access_port}",
        BOOTSTRAP_OPERATOR_EMAIL=f"ops-{run}@provider.example",
        BOOTSTRAP_OPERATOR_PASSWORD=PASSWORD,
    )
    notifier = launch(
        "notifier",
        SMTP_HOST=stack.smtp_host,
        SMTP_PORT=str(stack.smtp_port),
        STOREFRONTS_JWKS_URL=f"{access.url}/.well-known/jwks.json",
    )
    client_id = f"c-{run}"
    await _publish(
        stack,
        topic_prefix + CLIENTS_V1.name,
        ClientCreated(client_id=client_id, name="Acme", reference_id=None, description=None, aggregate_version=1),
    )

    async with httpx.AsyncClient(timeout=20) as http:

        async def log_in(address: str) -> dict[str, str]:
            response = await http.post(f"{access.url}/auth/login", json={"email": address, "password": PASSWORD})
            assert response.status_code == 200, response.text
            return {"Authorization": f"Bearer {response.json()['access_token']}"}

        async def accept(address: str) -> None:
            [mail] = await eventually(lambda: _async(mails_to(stack.maildir, address)), timeout=30)
            link = link_in(mail)
            accepted = await http.post(
                urljoin(link, "accept"), json={"token": link.split("token=")[1], "password": PASSWORD}
            )
            assert accepted.status_code == 200, accepted.text

        async def notifier_says(headers, status: int) -> bool:
            return (await http.get(f"{notifier.url}/emails", headers=headers)).status_code == status

        operator = await log_in(f"ops-{run}@provider.example")

        async def grant():
            response = await http.put(
                f"{access.url}/clients/{client_id}/storefront-access",
                headers=operator,
                json={
                    "enabled": True,
                    "admin_email": admin_email,
                    "admin_first_name": "Ada",
                    "admin_last_name": "Lovelace",
                },
            )
            return response if response.status_code == 200 else None  # 404 until ClientCreated arrived

        await eventually(grant, timeout=30)
        await accept(admin_email)
        admin = await log_in(admin_email)

        added = await http.post(
            f"{access.url}/clients/{client_id}/users",
            headers=admin,
            json={"email": manager_email, "first_name": "Olga", "last_name": "Orders", "role": "order_manager"},
        )
        assert added.status_code == 201, added.text
        manager_id = added.json()["id"]
        await accept(manager_email)
        before_change = await log_in(manager_email)
        changed = await http.patch(
            f"{access.url}/clients/{client_id}/users/{manager_id}", headers=admin, json={"role": "read_only"}
        )
        assert changed.status_code == 200, changed.text
        await eventually(lambda: notifier_says(before_change, 401), timeout=30)  # the notifier read the change
        after_change = await log_in(manager_email)
        assert await notifier_says(after_change, 403)  # valid token, role without access to /emails

        assert (
            await http.delete(f"{access.url}/clients/{client_id}/users/{manager_id}", headers=admin)
        ).status_code == 204
        await eventually(lambda: notifier_says(after_change, 401), timeout=30)

        off = await http.put(
            f"{access.url}/clients/{client_id}/storefront-access", headers=operator, json={"enabled": False}
        )
        assert off.status_code == 200, off.text
        await eventually(lambda: notifier_says(admin, 401), timeout=30)

        events = [
            event for _, event, _ in await read_topic(stack.kafka_bootstrap, topic_prefix + ACCESS_V1.name, count=8)
        ]
        [role_change] = [e for e in events if isinstance(e, UserRoleChanged)]
        [grant_on, grant_off] = [e for e in events if isinstance(e, StorefrontAccessGranted)]
        assert grant_on.enabled and not grant_off.enabled
        assert grant_on.aggregate_version < grant_off.aggregate_version

        applied = await _applied(databases["notifier"])
        dead_topic = topic_prefix + ACCESS_V1.dead_letter(REVOCATIONS_GROUP)
        for late in (role_change, grant_on):
            copy = late.model_copy(update={"event_id": uuid.uuid4()})
            await _publish(
                stack,
                dead_topic,
                copy,
                headers=[
                    ("dlq.original_topic", (topic_prefix + ACCESS_V1.name).encode()),
                    ("dlq.error_type", b"OperationalError"),
                ],
            )
        await replay(stack.kafka_bootstrap, dead_topic)
        await eventually(lambda: _has(databases["notifier"], applied + 2), timeout=30)  # both consumed

        assert await notifier_says(after_change, 401)  # the removed user stays out
        assert await notifier_says(admin, 401)  # the disabled client's tokens stay refused


async def _publish(stack, topic: str, event, *, headers=None) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, encode(event, source="/test"), key=event.client_id.encode(), headers=headers
        )
    finally:
        await producer.stop()


async def _applied(database_url: str) -> int:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval(
            "SELECT count(*) FROM applied_events WHERE consumer LIKE $1", f"%{REVOCATIONS_GROUP}"
        )
    finally:
        await connection.close()


async def _has(database_url: str, count: int) -> bool:
    return await _applied(database_url) >= count


async def _async(value):
    return value
