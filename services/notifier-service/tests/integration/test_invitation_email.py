"""The invitation email against real Kafka, PostgreSQL and SMTP servers."""

import asyncio
import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer

from notifier.main import create_app
from service_runtime.testing.helpers import eventually, load_module, read_topic, running
from service_runtime.testing.processes import free_port
from storefront_events import (
    ACCESS_V1,
    KAFKA_HEADERS,
    NOTIFICATIONS_V1,
    EmailDeliveryFailed,
    EmailSent,
    UserInvited,
    encode,
)

REPO = Path(__file__).resolve().parents[4]


def _catcher():
    return load_module("smtp_catcher", REPO / "deploy" / "smtp_catcher.py")


def user_invited(to: str, **changes) -> UserInvited:
    values = dict(
        client_id=f"client-{uuid.uuid4().hex[:8]}",
        client_name="Acme <Prints>",
        user_id=str(uuid.uuid4()),
        email=to,
        first_name="Jane",
        last_name="Doe",
        role="admin",
        invitation_id=str(uuid.uuid4()),
        accept_url=f"https://app.storefronts.example/accept?token={uuid.uuid4().hex}",
        expires_at=datetime.now(UTC) + timedelta(days=7),
    )
    return UserInvited(**{**values, **changes})


async def _stored_bodies(database_url: str, to: str) -> list[str]:
    """The mail bodies as the notifier's database holds them."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch("SELECT text_body, html_body FROM emails WHERE recipient = $1", to)
    finally:
        await connection.close()
    return [body for row in rows for body in row if body is not None]


def recipient() -> str:
    return f"invitee-{uuid.uuid4().hex[:12]}@example.com"


async def publish(settings, *events: UserInvited) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(
                settings.topic(ACCESS_V1.name),
                encode(event, source="/access-service"),
                key=event.client_id.encode(),
                headers=KAFKA_HEADERS,
            )
    finally:
        await producer.stop()


def mails_to(maildir: Path, address: str) -> list[email.message.EmailMessage]:
    mails = []
    for path in sorted(maildir.glob("*.eml")):
        raw = path.read_bytes()
        if address.isascii() and address.encode() not in raw:
            continue  # not to this address: parsing every stored mail held up the notifier's event loop
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if address in message.get("X-Catcher-Rcpt-To", ""):
            mails.append(message)
    return mails


async def arrived(maildir: Path, address: str, count: int = 1) -> list:
    async def check():
        mails = await asyncio.to_thread(mails_to, maildir, address)  # off the notifier's event loop
        assert len(mails) >= count, f"{len(mails)} mails to {address}"
        return mails

    return await eventually(check, timeout=20)


def parts(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


async def one_email(api, headers, to: str) -> dict:
    logged = await emails(api, headers, to=to)
    assert len(logged) == 1, logged
    return logged[0]


async def emails(api, headers, **params) -> list[dict]:
    response = await api.get("/emails", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_invitation_is_mailed_once_recorded_and_announced(api, notifier_settings, stack, operator, token_mint):
    to, marker_to = recipient(), recipient()
    event = user_invited(to)
    marker = user_invited(marker_to, client_id=event.client_id)  # same key: applied after the duplicate

    await publish(notifier_settings, event, event, marker)

    [mail] = await arrived(stack.maildir, to)
    await arrived(stack.maildir, marker_to)
    assert len(mails_to(stack.maildir, to)) == 1
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Content-Language"] == "en"
    assert mail["Subject"] == "You're invited to Storefronts by Acme <Prints>"
    text, html = parts(mail)
    for part in (text, html):
        assert to in part and "spam" in part
    assert event.accept_url in text
    assert event.accept_url in html
    assert "Acme &lt;Prints&gt;" in html

    topic = notifier_settings.topic(NOTIFICATIONS_V1.name)
    records = await read_topic(notifier_settings.kafka_bootstrap, topic, count=2)
    sent = {e.to: (key, e) for key, e, _ in records}
    key, announced = sent[to]
    assert isinstance(announced, EmailSent)
    assert key == event.client_id.encode()
    assert (announced.template, announced.caused_by_event_id) == ("invitation", str(event.event_id))
    assert mail["Message-ID"] == f"<{announced.email_id}@storefronts.example>"

    [logged] = await emails(api, operator, to=to.upper())
    assert (logged["status"], logged["attempts"], logged["last_error"]) == ("sent", 1, None)
    assert logged["id"] == announced.email_id and logged["sent_at"]
    own_admin = token_mint.headers("admin", client_id=event.client_id)
    other_admin = token_mint.headers("admin", client_id="someone-else")
    assert len(await emails(api, own_admin)) == 2
    assert await emails(api, other_admin) == []
    assert await emails(api, other_admin, client_id=event.client_id) == []
    response = await api.get("/emails", headers=own_admin)
    assert event.accept_url.split("=")[1] not in response.text
    assert (await api.get("/emails")).status_code == 401
    read_only = token_mint.headers("read_only", client_id=event.client_id)
    assert (await api.get("/emails", headers=read_only)).status_code == 403


async def test_invitation_waits_for_the_mail_server_and_arrives_once_it_is_up(notifier_settings, operator, tmp_path):
    catcher = _catcher()
    port = free_port()
    settings = notifier_settings.model_copy(update={"smtp_port": port})  # nothing listens there yet
    to = recipient()
    invited = user_invited(to)
    token = invited.accept_url.rsplit("=", 1)[1]

    async with running(create_app(settings)) as api:
        await publish(settings, invited)

        async def failing():
            logged = await one_email(api, operator, to)
            assert logged["status"] == "pending" and logged["attempts"] >= 1 and logged["last_error"]
            return logged

        await eventually(failing, timeout=20)
        stored = await _stored_bodies(settings.database_url, to)
        assert stored and all(body.startswith("sealed:") and token not in body for body in stored)  # waiting, sealed
        await asyncio.sleep(1.5)
        controller = await catcher.start_catcher("127.0.0.1", port, tmp_path)
        try:
            [mail] = await arrived(tmp_path, to)
            assert to in parts(mail)[0] and token in parts(mail)[0]

            async def delivered():
                logged = await one_email(api, operator, to)
                assert logged["status"] == "sent"
                return logged

            logged = await eventually(delivered, timeout=10)
            assert logged["attempts"] > 1
            assert logged["last_error"] is None
            assert len(mails_to(tmp_path, to)) == 1
        finally:
            await catcher.stop_catcher(controller)


async def test_a_resend_is_a_new_mail_and_a_french_invitee_gets_french(api, notifier_settings, stack, operator):
    to = recipient()
    first = user_invited(to)
    resent = user_invited(
        to,
        client_id=first.client_id,
        user_id=first.user_id,
        locale="fr-FR",
        resend=True,
        accept_url=f"https://app.storefronts.example/accept?token={uuid.uuid4().hex}",
    )

    await publish(notifier_settings, first, resent)

    mails = await arrived(stack.maildir, to, count=2)
    assert len(mails) == 2
    by_subject = {m["Subject"]: m for m in mails}
    english = by_subject["You're invited to Storefronts by Acme <Prints>"]
    french = by_subject["Vous êtes invité(e) sur Storefronts par Acme <Prints>"]
    assert first.accept_url in parts(english)[0]
    assert resent.accept_url in parts(french)[0] and "Bonjour Jane," in parts(french)[0]
    assert french["Content-Language"] == "fr"
    assert english["Message-ID"] != french["Message-ID"]
    logged = await emails(api, operator, to=to)
    assert sorted(e["locale"] for e in logged) == ["en", "fr"]


async def test_a_refused_address_ends_failed_with_the_servers_answer(notifier_settings, operator, tmp_path):
    catcher = _catcher()
    controller = await catcher.start_catcher("127.0.0.1", 0, tmp_path)
    settings = notifier_settings.model_copy(
        update={"smtp_port": controller.port, "retry_base_seconds": 0.1, "permanent_failure_attempts": 2}
    )
    to = f"nobody-{uuid.uuid4().hex[:8]}@refuse.example"
    event = user_invited(to)
    try:
        async with running(create_app(settings)) as api:
            await publish(settings, event)

            async def given_up():
                logged = await one_email(api, operator, to)
                assert logged["status"] == "failed", logged
                return logged

            logged = await eventually(given_up, timeout=20)
            assert logged["attempts"] == 2 and "550" in logged["last_error"]
            records = await read_topic(settings.kafka_bootstrap, settings.topic(NOTIFICATIONS_V1.name), count=1)
            [(key, failed, _)] = [r for r in records if isinstance(r[1], EmailDeliveryFailed)]
            assert key == event.client_id.encode()
            assert (failed.caused_by_event_id, failed.attempts) == (str(event.event_id), 2)
            assert "mailbox unavailable" in failed.reason
            assert mails_to(tmp_path, to) == []
    finally:
        await catcher.stop_catcher(controller)
