"""Invitation links: single use, 7 days, replaced on resend."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from access.adapters.tables import InvitationRow

from .journey import PASSWORD, enable_access, invitation, known_client, token_of


async def _accept(api, token: str, password: str = PASSWORD):
    return await api.post("/invitations/accept", json={"token": token, "password": password})


async def test_a_used_invitation_cannot_be_used_again(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "once@acme.example")
    token = token_of(await invitation(access_settings, "once@acme.example"))
    assert (await _accept(api, token)).status_code == 200

    again = await _accept(api, token, "another long password")
    assert again.status_code == 410
    assert again.headers["content-type"] == "application/problem+json"
    assert "already been used" in again.json()["detail"]


async def test_an_expired_invitation_is_refused(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "late@acme.example")
    token = token_of(await invitation(access_settings, "late@acme.example"))
    async with api._transport.app.state.runtime.sessions() as db:
        await db.execute(update(InvitationRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        await db.commit()

    refused = await _accept(api, token)
    assert refused.status_code == 410 and "expired" in refused.json()["detail"]
    state = (await api.get(f"/clients/{client_id}/storefront-access", headers=operator)).json()
    assert state["admin"]["status"] == "invitation_sent"


async def test_a_forged_or_unknown_token_is_refused(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "forged@acme.example")
    real = token_of(await invitation(access_settings, "forged@acme.example"))
    for token in ("made-up-token", real[:-2] + ("AA" if not real.endswith("AA") else "BB")):
        refused = await _accept(api, token)
        assert refused.status_code == 400 and refused.json()["title"] == "Invalid invitation"


async def test_resending_replaces_the_previous_link(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "again@acme.example")
    first = token_of(await invitation(access_settings, "again@acme.example"))
    resent = await api.post(f"/clients/{client_id}/storefront-access/resend-invitation", headers=operator)
    assert resent.status_code == 200

    second = await invitation(access_settings, "again@acme.example", nth=2)
    assert second.resend is True
    old = await _accept(api, first)
    assert old.status_code == 410 and "replaced" in old.json()["detail"]
    assert (await _accept(api, token_of(second))).status_code == 200
    after = await api.post(f"/clients/{client_id}/storefront-access/resend-invitation", headers=operator)
    assert after.status_code == 409, after.text  # the admin is active: said so, not "not found"
    assert after.json()["title"] == "Account already active" and "again@acme.example" in after.json()["detail"]


async def test_the_password_policy_is_enforced(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "marguerite@acme.example")
    token = token_of(await invitation(access_settings, "marguerite@acme.example"))
    for weak in ("short", "aaaaaaaaaaaaaaaa", "my-marguerite-password"):
        refused = await _accept(api, token, weak)
        assert refused.status_code == 422 and refused.json()["field"] == "password", weak
    assert (await _accept(api, token)).status_code == 200
