"""A service refuses to start without its encryption keys, unless it is told it runs on a development machine."""

import pytest

from service_runtime.runtime import Runtime
from service_runtime.settings import MissingSecretKeys, ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY


def settings(tmp_path, **values) -> ServiceSettings:
    return ServiceSettings(
        service_name="keyless",
        database_url=f"sqlite+aiosqlite:///{tmp_path}/keyless.db",
        kafka_bootstrap="127.0.0.1:1",
        **values,
    )


async def test_a_service_without_secret_keys_refuses_to_start(tmp_path):
    runtime = Runtime(
        settings(tmp_path, secret_keys=[], development=False), migrations=RUNTIME_ONLY, follow_access_revocations=False
    )
    try:
        with pytest.raises(MissingSecretKeys, match="STOREFRONTS_SECRET_KEYS"):
            await runtime.start()
    finally:
        await runtime.engine.dispose()


def test_the_development_flag_or_a_key_lets_it_start(tmp_path):
    settings(tmp_path, secret_keys=[], development=True).require_secret_keys()
    settings(tmp_path, secret_keys=["a-key"]).require_secret_keys()
