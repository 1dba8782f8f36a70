"""The page behind the invitation link, and the inspect API it asks before anyone types."""

from datetime import timedelta
from urllib.parse import urlsplit

from service_runtime.testing.helpers import accept_link

from .journey import PASSWORD, bearer, enable_access, invitation, known_client, log_in, token_of


async def test_the_mailed_link_keeps_the_token_in_its_fragment(api, operator, access_settings):
    client_id = await known_client(api, name="Fragment Prints")
    await enable_access(api, operator, client_id, "fragment@acme.example")
    invited = await invitation(access_settings, "fragment@acme.example")
    link = urlsplit(accept_link(invited))
    assert link.path == "/invitations/accept" and link.query == "" and link.fragment == f"token={token_of(invited)}"


async def test_the_page_holds_no_token_reads_it_from_the_fragment_and_only_posts_it(api, operator, access_settings):
    client_id = await known_client(api, name="Page Prints")
    await enable_access(api, operator, client_id, "page@acme.example")
    token = token_of(await invitation(access_settings, "page@acme.example"))

    page = await api.get("/invitations/accept", params={"token": token})  # an older link's form

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert token not in page.text
    assert "location.hash" in page.text and 'post("inspect", {token})' in page.text
    assert 'post("accept", {token, password})' in page.text and 'method: "POST"' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_a_hostile_token_is_never_written_into_the_page(api):
    page = await api.get("/invitations/accept", params={"token": '"</script><script>alert(1)</script>'})
    assert page.status_code == 200
    assert "alert(1)" not in page.text


async def test_the_page_speaks_the_browsers_language_fr_fr_being_fr(api):
    french = await api.get("/invitations/accept", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    english = await api.get("/invitations/accept", headers={"Accept-Language": "de-DE, en;q=0.8"})

    assert '<html lang="fr">' in french.text and "Bienvenue sur Storefronts" in french.text
    assert french.headers["content-language"] == "fr"
    assert "Activer mon compte" in french.text and "Se connecter" in french.text
    assert '<html lang="en">' in english.text and "Welcome to Storefronts" in english.text


async def _inspect(api, token: str, **headers):
    return await api.post("/invitations/inspect", json={"token": token}, headers=headers)


async def test_inspect_says_whose_account_which_company_and_the_rules_before_anyone_types(
    api, operator, access_settings
):
    client_id = await known_client(api, name="Inspect Prints")
    await enable_access(api, operator, client_id, "inspect@acme.example", locale="fr")
    token = token_of(await invitation(access_settings, "inspect@acme.example"))

    seen = await _inspect(api, token)

    assert seen.status_code == 200, seen.text
    body = seen.json()
    assert (body["state"], body["email"], body["client_name"], body["locale"]) == (
        "usable",
        "inspect@acme.example",
        "Inspect Prints",
        "fr",
    )
    assert body["message"] is None
    assert body["password_rules"]["min_length"] == 12 and body["password_rules"]["email_name_min_length"] == 5
    unknown = await _inspect(api, "made-up-token")
    assert unknown.status_code == 400 and unknown.json()["code"] == "invitation_unknown"


async def test_inspect_gives_each_dead_link_its_own_true_message(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "states@acme.example")
    first = token_of(await invitation(access_settings, "states@acme.example"))
    await api.post(f"/clients/{client_id}/storefront-access/resend-invitation", headers=operator)
    second = token_of(await invitation(access_settings, "states@acme.example", nth=2))

    replaced = (await _inspect(api, first)).json()
    assert replaced["state"] == "replaced" and "replaced by a newer one" in replaced["message"]
    assert (await _inspect(api, second)).json()["state"] == "usable"
    await api.post("/invitations/accept", json={"token": second, "password": PASSWORD})
    used = (await _inspect(api, second)).json()
    assert used["state"] == "used" and "already been used" in used["message"]

    runtime = api._transport.app.state.runtime
    original = runtime.clock
    admin = await log_in(api, "states@acme.example")
    added = await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={"email": "late@acme.example", "first_name": "Late", "last_name": "Comer", "role": "read_only"},
    )
    late = token_of(await invitation(access_settings, "late@acme.example"))
    runtime.clock = type("Later", (), {"now": lambda self: original.now() + timedelta(days=8)})()
    try:
        expired = (await _inspect(api, late)).json()
    finally:
        runtime.clock = original
    assert expired["state"] == "expired" and "expired" in expired["message"]

    await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={"email": "gone@acme.example", "first_name": "Gone", "last_name": "Soon", "role": "read_only"},
    )
    gone_token = token_of(await invitation(access_settings, "gone@acme.example"))
    gone_id = next(
        u["id"]
        for u in (await api.get(f"/clients/{client_id}/users", headers=bearer(admin))).json()["items"]
        if u["email"] == "gone@acme.example"
    )
    assert (await api.delete(f"/clients/{client_id}/users/{gone_id}", headers=bearer(admin))).status_code == 204
    removed = (await _inspect(api, gone_token)).json()
    assert removed["state"] == "removed" and "removed" in removed["message"]
    refused = await api.post("/invitations/accept", json={"token": gone_token, "password": PASSWORD})
    assert refused.status_code == 410 and refused.json()["state"] == "removed"
    assert added.status_code == 201
