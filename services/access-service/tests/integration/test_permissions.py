"""Every role against every route of the service: allowed or denied, as in the README table."""

import pytest
from pydantic import SecretStr

from access.main import create_app
from service_runtime.testing.helpers import running

from .journey import active_admin, active_user, bearer, log_in

ROLES = ("anonymous", "operator", "admin", "store_manager", "order_manager", "read_only")
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
OPERATOR_PASSWORD = "operator secret 42"

# (method, path, body, roles allowed); {c} is the caller's client, {u} a pending user of it.
# Order matters only at the end: removing a user, then signing out.
ROUTES = [
    ("get", "/.well-known/jwks.json", None, EVERYONE),
    ("post", "/invitations/accept", {"token": "nope", "password": "x" * 12}, EVERYONE),
    ("post", "/invitations/inspect", {"token": "nope"}, EVERYONE),
    ("post", "/auth/login", {"email": "nobody@x.example", "password": "wrong password"}, EVERYONE),
    ("post", "/auth/refresh", {"refresh_token": "nope"}, EVERYONE),
    ("get", "/auth/me", None, SIGNED_IN),
    ("get", "/clients/{c}/storefront-access", None, {"operator"}),
    (
        "put",
        "/clients/{c}/storefront-access",
        {"enabled": True, "admin_email": "{admin}", "admin_first_name": "Ada", "admin_last_name": "Lovelace"},
        {"operator"},
    ),
    ("post", "/clients/{c}/storefront-access/resend-invitation", None, {"operator"}),
    ("patch", "/clients/{c}/storefront-access/admin", {"locale": "en"}, {"operator"}),
    ("post", "/clients/{c}/storefront-access/transfer-admin", {"user_id": "{u}"}, {"operator"}),
    ("get", "/clients/{c}/users", None, {"operator", "admin"}),
    (
        "post",
        "/clients/{c}/users",
        {"email": "new-{role}@acme.example", "first_name": "N", "last_name": "U", "role": "read_only"},
        {"admin"},
    ),
    ("patch", "/clients/{c}/users/{u}", {"role": "order_manager"}, {"admin"}),
    ("post", "/clients/{c}/users/{u}/resend-invitation", None, {"admin"}),
    ("delete", "/clients/{c}/users/{u}", None, {"admin"}),
    ("post", "/auth/logout", None, SIGNED_IN),
]


def _fill(value, names: dict):
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.fixture
async def app_with_operator(access_settings):
    settings = access_settings.model_copy(
        update={
            "bootstrap_operator_email": "ops@provider.example",
            "bootstrap_operator_password": SecretStr(OPERATOR_PASSWORD),
        }
    )
    async with running(create_app(settings)) as api:
        yield api


async def test_every_role_against_every_route(app_with_operator, token_mint, access_settings):
    api = app_with_operator
    ops = await log_in(api, "ops@provider.example", OPERATOR_PASSWORD)
    client_id, admin = await active_admin(api, access_settings, bearer(ops), email="boss@acme.example")
    headers = {"anonymous": {}, "operator": bearer(ops), "admin": bearer(admin)}
    for role in ("store_manager", "order_manager", "read_only"):
        _, tokens = await active_user(
            api, access_settings, client_id, admin, role=role, store_ids=("s1",) if role == "store_manager" else ()
        )
        headers[role] = bearer(tokens)
    pending = await api.post(
        f"/clients/{client_id}/users",
        headers=bearer(admin),
        json={"email": "pending@acme.example", "first_name": "P", "last_name": "U", "role": "read_only"},
    )
    names = {"c": client_id, "u": pending.json()["id"], "admin": "boss@acme.example"}

    verdicts = {}
    for method, path, body, allowed in ROUTES:
        for role in ROLES:
            kwargs = {"json": _fill(body, {**names, "role": role})} if body is not None else {}
            response = await getattr(api, method)(_fill(path, names), headers=headers[role], **kwargs)
            # the gate's refusals; a public route's own 401 ("Login failed", "Session ended") is an answer
            denied = response.status_code == 403 or (
                response.status_code == 401 and response.json()["title"] == "Unauthorized"
            )
            verdicts[(method, path, role)] = "denied" if denied else "allowed"
            expected = "allowed" if role in allowed else "denied"
            assert verdicts[(method, path, role)] == expected, (method, path, role, response.status_code, response.text)
            if denied and role != "anonymous" and path.startswith("/clients"):
                assert response.status_code == 403, (method, path, role)
            assert response.status_code < 500, (method, path, role, response.text)
