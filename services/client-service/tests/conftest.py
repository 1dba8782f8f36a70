import pytest

from client.main import create_app
from client.settings import ClientSettings
from service_runtime.testing.helpers import running


@pytest.fixture
def client_settings(stack, postgres_url, topic_prefix, token_mint) -> ClientSettings:
    import json

    return ClientSettings(
        database_url=postgres_url,
        kafka_bootstrap=stack.kafka_bootstrap,
        topic_prefix=topic_prefix,
        jwks_json=json.dumps(token_mint.jwks),
        log_json=False,
        relay_poll_seconds=0.1,
    )


@pytest.fixture
async def api(client_settings):
    async with running(create_app(client_settings)) as http:
        yield http


@pytest.fixture
def operator(token_mint) -> dict[str, str]:
    return token_mint.headers("operator")
