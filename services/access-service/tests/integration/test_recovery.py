"""Mistakes a person makes are recoverable: a mistyped admin address, the admin role, the
language; and the invitation's status follows its email. Real PostgreSQL and Kafka."""

from aiokafka import AIOKafkaProducer

from service_runtime.testing.helpers import eventually
from storefront_events import (
    CLIENTS_V1,
    NOTIFICATIONS_V1,
    ClientArchived,
    ClientCreated,
    ClientRestored,
    EmailDeliveryFailed,
    EmailSent,
    UserInvited,
    encode,
)

from .journey import (
    PASSWORD,
    accept,
    access_events,
    active_admin,
    active_user,
    bearer,
    enable_access,
    invitation,
    known_client,
    log_in,
    token_of,
)


async def _publish(settings, topic, event, key: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(settings.topic(topic.name), encode(event, source="/test"), key=key.encode())
    finally:
        await producer.stop()


async def test_a_mistyped_admin_address_is_corrected_the_old_link_answers_replaced(api, operator, access_settings):
    client_id = await known_client(api, name="Typo Prints")
    await enable_access(api, operator, client_id, "ada@acme.exmaple")
    old = token_of(await invitation(access_settings, "ada@acme.exmaple"))

    corrected = await api.patch(
        f"/clients/{client_id}/storefront-access/admin", headers=operator, json={"email": "Ada@Acme.Example"}
    )

    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["admin"]["email"] == "ada@acme.example"
    assert corrected.json()["admin"]["invitation_status"] == "pending"
    refused = await api.post("/invitations/accept", json={"token": old, "password": PASSWORD})
    assert refused.status_code == 410 and refused.json()["state"] == "replaced"
    new = await invitation(access_settings, "ada@acme.example")
    assert new.resend is True and new.client_name == "Typo Prints"
    assert (
        await api.post("/invitations/accept", json={"token": token_of(new), "password": PASSWORD})
    ).status_code == 200
    await log_in(api, "ada@acme.example")

    locked = await api.patch(
        f"/clients/{client_id}/storefront-access/admin", headers=operator, json={"email": "other@acme.example"}
    )
    assert locked.status_code == 409 and locked.json()["code"] == "admin_email_locked"
    resend = await api.post(f"/clients/{client_id}/storefront-access/resend-invitation", headers=operator)
    assert resend.status_code == 409 and "already activated" in resend.json()["detail"]


async def test_the_admins_language_changes_alone_and_the_next_mail_is_in_it(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "lang@acme.example")
    first = await invitation(access_settings, "lang@acme.example")
    assert first.locale == "en"

    changed = await api.patch(
        f"/clients/{client_id}/storefront-access/admin", headers=operator, json={"locale": "fr-FR"}
    )

    assert changed.status_code == 200, changed.text
    assert changed.json()["locale"] == "fr" and changed.json()["admin"]["locale"] == "fr"
    await api.post(f"/clients/{client_id}/storefront-access/resend-invitation", headers=operator)
    second = await invitation(access_settings, "lang@acme.example", nth=2)
    assert second.locale == "fr"
    invited = [
        e
        for e in await access_events(access_settings, until=lambda es: True)
        if isinstance(e, UserInvited) and e.email == "lang@acme.example"
    ]
    assert len(invited) == 2  # the language change alone sent nothing


async def test_the_operator_hands_the_admin_role_to_an_active_user(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator, email="leaving@acme.example")
    heir_id, _ = await active_user(api, access_settings, client_id, admin, role="order_manager")
    added = await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={"email": "pending@acme.example", "first_name": "P", "last_name": "Q", "role": "read_only"},
    )

    too_early = await api.post(
        f"/clients/{client_id}/storefront-access/transfer-admin", headers=operator, json={"user_id": added.json()["id"]}
    )
    assert too_early.status_code == 409 and too_early.json()["code"] == "new_admin_not_active"

    handed = await api.post(
        f"/clients/{client_id}/storefront-access/transfer-admin",
        headers=operator,
        json={"user_id": heir_id, "previous_admin_role": "read_only"},
    )

    assert handed.status_code == 200, handed.text
    assert handed.json()["admin"]["id"] == heir_id and handed.json()["admin"]["role"] == "admin"
    heir = await log_in(api, handed.json()["admin"]["email"])
    roles = {
        u["email"]: u["role"]
        for u in (await api.get(f"/clients/{client_id}/users", headers=bearer(heir))).json()["items"]
    }
    assert roles["leaving@acme.example"] == "read_only"
    last = await api.patch(f"/clients/{client_id}/users/{heir_id}", headers=bearer(heir), json={"role": "read_only"})
    assert last.status_code == 409 and "another active admin" in last.json()["detail"]


