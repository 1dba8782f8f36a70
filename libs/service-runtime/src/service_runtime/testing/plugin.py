"""pytest fixtures over the real stack (loaded by the repository's conftest.py)."""

import uuid

import pytest

from service_runtime.testing.helpers import (
    INVITATION_KEY,
    TEST_HEARTBEAT_INTERVAL_MS,
    create_database,
    delete_topics,
    drop_database,
)
from service_runtime.testing.infra import Stack, start_stack
from service_runtime.testing.tokens import TokenMint


@pytest.fixture(scope="session")
def stack() -> Stack:
    return start_stack()


@pytest.fixture
async def postgres_url(stack: Stack):
    url = await create_database(stack.postgres_url, durable=False)
    yield url
    await drop_database(stack.postgres_url, url)


@pytest.fixture
async def topic_prefix(stack):
    """Topics and consumer groups of one test don't see another test's messages; its topics
    are deleted afterwards, so a long test run does not pile thousands of partitions onto
    the broker."""
    prefix = f"t{uuid.uuid4().hex[:10]}."
    yield prefix
    await delete_topics(stack.kafka_bootstrap, prefix)


@pytest.fixture(scope="session")
def token_mint() -> TokenMint:
    return TokenMint()


@pytest.fixture
def service_settings(stack, postgres_url, topic_prefix, token_mint):
    """service_settings(SettingsClass, **overrides): a service's settings on the real stack,
    with its own fresh database and topic prefix, trusting the test's token mint."""
    import json

    from service_runtime.secrets import SecretBox

    def build(settings_class, **overrides):
        values = {
            "database_url": postgres_url,
            "kafka_bootstrap": stack.kafka_bootstrap,
            "topic_prefix": topic_prefix,
            "jwks_json": json.dumps(token_mint.jwks),
            "redis_url": stack.redis_url,
            "log_json": False,
            "relay_poll_seconds": 0.1,
            "consumer_heartbeat_interval_ms": TEST_HEARTBEAT_INTERVAL_MS,
            "invitation_keys": [INVITATION_KEY],  # read by access and the notifier, ignored by the others
            "secret_keys": [SecretBox.generate_key()],
        }
        return settings_class(**(values | overrides))

    return build


@pytest.fixture
def operator(token_mint) -> dict[str, str]:
    """Authorization headers of a print-provider operator."""
    return token_mint.headers("operator")
