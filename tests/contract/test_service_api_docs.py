"""The API documents the README points to: every service's OpenAPI and AsyncAPI are
generated, and the AsyncAPI says what the service really consumes and publishes."""

import pytest

from service_runtime.docs import SERVICES, service_documents

EXPECTED_CHANNELS = {
    "client-service": {"clients.v1:publish"},
    "access-service": {"clients.v1:on_client_changed", "notifications.v1:on_email_delivery", "access.v1:publish"},
    "notifier-service": {
        "access.v1:on_user_invited",
        "access.v1:follow_access_change",
        "access.v1:keep_client_admin",
        "orders.v1:on_order_events",
        "notifications.v1:publish",
    },
    "order-intake-service": {
        "shop-orders.v1:on_shop_orders",
        "stores.v1:on_stores",
        "mappings.v1:on_mappings",
        "orders.v1:publish",
    },
}


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_documents_are_generated(service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # SQLite default files land here
    openapi, asyncapi = await service_documents(service)
    assert openapi["openapi"].startswith("3.") and "/healthz" in openapi["paths"]
    assert asyncapi["asyncapi"] == "3.0.0"
    channels = set(asyncapi["channels"])
    assert EXPECTED_CHANNELS.get(service, set()) <= channels
    for operation in asyncapi["operations"].values():
        assert operation["action"] in ("send", "receive")


# ---------------------------------------------------------------- the errors each route documents

#: Routes anyone may call (the README's permission table); every other route verifies a token.
PUBLIC = {
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/.well-known/jwks.json"),
    ("get", "/invitations/accept"),
    ("post", "/invitations/accept"),
    ("post", "/invitations/inspect"),
    ("post", "/auth/login"),
    ("post", "/auth/refresh"),
    ("get", "/stores/shopify/callback"),  # the connector's: a single-use OAuth state is the credential
    ("post", "/webhooks/{platform}/{store_id}"),  # the platform's signature is
    ("post", "/webhooks/{platform}"),
}
PROBLEM_REF = "#/components/schemas/Problem"


def _operations(openapi: dict):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            yield method, path, operation


def _problem_documented(operation: dict, status: int) -> bool:
    response = operation["responses"].get(str(status), {})
    return response.get("content", {}).get("application/problem+json", {}).get("schema", {}).get("$ref") == PROBLEM_REF


@pytest.mark.parametrize("service", sorted(SERVICES))
async def test_every_route_documents_the_problems_it_can_return(service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    openapi, _ = await service_documents(service)
    missing = []
    for method, path, operation in _operations(openapi):
        expected = set()
        if (method, path) not in PUBLIC:
            expected |= {401, 403}
            if operation.get("security") != [{"bearerAuth": []}]:
                missing.append((method, path, "security"))
        if "requestBody" in operation:
            expected |= {400, 413, 422}
        if operation.get("parameters"):
            expected |= {422}
        missing += [(method, path, status) for status in sorted(expected) if not _problem_documented(operation, status)]
        for status in operation["responses"]:
            if status[0] in "45" and not _problem_documented(operation, int(status)):
                missing.append((method, path, f"{status} is not a Problem"))
    assert not missing
    if any(op.get("security") for _, _, op in _operations(openapi)):
        assert openapi["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


async def test_the_problem_schema_has_the_rfc_9457_fields_and_ours(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    openapi, _ = await service_documents("client-service")
    problem = openapi["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "instance", "field", "errors"} <= set(problem["properties"])
    assert "HTTPValidationError" not in openapi["components"]["schemas"], (
        "422 answers are problems, not FastAPI's shape"
    )


DOMAIN_ERRORS = {  # the business errors each route raises, beyond what the runtime adds
    ("client-service", "post", "/clients"): {409},
    ("client-service", "get", "/clients"): {400},
    ("client-service", "get", "/clients/{client_id}"): {404},
    ("client-service", "patch", "/clients/{client_id}"): {404, 409},
    ("client-service", "post", "/clients/{client_id}/archive"): {404},
    ("access-service", "post", "/auth/login"): {401, 429},
    ("access-service", "post", "/auth/refresh"): {401},
    ("access-service", "post", "/invitations/accept"): {400, 410},
    ("access-service", "put", "/clients/{client_id}/storefront-access"): {404, 409},
    ("access-service", "post", "/clients/{client_id}/users"): {404, 409},
    ("access-service", "patch", "/clients/{client_id}/users/{user_id}"): {404, 409},
    ("access-service", "delete", "/clients/{client_id}/users/{user_id}"): {404, 409},
}


@pytest.mark.parametrize("service", sorted({s for s, _, _ in DOMAIN_ERRORS}))
async def test_routes_document_their_domain_errors(service, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    openapi, _ = await service_documents(service)
    for (owner, method, path), statuses in DOMAIN_ERRORS.items():
        if owner == service:
            operation = openapi["paths"][path][method]
            assert all(_problem_documented(operation, s) for s in statuses), (
                method,
                path,
                sorted(operation["responses"]),
            )


async def test_documented_limits_are_the_code_limits(tmp_path, monkeypatch):
    from client.domain import DESCRIPTION_MAX, NAME_MAX, REFERENCE_MAX

    monkeypatch.chdir(tmp_path)
    openapi, _ = await service_documents("client-service")
    for schema in ("ClientCreate", "ClientUpdate"):
        properties = openapi["components"]["schemas"][schema]["properties"]
        limits = {
            name: max(branch.get("maxLength", 0) for branch in [prop, *prop.get("anyOf", [])])
            for name, prop in properties.items()
        }
        assert limits == {"name": NAME_MAX, "reference_id": REFERENCE_MAX, "description": DESCRIPTION_MAX}, schema
