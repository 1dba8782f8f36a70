"""Sign-in, refresh tokens, sign-out and what happens to bad tokens."""

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from .journey import PASSWORD, active_admin, bearer, enable_access, known_client, log_in

FAILED = "Email or password is incorrect."


async def test_ten_wrong_passwords_lock_the_account_with_one_uniform_error(api, operator, access_settings):
    _client_id, _ = await active_admin(api, access_settings, operator, email="try@acme.example")
    statuses = []
    for _ in range(10):
        response = await api.post("/auth/login", json={"email": "try@acme.example", "password": "wrong password!!"})
        statuses.append(response.status_code)
        assert response.headers["content-type"] == "application/problem+json"
        if response.status_code == 401:
            assert response.json()["detail"] == FAILED
        else:
            assert int(response.headers["retry-after"]) > 0
    assert statuses == [401] * 5 + [429] * 5
    locked = await api.post("/auth/login", json={"email": "try@acme.example", "password": PASSWORD})
    assert locked.status_code == 429

    unknown = await api.post("/auth/login", json={"email": "nobody@acme.example", "password": PASSWORD})
    assert unknown.status_code == 401 and unknown.json()["detail"] == FAILED


async def test_pending_users_get_the_same_error_as_wrong_passwords(api, operator, access_settings):
    client_id = await known_client(api)
    await enable_access(api, operator, client_id, "pending@acme.example")
    response = await api.post("/auth/login", json={"email": "pending@acme.example", "password": PASSWORD})
    assert response.status_code == 401 and response.json()["detail"] == FAILED


async def test_refresh_rotates_and_reusing_an_old_refresh_token_ends_the_session(api, operator, access_settings):
    _, first = await active_admin(api, access_settings, operator)
    second = (await api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert (await api.get("/auth/me", headers=bearer(second))).status_code == 200

    reused = await api.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reused.status_code == 401 and "already used" in reused.json()["detail"]
    assert (await api.get("/auth/me", headers=bearer(second))).status_code == 401
    assert (await api.post("/auth/refresh", json={"refresh_token": second["refresh_token"]})).status_code == 401


async def test_logout_ends_the_session(api, operator, access_settings):
    _, tokens = await active_admin(api, access_settings, operator)
    assert (await api.post("/auth/logout", headers=bearer(tokens))).status_code == 204
    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 401
    assert (await api.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 401


async def test_forged_tampered_and_expired_tokens_are_refused(api, operator, access_settings):
    _client_id, tokens = await active_admin(api, access_settings, operator)
    real = tokens["access_token"]
    claims = jwt.decode(real, options={"verify_signature": False})
    kid = jwt.get_unverified_header(real)["kid"]
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header, _, signature = real.split(".")
    swapped = jwt.utils.base64url_encode(json.dumps({**claims, "role": "operator"}).encode()).decode()
    forged = {
        "other key, same kid": jwt.encode(
            {**claims, "role": "operator"}, stranger, algorithm="RS256", headers={"kid": kid}
        ),
        "alg none": jwt.encode({**claims, "role": "operator"}, None, algorithm="none", headers={"kid": kid}),
        "payload swapped": f"{header}.{swapped}.{signature}",
        "garbage": "not.a.token",
        "expired": jwt.encode(
            {**claims, "exp": int(time.time()) - 5}, stranger, algorithm="RS256", headers={"kid": kid}
        ),
    }
    for name, token in forged.items():
        response = await api.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
    assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 200


async def test_an_expired_token_of_ours_is_refused(api, operator, access_settings):
    _, tokens = await active_admin(api, access_settings, operator)
    keys = api._transport.app.state.runtime.keys
    kid, key = keys._signing
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    expired = jwt.encode({**claims, "exp": int(time.time()) - 5}, key, algorithm="RS256", headers={"kid": kid})
    response = await api.get("/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.json()["detail"]


async def test_rotating_the_key_keeps_earlier_tokens_valid(api, operator, access_settings):
    _, before = await active_admin(api, access_settings, operator)
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    new_kid = await api._transport.app.state.runtime.keys.rotate()

    jwks = (await api.get("/.well-known/jwks.json")).json()
    assert {old_kid, new_kid} <= {k["kid"] for k in jwks["keys"]}
    assert (await api.get("/auth/me", headers=bearer(before))).status_code == 200
    after = (await api.post("/auth/refresh", json={"refresh_token": before["refresh_token"]})).json()
    assert jwt.get_unverified_header(after["access_token"])["kid"] == new_kid


async def test_operators_are_bootstrapped_from_settings(access_settings):
    from access.main import create_app
    from service_runtime.testing.helpers import running

    settings = access_settings.model_copy(
        update={
            "bootstrap_operator_email": "ops@provider.example",
            "bootstrap_operator_password": SecretStr("operator secret 42"),
        }
    )
    async with running(create_app(settings)) as api:
        tokens = await log_in(api, "ops@provider.example", "operator secret 42")
        claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        assert claims["role"] == "operator" and "client_id" not in claims
        client_id = await known_client(api)
        response = await api.put(
            f"/clients/{client_id}/storefront-access",
            headers=bearer(tokens),
            json={
                "enabled": True,
                "admin_email": f"{uuid.uuid4().hex[:6]}@x.example",
                "admin_first_name": "A",
                "admin_last_name": "B",
            },
        )
        assert response.status_code == 200
