"""Every route of every service, walked with every role: allowed or denied as the
README's permission table says. A route missing from the table fails the test, so a new
route cannot ship without its rule."""

import json

import pytest

from service_runtime.secrets import SecretBox
from service_runtime.testing.helpers import INVITATION_KEY, running

ROLES = ("operator", "admin", "store_manager", "order_manager", "read_only")
PUBLIC = {("GET", "/healthz"), ("GET", "/readyz")}
ANY = set(ROLES)
PUBLIC_ROUTE = {"anonymous", *ROLES}
OWN_ACCOUNT = {"own account", *ROLES}  # any role; the handler then needs the token's user to exist (401 otherwise)

TABLE: dict[str, dict[tuple[str, str], set[str]]] = {
    "client": {
        ("POST", "/clients"): {"operator"},
        ("GET", "/clients"): {"operator"},
        ("GET", "/clients/{client_id}"): {"operator"},
        ("PATCH", "/clients/{client_id}"): {"operator"},
        ("POST", "/clients/{client_id}/archive"): {"operator"},
        ("POST", "/clients/{client_id}/restore"): {"operator"},
    },
    "access": {
        ("GET", "/.well-known/jwks.json"): PUBLIC_ROUTE,
        ("GET", "/invitations/accept"): PUBLIC_ROUTE,
        ("POST", "/invitations/accept"): PUBLIC_ROUTE,
        ("POST", "/invitations/inspect"): PUBLIC_ROUTE,
        ("POST", "/auth/login"): PUBLIC_ROUTE,
        ("POST", "/auth/refresh"): PUBLIC_ROUTE,
        ("GET", "/auth/me"): OWN_ACCOUNT,
        ("POST", "/auth/logout"): OWN_ACCOUNT,
        ("GET", "/clients/{client_id}/storefront-access"): {"operator"},
        ("PUT", "/clients/{client_id}/storefront-access"): {"operator"},
        ("POST", "/clients/{client_id}/storefront-access/resend-invitation"): {"operator"},
        ("PATCH", "/clients/{client_id}/storefront-access/admin"): {"operator"},
        ("POST", "/clients/{client_id}/storefront-access/transfer-admin"): {"operator"},
        ("GET", "/clients/{client_id}/users"): {"operator", "admin"},
        ("POST", "/clients/{client_id}/users"): {"admin"},
        ("PATCH", "/clients/{client_id}/users/{user_id}"): {"admin"},
        ("DELETE", "/clients/{client_id}/users/{user_id}"): {"admin"},
        ("POST", "/clients/{client_id}/users/{user_id}/resend-invitation"): {"admin"},
    },
    "notifier": {
        ("GET", "/emails"): {"operator", "admin"},
        ("POST", "/clients/{client_id}/postbacks/endpoints"): {"operator", "admin"},
        ("GET", "/clients/{client_id}/postbacks/endpoints"): {"operator", "admin"},
        ("GET", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}"): {"operator", "admin"},
        ("PATCH", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}"): {"operator", "admin"},
        ("POST", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}/secret/rotate"): {"operator", "admin"},
        ("POST", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}/test"): {"operator", "admin"},
        ("GET", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}/deliveries"): {"operator", "admin"},
        ("GET", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}/deliveries/{delivery_id}"): {
            "operator",
            "admin",
        },
        ("POST", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}/deliveries/{delivery_id}/replay"): {
            "operator",
            "admin",
        },
        ("POST", "/clients/{client_id}/postbacks/endpoints/{endpoint_id}/replay-failed"): {"operator", "admin"},
    },
    "connector": {
        ("POST", "/stores/manual"): {"operator", "admin"},
        ("GET", "/stores"): ANY,
        ("GET", "/stores/{store_id}"): ANY,
        ("POST", "/stores/{store_id}/disconnect"): {"operator", "admin", "store_manager"},
        ("GET", "/stores/{store_id}/health"): ANY,
        ("POST", "/stores/{store_id}/syncs"): {"operator", "admin", "store_manager"},
        ("GET", "/stores/{store_id}/syncs"): ANY,
        ("GET", "/stores/{store_id}/syncs/{sync_id}"): ANY,
        ("POST", "/stores/shopify/install"): {"operator", "admin", "store_manager"},
        ("GET", "/stores/shopify/callback"): PUBLIC_ROUTE,  # the single-use state is the credential
        ("POST", "/webhooks/{platform}/{store_id}"): PUBLIC_ROUTE,  # the platform's signature is
        ("POST", "/webhooks/{platform}"): PUBLIC_ROUTE,
        ("POST", "/stores/woocommerce"): {"operator", "admin"},
        ("POST", "/stores/pressero"): {"operator", "admin"},
        ("POST", "/stores/{store_id}/pressero/test-order"): {"operator", "admin", "store_manager"},
        ("POST", "/webhooks/pressero/integrations/{integration_id}"): PUBLIC_ROUTE,  # the MessageHash is
        ("POST", "/stores/etsy/connect"): {"operator", "admin"},  # a store manager only reconnects (store_id)
        ("GET", "/stores/etsy/callback"): PUBLIC_ROUTE,  # the single-use state is the credential
        ("POST", "/stores/{store_id}/orders/poll"): {"operator", "admin", "store_manager"},
        ("GET", "/stores/{store_id}/orders/{platform_order_id}/tracking"): ANY,
        ("POST", "/stores/{store_id}/reconcile"): {"operator", "admin", "store_manager"},
        ("GET", "/stores/{store_id}/parked-webhooks"): ANY,
        ("POST", "/stores/{store_id}/parked-webhooks/retry"): {"operator", "admin", "store_manager"},
    },
    "mapping": {
        ("GET", "/catalog/products"): ANY,
        ("GET", "/catalog/products/{uid}"): ANY,
        ("POST", "/catalog/products"): {"operator"},
        ("PATCH", "/catalog/products/{uid}"): {"operator"},
        ("POST", "/catalog/products/{uid}/retire"): {"operator"},
        ("POST", "/catalog/import"): {"operator"},
        ("GET", "/catalog/products.csv"): {"operator"},
        ("GET", "/stores/{store_id}/products"): ANY,
        ("GET", "/stores/{store_id}/products/export"): ANY,
        ("GET", "/stores/{store_id}/products/{product_id}/mapping-history"): ANY,
        ("GET", "/stores/{store_id}/product-imports/{job_id}"): ANY,
        ("GET", "/stores/{store_id}/publish-requests/{publish_request_id}"): ANY,
        ("POST", "/stores/{store_id}/products/import"): {"operator", "admin", "store_manager"},
        ("PUT", "/stores/{store_id}/products/{product_id}/mapping"): {"operator", "admin", "store_manager"},
        ("DELETE", "/stores/{store_id}/products/{product_id}/mapping"): {"operator", "admin", "store_manager"},
        ("POST", "/stores/{store_id}/publish-requests"): {"operator", "admin", "store_manager"},
        ("POST", "/stores/{store_id}/publish-requests/from-template/{template_id}"): {
            "operator",
            "admin",
            "store_manager",
        },
        ("GET", "/product-templates"): ANY,
        ("GET", "/product-templates/{template_id}"): ANY,
        ("POST", "/product-templates"): {"operator", "admin", "store_manager"},
    },
    "order_intake": {
        ("GET", "/orders"): ANY,
        ("GET", "/orders/{order_id}"): ANY,
        ("POST", "/orders"): {"operator", "admin", "order_manager"},
        ("POST", "/orders/{order_id}/status"): {"operator", "admin", "order_manager"},
        ("POST", "/orders/{order_id}/shipments"): {"operator"},
        ("POST", "/orders/{order_id}/lines/{line_id}/cancel"): {"operator", "admin", "order_manager"},
        ("PUT", "/orders/{order_id}/shipping-address"): {"operator", "admin", "order_manager"},
        ("POST", "/orders/{order_id}/approve"): {"operator", "admin", "order_manager"},
        ("POST", "/order-imports"): {"operator", "admin", "order_manager"},
        ("GET", "/order-imports/{job_id}"): ANY,
        ("GET", "/order-policies/{client_id}"): {"operator"},
        ("PUT", "/order-policies/{client_id}"): {"operator"},
        ("POST", "/order-policies/{client_id}/dry-run"): {"operator"},
    },
}


