"""The invitation token exists in clear only in the mail, and ended sessions stay ended in
every service: client, access and notifier services as processes on the real Kafka,
PostgreSQL, Redis and SMTP server."""

import email
import email.policy
import re
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from service_runtime.testing.helpers import eventually
from service_runtime.testing.processes import free_port

PASSWORD = "correct horse battery staple"


def _links_to(maildir: Path, address: str) -> list[str]:
    links = []
    for path in sorted(maildir.glob("*.eml")):
        raw = path.read_bytes()
        if address.isascii() and address.encode() not in raw:
            continue  # not to this address (parsing every stored mail takes seconds)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if address in str(message.get("To", "")):
            text = message.get_body(preferencelist=("plain",)).get_content()
            links.append(re.search(r"(http://\S+/invitations/accept#token=[A-Za-z0-9_\-]+)", text).group(1))
    return links


async def _every_record(bootstrap: str, prefix: str) -> list[bytes]:
    """Keys, values and headers of every record of every topic of this test (dead letters included)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = [name for name in await admin.list_topics() if name.startswith(prefix)]
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    found: list[bytes] = []
    try:
        deadline = time.monotonic() + 30
        while not consumer.assignment() and time.monotonic() < deadline:
            await consumer.getmany(timeout_ms=200)
        ends = await consumer.end_offsets(list(consumer.assignment()))
        await consumer.seek_to_beginning()
        while time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=300)).values():
                for m in messages:
                    found.extend([m.key or b"", m.value or b"", *(v for _, v in m.headers)])
            if all([await consumer.position(tp) >= end for tp, end in ends.items()]):
                return found
    finally:
        await consumer.stop()
    raise AssertionError("the test's topics could not be read to their end")


async def _every_row(database_url: str) -> list[str]:
    """Every row of every table of a service's database, as text (outbox, inbox, read models ...)."""
    connection = await asyncpg.connect(database_url)
    try:
        tables = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return [row[0] for t in tables for row in await connection.fetch(f'SELECT t::text FROM "{t["tablename"]}" t')]
    finally:
        await connection.close()


async def test_invitation_tokens_are_only_in_the_mails_and_ended_sessions_stay_ended_everywhere(
    launch, stack, topic_prefix, databases, tmp_path
):
    run = uuid.uuid4().hex[:8]
    admin_email, manager_email = f"ada-{run}@acme.example", f"olga-{run}@acme.example"
    access_port = free_port()
    access = launch(
        "access",
        port=access_port,
        PUBLIC_URL=f"http://127.0.0.1:{access_port}",
        BOOTSTRAP_OPERATOR_EMAIL=f"ops-{run}@provider.example",
        BOOTSTRAP_OPERATOR_PASSWORD="operator passphrase long enough",
    )
    jwks = {"STOREFRONTS_JWKS_URL": f"{access.url}/.well-known/jwks.json"}
    clients = launch("client", wait=False, **jwks)  # side by side, then each waited for
    notifier = launch("notifier", wait=False, SMTP_HOST=stack.smtp_host, SMTP_PORT=str(stack.smtp_port), **jwks)
    for service in (clients, notifier):
        service.wait_ready()

    async with httpx.AsyncClient(timeout=20) as http:

        async def log_in(address: str, password: str = PASSWORD) -> dict:
            response = await http.post(f"{access.url}/auth/login", json={"email": address, "password": password})
            assert response.status_code == 200, response.text
            return response.json()

        def bearer(tokens: dict) -> dict[str, str]:
            return {"Authorization": f"Bearer {tokens['access_token']}"}

        async def notifier_answers(tokens: dict) -> int:
            return (await http.get(f"{notifier.url}/emails", headers=bearer(tokens))).status_code

        operator = bearer(await log_in(f"ops-{run}@provider.example", "operator passphrase long enough"))
        created = await http.post(f"{clients.url}/clients", headers=operator, json={"name": f"Acme {run}"})
        assert created.status_code == 201, created.text
        client_id = created.json()["id"]
        admin_body = {
            "enabled": True,
            "admin_email": admin_email,
            "admin_first_name": "Ada",
            "admin_last_name": "Lovelace",
        }

        async def grant():
            response = await http.put(
                f"{access.url}/clients/{client_id}/storefront-access", headers=operator, json=admin_body
            )
            return response if response.status_code == 200 else None  # 404 until ClientCreated arrived

        await eventually(grant, timeout=30)

        # the mail's link opens the page (the token stays in the fragment) and accepts
        [link] = await eventually(lambda: _async(_links_to(stack.maildir, admin_email)), timeout=30)
        page = await http.get(link.split("#")[0])
        assert page.status_code == 200 and "location.hash" in page.text
        accepted = await http.post(
            f"{access.url}/invitations/accept", json={"token": link.split("#token=")[1], "password": PASSWORD}
        )
        assert accepted.status_code == 200, accepted.text

        # two more invitations: a new user, then a resend
        first, second = await log_in(admin_email), await log_in(admin_email)
        added = await http.post(
            f"{access.url}/clients/{client_id}/users",
            headers=bearer(first),
            json={"email": manager_email, "first_name": "Olga", "last_name": "Orders", "role": "order_manager"},
        )
        assert added.status_code == 201, added.text
        resent = await http.post(
            f"{access.url}/clients/{client_id}/users/{added.json()['id']}/resend-invitation", headers=bearer(first)
        )
        assert resent.status_code == 200, resent.text
        links = [
            link,
            *await eventually(lambda: _async(len(ls := _links_to(stack.maildir, manager_email)) == 2 and ls)),
        ]

        # logout: the notifier refuses that session's token soon after, and only that session's
        assert await notifier_answers(first) == 200
        assert (await http.post(f"{access.url}/auth/logout", headers=bearer(first))).status_code == 204
        await eventually(lambda: _async_eq(notifier_answers(first), 401), timeout=10, interval=0.05)
        assert await notifier_answers(second) == 200

        # access off then on again: sessions from before "off" stay ended, in access and in the notifier
        off = await http.put(
            f"{access.url}/clients/{client_id}/storefront-access", headers=operator, json={"enabled": False}
        )
        assert off.status_code == 200, off.text
        on = await http.put(f"{access.url}/clients/{client_id}/storefront-access", headers=operator, json=admin_body)
        assert on.status_code == 200 and on.json()["enabled"] is True
        after = await log_in(admin_email)
        await eventually(lambda: _async_eq(notifier_answers(after), 200), timeout=30)  # the notifier saw "on"
        assert await notifier_answers(second) == 401
        assert (await http.get(f"{access.url}/auth/me", headers=bearer(second))).status_code == 401
        refreshed = await http.post(f"{access.url}/auth/refresh", json={"refresh_token": second["refresh_token"]})
        assert refreshed.status_code == 401

    # the tokens exist in clear only in the mails: no topic, database row or service log holds them
    tokens = [link.split("#token=")[1] for link in links]
    assert len(set(tokens)) == 3
    records = await _every_record(stack.kafka_bootstrap, topic_prefix)
    assert records and not [t for t in tokens if any(t.encode() in r for r in records)]
    for service, url in databases.items():
        rows = await _every_row(url)
        assert rows or service not in ("access", "client", "notifier"), service  # the three this test runs
        assert not [t for t in tokens if any(t in row for row in rows)], service
    logs = [path.read_text(errors="replace") for path in tmp_path.glob("*.log")]
    assert len(logs) == 3 and not [t for t in tokens if any(t in log for log in logs)]


async def _async(value):
    return value


async def _async_eq(answer, expected) -> bool:
    return await answer == expected