async def test_problem_details_follow_the_invited_users_language_then_accept_language(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "francoise@acme.example", locale="fr")
    token = token_of(await invitation(access_settings, "francoise@acme.example"))

    weak = await api.post("/invitations/accept", json={"token": token, "password": "court"})

    assert weak.status_code == 422
    body = weak.json()
    assert body["title"] == "Mot de passe trop faible" and "au moins 12 caractères" in body["detail"]
    assert (body["field"], body["type"], body["code"]) == ("password", "about:blank", "password_too_short")

    french = await api.put(
        "/clients/nope/storefront-access", headers={**operator, "Accept-Language": "fr-FR"}, json={"enabled": False}
    )
    assert french.json()["title"] == "Client pas encore connu" and "réessayez" in french.json()["detail"]
    invalid = await api.put(
        f"/clients/{client_id}/storefront-access",
        headers={**operator, "Accept-Language": "fr"},
        json={"enabled": "maybe"},
    )
    assert invalid.status_code == 422 and invalid.json()["title"] == "Requête non valide"
    english = await api.put("/clients/nope/storefront-access", headers=operator, json={"enabled": False})
    assert english.json()["title"] == "Client not yet known"


async def test_each_invited_user_gets_their_own_language(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    added = await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={
            "email": "amelie@acme.example",
            "first_name": "Amélie",
            "last_name": "Poulain",
            "role": "read_only",
            "locale": "fr",
        },
    )
    assert added.status_code == 201 and added.json()["locale"] == "fr"
    assert (await invitation(access_settings, "amelie@acme.example")).locale == "fr"


async def test_status_follows_the_notifiers_email_events_with_their_times(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "follow@acme.example")
    invited = await invitation(access_settings, "follow@acme.example")
    state = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()
    assert state["admin"]["invitation_status"] == "pending" and state["admin"]["invited_at"]
    assert state["admin"]["sent_at"] is None

    sent = EmailSent(
        client_id=client_id,
        email_id="em-1",
        to="follow@acme.example",
        subject="s",
        template="invitation",
        caused_by_event_id=str(invited.event_id),
    )
    await _publish(access_settings, NOTIFICATIONS_V1, sent, client_id)

    async def delivered():
        admin = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()["admin"]
        return admin["invitation_status"] == "sent" and admin

    admin = await eventually(delivered)
    assert admin["sent_at"] and admin["sent_at"] >= admin["invited_at"]
    await accept(api, access_settings, "follow@acme.example")
    active = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()["admin"]
    assert active["invitation_status"] == "active" and active["activated_at"] >= active["sent_at"]

    tokens = await log_in(api, "follow@acme.example")
    await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(tokens),
        json={"email": "nobody@refuse.example", "first_name": "No", "last_name": "Body", "role": "read_only"},
    )
    bounced = await invitation(access_settings, "nobody@refuse.example")
    failed = EmailDeliveryFailed(
        client_id=client_id,
        email_id="em-2",
        to="nobody@refuse.example",
        template="invitation",
        reason="Recipient refused: 550 5.1.1 mailbox unavailable",
        attempts=3,
        caused_by_event_id=str(bounced.event_id),
    )
    await _publish(access_settings, NOTIFICATIONS_V1, failed, client_id)

    async def refused():
        users = (await api.get(f"/clients/{client_id}/users", headers=operator)).json()["items"]
        nobody = next(u for u in users if u["email"] == "nobody@refuse.example")
        return nobody["invitation_status"] == "delivery_failed" and nobody

    nobody = await eventually(refused)
    assert "550" in nobody["delivery_error"] and nobody["delivery_failed_at"]


async def test_a_restored_client_can_have_access_again(api, operator, access_settings):
    client_id = "c-restored"
    for event in (
        ClientCreated(client_id=client_id, name="Phoenix", reference_id="PHX-1", description=None),
        ClientArchived(client_id=client_id, name="Phoenix", reference_id="PHX-1"),
    ):
        await _publish(access_settings, CLIENTS_V1, event, client_id)
    body = {"enabled": True, "admin_email": "phoenix@acme.example", "admin_first_name": "P", "admin_last_name": "X"}

    async def archived():
        response = await api.put(f"/clients/{client_id}/storefront-access", headers=operator, json=body)
        return response.status_code == 409 and response.json()["title"] == "Client archived"

    await eventually(archived)
    await _publish(
        access_settings,
        CLIENTS_V1,
        ClientRestored(client_id=client_id, name="Phoenix", reference_id="PHX-1", description=None),
        client_id,
    )

    async def back():
        response = await api.put(f"/clients/{client_id}/storefront-access", headers=operator, json=body)
        return response.status_code == 200 and response.json()

    assert (await eventually(back))["enabled"] is True


async def test_an_address_corrected_while_access_is_off_gets_its_link_when_access_is_on_again(
    api, operator, access_settings
):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "offtypo@acme.exmaple")
    old = token_of(await invitation(access_settings, "offtypo@acme.exmaple"))
    await api.put(f"/clients/{client_id}/storefront-access", headers=operator, json={"enabled": False})

    corrected = await api.patch(
        f"/clients/{client_id}/storefront-access/admin", headers=operator, json={"email": "offtypo@acme.example"}
    )
    assert corrected.status_code == 200 and corrected.json()["enabled"] is False
    await enable_access(api, operator, client_id, "offtypo@acme.example")

    new = await invitation(access_settings, "offtypo@acme.example")
    assert (await api.post("/invitations/accept", json={"token": old, "password": PASSWORD})).status_code == 410
    assert (
        await api.post("/invitations/accept", json={"token": token_of(new), "password": PASSWORD})
    ).status_code == 200