def _app(package: str, settings_overrides: dict):
    import importlib

    main = importlib.import_module(f"{package}.main")
    settings_module = importlib.import_module(f"{package}.settings")
    settings_class = next(
        v for k, v in vars(settings_module).items() if k.endswith("Settings") and k != "ServiceSettings"
    )
    return main.create_app(settings_class(**settings_overrides))


def _routes(app) -> set[tuple[str, str]]:
    """Every documented route (the OpenAPI document lists each one the app serves)."""
    return {(method.upper(), path) for path, operations in app.openapi()["paths"].items() for method in operations}


@pytest.mark.parametrize("package", sorted(TABLE))
async def test_every_route_checks_the_role(package, stack, postgres_url, topic_prefix, token_mint):
    app = _app(
        package,
        {
            "database_url": postgres_url,
            "kafka_bootstrap": stack.kafka_bootstrap,
            "topic_prefix": topic_prefix,
            "jwks_json": json.dumps(token_mint.jwks),
            "log_json": False,
            "invitation_keys": [INVITATION_KEY],  # access and notifier refuse to start without
            "secret_keys": [SecretBox.generate_key()],
        },
    )
    table = TABLE[package]
    assert _routes(app) - PUBLIC == set(table), "every route needs a line in TABLE (and the README's table)"
    async with running(app) as http:
        # The access service also refuses tokens of users it does not know (tested with real,
        # signed-in users in its own permission test); minted tokens here walk the role rules.
        app.state.revocations = None
        for (method, path), allowed in table.items():
            url = path.replace("{client_id}", "c-own").replace("{user_id}", "u-unknown")
            anonymous = await http.request(method, url, json={})
            if "anonymous" in allowed:
                assert anonymous.status_code not in (401, 403), (method, path, anonymous.text)
            else:
                assert anonymous.status_code == 401, (method, path)
            for role in ROLES:
                headers = token_mint.headers(role, client_id=None if role == "operator" else "c-own")
                response = await http.request(method, url, headers=headers, json={})
                if "own account" in allowed:
                    assert response.status_code != 403, (method, path, role, response.text)
                elif role in allowed:
                    assert response.status_code not in (401, 403), (method, path, role, response.text)
                else:
                    assert response.status_code in (403, 404), (method, path, role, response.status_code)
        for method, path in PUBLIC | {("GET", "/metrics")}:
            assert (await http.request(method, path)).status_code == 200
