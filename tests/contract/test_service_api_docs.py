"""The API documents the README points to: every service's OpenAPI and AsyncAPI are
generated, and the AsyncAPI says what the service really consumes and publishes."""

import pytest

from service_runtime.docs import SERVICES, service_documents

EXPECTED_CHANNELS = {
    "client-service": {"clients.v1:publish"},
    "access-service": {"clients.v1:on_client_changed", "notifications.v1:on_email_delivery", "access.v1:publish"},
    "notifier-service": {"access.v1:on_user_invited", "access.v1:follow_access_change", "notifications.v1:publish"},
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
