import json

import pytest

from access.main import create_app
from access.settings import AccessSettings
from service_runtime.testing.helpers import running


@pytest.fixture
def access_settings(stack, postgres_url, topic_prefix, token_mint, tmp_path) -> AccessSettings:
    return AccessSettings(
        database_url=postgres_url,
        kafka_bootstrap=stack.kafka_bootstrap,
        topic_prefix=topic_prefix,
        jwks_json=json.dumps(token_mint.jwks),
        redis_url=stack.redis_url,
        dev_key_file=str(tmp_path / "keys" / "access-dev.key"),
        log_json=False,
        relay_poll_seconds=0.1,
    )


@pytest.fixture
async def api(access_settings):
    async with running(create_app(access_settings)) as http:
        yield http


@pytest.fixture
def operator(token_mint) -> dict[str, str]:
    return token_mint.headers("operator")
