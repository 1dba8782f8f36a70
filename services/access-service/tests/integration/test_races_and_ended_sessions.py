"""What must hold when requests race, and sessions that end for good: against real PostgreSQL."""

import asyncio

from sqlalchemy import select

from access.adapters.tables import UserRow
from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import eventually
from storefront_events import InvitationAccepted, SessionEnded, UserInvited

from .journey import (
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


async def test_ten_accepts_of_one_link_at_once_activate_the_user_once(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "tenfold@acme.example")
    token = token_of(await invitation(access_settings, "tenfold@acme.example"))

    answers = await asyncio.gather(
        *(
            api.post("/invitations/accept", json={"token": token, "password": f"password number {i} is long"})
            for i in range(10)
        )
    )

    assert sorted(a.status_code for a in answers) == [200] + [410] * 9
    for refused in (a for a in answers if a.status_code == 410):
        assert refused.headers["content-type"] == "application/problem+json"
        assert "already been used" in refused.json()["detail"]
    [winner] = [i for i, a in enumerate(answers) if a.status_code == 200]
    assert (
        await api.post(
            "/auth/login", json={"email": "tenfold@acme.example", "password": f"password number {winner} is long"}
        )
    ).status_code == 200
    async with api._transport.app.state.runtime.sessions() as db:
        accepted = (
            (await db.execute(select(OutboxMessage).where(OutboxMessage.event_type == InvitationAccepted.ce_type())))
            .scalars()
            .all()
        )
    assert len(accepted) == 1


async def test_access_off_then_on_leaves_earlier_tokens_and_refresh_tokens_refused(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    email = (await api.get("/auth/me", headers=bearer(admin))).json()["email"]
    body = {"enabled": True, "admin_email": email, "admin_first_name": "Ada", "admin_last_name": "Lovelace"}

    off = await api.put(f"/clients/{client_id}/storefront-access", json={"enabled": False}, headers=operator)
    assert off.status_code == 200
    on = await api.put(f"/clients/{client_id}/storefront-access", json=body, headers=operator)
    assert on.status_code == 200 and on.json()["enabled"] is True

    assert (await api.get("/auth/me", headers=bearer(admin))).status_code == 401
    assert (await api.post("/auth/refresh", json={"refresh_token": admin["refresh_token"]})).status_code == 401
    again = await log_in(api, email)  # a new sign-in works
    assert (await api.get("/auth/me", headers=bearer(again))).status_code == 200


async def test_logout_and_a_reused_refresh_token_tell_every_service_the_session_ended(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    me = (await api.get("/auth/me", headers=bearer(admin))).json()
    assert (await api.post("/auth/logout", headers=bearer(admin))).status_code == 204
    assert (await api.post("/auth/logout", headers=bearer(admin))).status_code == 401  # already ended: no second event

    leaked = await log_in(api, me["email"])
    assert (await api.post("/auth/refresh", json={"refresh_token": leaked["refresh_token"]})).status_code == 200
    assert (await api.post("/auth/refresh", json={"refresh_token": leaked["refresh_token"]})).status_code == 401

    def ended(events):
        return [e for e in events if isinstance(e, SessionEnded)]

    events = await access_events(access_settings, until=lambda es: len(ended(es)) >= 2)
    assert [(e.client_id, e.user_id, e.reason) for e in ended(events)] == [
        (client_id, me["id"], "logout"),
        (client_id, me["id"], "refresh_token_reused"),
    ]
    assert len({e.session_id for e in ended(events)}) == 2


async def _two_admins(api, access_settings, operator) -> tuple[str, tuple[str, dict], tuple[str, dict]]:
    client_id, first = await active_admin(api, access_settings, operator)
    first_id = (await api.get("/auth/me", headers=bearer(first))).json()["id"]
    second_id, second = await active_user(api, access_settings, client_id, first, role="admin")
    return client_id, (first_id, first), (second_id, second)


async def _active_admins(api, client_id: str) -> int:
    async with api._transport.app.state.runtime.sessions() as db:
        rows = await db.execute(
            select(UserRow).where(UserRow.client_id == client_id, UserRow.role == "admin", UserRow.status == "active")
        )
        return len(rows.scalars().all())


async def test_two_admins_demoting_or_removing_each_other_at_once_leave_an_active_admin(api, operator, access_settings):
    for attempt in range(4):
        client_id, (a_id, a), (b_id, b) = await _two_admins(api, access_settings, operator)
        if attempt % 2:
            requests = (
                api.delete(f"/clients/{client_id}/users/{b_id}", headers=bearer(a)),
                api.delete(f"/clients/{client_id}/users/{a_id}", headers=bearer(b)),
            )
        else:
            requests = (
                api.patch(f"/clients/{client_id}/users/{b_id}", json={"role": "read_only"}, headers=bearer(a)),
                api.patch(f"/clients/{client_id}/users/{a_id}", json={"role": "read_only"}, headers=bearer(b)),
            )
        answers = await asyncio.gather(*requests)

        assert await _active_admins(api, client_id) == 1, [r.text for r in answers]
        statuses = sorted(r.status_code for r in answers)
        assert statuses in ([200, 401], [200, 409], [204, 401], [204, 409]), [r.text for r in answers]


async def test_invitation_links_are_sealed_and_their_outbox_rows_emptied_once_sent(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "sealed@acme.example")
    invited = await invitation(access_settings, "sealed@acme.example")
    token = token_of(invited)
    assert invited.accept_url == "" and token not in (invited.sealed_accept_url or "")

    async def emptied():
        async with api._transport.app.state.runtime.sessions() as db:
            row = (
                await db.execute(select(OutboxMessage).where(OutboxMessage.event_type == UserInvited.ce_type()))
            ).scalar_one()
        return row.sent_at is not None and row.payload == ""

    assert await eventually(emptied)  # once the relay has marked it sent
