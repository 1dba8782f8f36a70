"""A client's admin manages the users of the account."""

from storefront_events import UserInvited, UserRemoved, UserRoleChanged

from .journey import access_events, active_admin, active_user, bearer, invitation, known_client, known_store, log_in


async def test_admin_adds_a_store_manager_who_is_invited_with_their_stores(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    _user_id, tokens = await active_user(
        api, access_settings, client_id, admin, role="store_manager", store_ids=("s1", " s2 ", "s1")
    )
    me = (await api.get("/auth/me", headers=bearer(tokens))).json()
    assert (me["role"], me["store_ids"], me["status"]) == ("store_manager", ["s1", "s2"], "active")
    invited = await invitation(access_settings, me["email"])
    assert (invited.role, invited.store_ids, invited.client_id) == ("store_manager", ["s1", "s2"], client_id)

    listed = (await api.get(f"/clients/{client_id}/users", headers=bearer(admin))).json()["items"]
    assert sorted(u["role"] for u in listed) == ["admin", "store_manager"]


async def test_role_and_store_rules(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    base = {"email": "x@acme.example", "first_name": "X", "last_name": "Y"}
    cases = [
        ({**base, "role": "store_manager"}, 422),
        ({**base, "role": "read_only", "store_ids": ["s1"]}, 422),
        ({**base, "role": "operator"}, 422),
        ({**base, "role": "admin", "email": "bad"}, 422),
        ({**base, "role": "admin", "first_name": ""}, 422),
    ]
    for body, status in cases:
        response = await api.post(f"/clients/{client_id}/users", json=body, headers=bearer(admin))
        assert response.status_code == status, body
        assert response.headers["content-type"] == "application/problem+json"
    assert len((await api.get(f"/clients/{client_id}/users", headers=bearer(admin))).json()["items"]) == 1


async def test_changing_a_role_publishes_and_old_tokens_stop_working(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    user_id, tokens = await active_user(api, access_settings, client_id, admin, role="read_only")
    await known_store(api, client_id, "s9")
    changed = await api.patch(
        f"/clients/{client_id}/users/{user_id}",
        headers=bearer(admin),
        json={"role": "store_manager", "store_ids": ["s9"]},
    )
    assert changed.status_code == 200 and changed.json()["store_ids"] == ["s9"]

    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 401
    fresh = (await api.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).json()
    assert (await api.get("/auth/me", headers=bearer(fresh))).json()["role"] == "store_manager"
    events = await access_events(access_settings, until=lambda es: any(isinstance(e, UserRoleChanged) for e in es))
    [event] = [e for e in events if isinstance(e, UserRoleChanged)]
    assert (event.user_id, event.role, event.store_ids) == (user_id, "store_manager", ["s9"])


async def test_a_removed_users_token_is_refused_at_once(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    user_id, tokens = await active_user(api, access_settings, client_id, admin, role="order_manager")
    email = (await api.get("/auth/me", headers=bearer(tokens))).json()["email"]

    assert (await api.delete(f"/clients/{client_id}/users/{user_id}", headers=bearer(admin))).status_code == 204

    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 401
    assert (await api.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401
    login = await api.post("/auth/login", json={"email": email, "password": "correct horse battery staple"})
    assert login.status_code == 401
    assert (await api.delete(f"/clients/{client_id}/users/{user_id}", headers=bearer(admin))).status_code == 404
    events = await access_events(access_settings, until=lambda es: any(isinstance(e, UserRemoved) for e in es))
    assert [e.user_id for e in events if isinstance(e, UserRemoved)] == [user_id]


async def test_the_last_active_admin_can_be_neither_removed_nor_demoted(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    admin_id = (await api.get("/auth/me", headers=bearer(admin))).json()["id"]

    demote = await api.patch(
        f"/clients/{client_id}/users/{admin_id}", json={"role": "read_only"}, headers=bearer(admin)
    )
    remove = await api.delete(f"/clients/{client_id}/users/{admin_id}", headers=bearer(admin))
    assert demote.status_code == remove.status_code == 409
    assert demote.json()["title"] == "Last admin"

    pending = await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={"email": "second@acme.example", "first_name": "S", "last_name": "A", "role": "admin"},
    )
    still = await api.delete(f"/clients/{client_id}/users/{admin_id}", headers=bearer(admin))
    assert still.status_code == 409  # a pending admin does not count

    second_id, second = await active_user(api, access_settings, client_id, admin, role="read_only")
    promoted = await api.patch(f"/clients/{client_id}/users/{second_id}", json={"role": "admin"}, headers=bearer(admin))
    assert promoted.status_code == 200
    second = await log_in(api, promoted.json()["email"])
    assert (await api.delete(f"/clients/{client_id}/users/{admin_id}", headers=bearer(second))).status_code == 204
    assert pending.status_code == 201


async def test_a_pending_user_gets_a_new_link_from_the_admin(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    added = (
        await api.post(
            f"/clients/{client_id}/users",
            headers=bearer(admin),
            json={"email": "slow@acme.example", "first_name": "S", "last_name": "L", "role": "read_only"},
        )
    ).json()
    resent = await api.post(f"/clients/{client_id}/users/{added['id']}/resend-invitation", headers=bearer(admin))
    assert resent.status_code == 200
    second = await invitation(access_settings, "slow@acme.example", nth=2)
    assert isinstance(second, UserInvited) and second.resend


async def test_resending_to_a_user_who_accepted_is_a_409_that_says_so(api, operator, access_settings):
    client_id, admin = await active_admin(api, access_settings, operator)
    user_id, _ = await active_user(api, access_settings, client_id, admin, role="read_only")

    again = await api.post(f"/clients/{client_id}/users/{user_id}/resend-invitation", headers=bearer(admin), json=None)

    assert again.status_code == 409, again.text
    assert again.json()["title"] == "Account already active" and "already activated" in again.json()["detail"]
    french = await api.post(
        f"/clients/{client_id}/users/{user_id}/resend-invitation", headers={**bearer(admin), "Accept-Language": "fr-FR"}
    )
    assert french.json()["title"] == "Compte déjà activé" and french.json()["code"] == "user_already_active"


async def test_a_token_of_client_a_gets_404_for_everything_of_client_b(api, operator, access_settings):
    client_a, admin_a = await active_admin(api, access_settings, operator)
    client_b, admin_b = await active_admin(api, access_settings, operator)
    user_b = (await api.get("/auth/me", headers=bearer(admin_b))).json()["id"]
    calls = [
        ("get", f"/clients/{client_b}/users", {}),
        (
            "post",
            f"/clients/{client_b}/users",
            {"json": {"email": "z@z.example", "first_name": "Z", "last_name": "Z", "role": "admin"}},
        ),
        ("patch", f"/clients/{client_b}/users/{user_b}", {"json": {"role": "read_only"}}),
        ("delete", f"/clients/{client_b}/users/{user_b}", {}),
        ("post", f"/clients/{client_b}/users/{user_b}/resend-invitation", {}),
        ("get", f"/clients/{client_b}/storefront-access", {}),
        ("put", f"/clients/{client_b}/storefront-access", {"json": {"enabled": False}}),
        ("post", f"/clients/{client_b}/storefront-access/resend-invitation", {}),
        ("get", f"/clients/{client_a}/users/../../{client_b}/users", {}),
    ]
    unknown = await api.get("/clients/no-such-client/users", headers=bearer(admin_a))
    for method, path, kwargs in calls:
        response = await getattr(api, method)(path, headers=bearer(admin_a), **kwargs)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["detail"].replace(client_b, "X") == unknown.json()["detail"].replace(
            "no-such-client", "X"
        )
        assert "Ada" not in response.text and "acme.example" not in response.text
    assert (await api.get("/auth/me", headers=bearer(admin_b))).status_code == 200


async def test_names_with_control_or_bidi_override_characters_are_refused_naming_the_field(
    api, operator, access_settings
):
    client_id, admin = await active_admin(api, access_settings, operator)
    body = {"email": "eve@acme.example", "first_name": "Eve", "last_name": "Doe\u202egnp.exe", "role": "read_only"}
    response = await api.post(f"/clients/{client_id}/users", json=body, headers=bearer(admin))
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "last_name" and "U+202E" in response.json()["detail"]

    other_client = await known_client(api, name="Other Prints")
    turned_on = await api.put(
        f"/clients/{other_client}/storefront-access",
        headers=operator,
        json={
            "enabled": True,
            "admin_email": "nul@other.example",
            "admin_first_name": "Nul\x00",
            "admin_last_name": "Byte",
        },
    )
    assert turned_on.status_code == 422 and turned_on.json()["field"] == "admin_first_name"
    assert "U+0000" in turned_on.json()["detail"]
