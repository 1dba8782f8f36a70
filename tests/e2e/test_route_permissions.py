"""Every route of every service, walked with every role: allowed or denied as the
README's permission table says. A route missing from the table fails the test, so a new
route cannot ship without its rule."""

import json

import pytest

from service_runtime.testing.helpers import running

ROLES = ("operator", "admin", "store_manager", "order_manager", "read_only")
PUBLIC = {("GET", "/healthz"), ("GET", "/readyz")}
ANY = set(ROLES)

TABLE: dict[str, dict[tuple[str, str], set[str]]] = {
    "client": {
        ("POST", "/clients"): {"operator"},
        ("GET", "/clients"): {"operator"},
        ("GET", "/clients/{client_id}"): {"operator"},
        ("PATCH", "/clients/{client_id}"): {"operator"},
        ("POST", "/clients/{client_id}/archive"): {"operator"},
    },
    "notifier": {
        ("GET", "/emails"): {"operator", "admin"},
    },
    "connector": {},
    "mapping": {},
    "order_intake": {},
}


def _app(package: str, settings_overrides: dict):
    import importlib

    main = importlib.import_module(f"{package}.main")
    settings_module = importlib.import_module(f"{package}.settings")
    settings_class = next(v for k, v in vars(settings_module).items() if k.endswith("Settings") and k != "ServiceSettings")
    return main.create_app(settings_class(**settings_overrides))


def _routes(app) -> set[tuple[str, str]]:
    """Every documented route (the OpenAPI document lists each one the app serves)."""
    return {(method.upper(), path) for path, operations in app.openapi()["paths"].items() for method in operations}


@pytest.mark.parametrize("package", sorted(TABLE))
async def test_every_route_checks_the_role(package, stack, postgres_url, topic_prefix, token_mint):
    app = _app(package, {"database_url": postgres_url, "kafka_bootstrap": stack.kafka_bootstrap,
                         "topic_prefix": topic_prefix, "jwks_json": json.dumps(token_mint.jwks), "log_json": False})
    table = TABLE[package]
    assert _routes(app) - PUBLIC == set(table), "every route needs a line in TABLE (and the README's table)"
    async with running(app) as http:
        for (method, path), allowed in table.items():
            url = path.replace("{client_id}", "c-unknown").replace("{user_id}", "u-unknown")
            anonymous = await http.request(method, url, json={})
            assert anonymous.status_code == 401, (method, path)
            for role in ROLES:
                headers = token_mint.headers(role, client_id=None if role == "operator" else "c-own")
                response = await http.request(method, url, headers=headers, json={})
                if role in allowed:
                    assert response.status_code not in (401, 403), (method, path, role, response.text)
                else:
                    assert response.status_code in (403, 404), (method, path, role, response.status_code)
        for method, path in PUBLIC | {("GET", "/metrics")}:
            assert (await http.request(method, path)).status_code == 200
