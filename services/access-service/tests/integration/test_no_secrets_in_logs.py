"""A failure in the middle of sign-in, invitation acceptance, refresh or token checking
writes its traceback to the log, and no password, token or Authorization header with it."""

import httpx
import pytest
import structlog

import access.handlers.invitations as invitations
from access.main import create_app
from service_runtime.testing.helpers import running

from .journey import PASSWORD, bearer, enable_access, invitation, known_client, log_in, token_of

NEW_PASSWORD = "a brand new passphrase 42"


@pytest.fixture(autouse=True)
def _restore_logging():
    """The capture this test logs into is closed after it: later tests must not log there."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def failing(*args, **kwargs):
    raise RuntimeError("forced failure")


async def afailing(*args, **kwargs):
    raise RuntimeError("forced failure")


@pytest.mark.parametrize("log_json", [True, False], ids=["json", "console"])
async def test_forced_failures_during_login_accept_and_refresh_log_no_secret(
    service_settings, operator, tmp_path, monkeypatch, capfd, log_json
):
    from access.settings import AccessSettings

    settings = service_settings(AccessSettings, dev_key_file=str(tmp_path / "k"), log_json=log_json)
    async with running(create_app(settings)) as api:
        runtime = api._transport.app.state.runtime
        client_id = await known_client(api)
        await enable_access(api, operator, client_id, "ada@acme.example")
        invitation_token = token_of(await invitation(settings, "ada@acme.example"))
        await enable_access(api, operator, await known_client(api), "bob@acme.example")
        other_token = token_of(await invitation(settings, "bob@acme.example"))
        accepted = await api.post("/invitations/accept", json={"token": invitation_token, "password": PASSWORD})
        assert accepted.status_code == 200
        tokens = await log_in(api, "ada@acme.example")
        capfd.readouterr()
        api = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=api._transport.app, raise_app_exceptions=False), base_url="http://service"
        )

        with monkeypatch.context() as patch:
            patch.setattr(invitations, "check_password", failing)
            assert (
                await api.post("/invitations/accept", json={"token": other_token, "password": NEW_PASSWORD})
            ).status_code == 500
        with monkeypatch.context() as patch:
            patch.setattr(runtime.keys, "issue", afailing)
            assert (
                await api.post("/auth/login", json={"email": "ada@acme.example", "password": PASSWORD})
            ).status_code == 500
            assert (await api.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})).status_code == 500
        with monkeypatch.context() as patch:
            patch.setattr(runtime.revocations, "is_revoked", afailing)
            assert (await api.get("/auth/me", headers=bearer(tokens))).status_code == 500
        log = capfd.readouterr().err

    assert log.count("http.unhandled_error") == 4 and "forced failure" in log
    for secret in (PASSWORD, NEW_PASSWORD, other_token, tokens["refresh_token"], tokens["access_token"]):
        assert secret not in log
