"""A store that needs attention: the client's admin is mailed once per StoreNeedsAttention (the
event delivered twice mails once), on the real Kafka, PostgreSQL and SMTP catcher."""

import asyncio
import uuid
from contextlib import asynccontextmanager

import asyncpg
from aiokafka import AIOKafkaProducer

from notifier.main import create_app
from notifier.settings import NotifierSettings
from notifier.store_attention import render_store_needs_attention
from service_runtime.ops.mail import mails_to
from service_runtime.testing.helpers import eventually, running
from storefront_events import (
    ACCESS_V1,
    KAFKA_HEADERS,
    STORES_V1,
    StorefrontAccessGranted,
    StoreNeedsAttention,
    encode,
)

EXPLANATION = (
    "The shop no longer accepts our connection (the app was removed or its access expired). Reconnect the store."
)


async def _publish(settings: NotifierSettings, topic, key: str, *events) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                settings.topic(topic.name), encode(event, source="/test"), key=key.encode(), headers=KAFKA_HEADERS
            )
    finally:
        await producer.stop()


@asynccontextmanager
async def _notifier(settings):
    async with running(create_app(settings)) as http:
        yield http


def _broken(client: str, store: str, name: str) -> StoreNeedsAttention:
    return StoreNeedsAttention(
        store_id=store,
        client_id=client,
        platform="shopify",
        name=name,
        reason="platform_auth_failed",
        explanation=EXPLANATION,
    )


async def test_the_clients_admin_is_mailed_once_per_break_in_words_they_understand(service_settings, stack):
    settings = service_settings(
        NotifierSettings, smtp_host=stack.smtp_host, smtp_port=stack.smtp_port, sweep_seconds=0.2
    )
    client, store = f"client-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
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
    async with _notifier(settings):
        await _publish(settings, ACCESS_V1, client, granted)

        async def admin_known():
            connection = await asyncpg.connect(settings.database_url.replace("+asyncpg", ""))
            try:
                return await connection.fetchval("SELECT email FROM client_admins WHERE client_id = $1", client)
            finally:
                await connection.close()

        assert await eventually(admin_known, timeout=120) == admin_email
        first = _broken(client, store, "Acme Prints")
        later = _broken(client, store, "Acme Prints")  # a new break, after a reconnection
        await _publish(settings, STORES_V1, store, first, first, later)  # the first one delivered twice

        async def mailed():
            # read off the event loop: the notifier under test runs on it (its SMTP sends and
            # Kafka heartbeats time out while a large maildir is being read)
            mails = await asyncio.to_thread(mails_to, stack.maildir, admin_email)
            assert len(mails) >= 2, mails
            return mails

        mails = await eventually(mailed, timeout=120)
    assert len(mails) == 2  # the repeated event mailed nothing more (the later break came after it)
    mail = mails[0]
    assert mail["Subject"] == "Your store Acme Prints needs attention"
    body = mail.get_body(("plain",)).get_content()
    assert body.startswith("Hello Grace,")
    assert EXPLANATION in body and "choose Reconnect" in body and "never imported twice" in body


def test_the_html_part_escapes_what_users_typed():
    rendered = render_store_needs_attention(
        first_name="<b>Eve</b>", store_name="Shop <script>", platform="woocommerce", explanation="Reconnect."
    )
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "Your WooCommerce store Shop <script> needs" in rendered.text
