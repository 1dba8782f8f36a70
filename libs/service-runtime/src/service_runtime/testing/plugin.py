"""pytest fixtures over the real stack (loaded by the repository's conftest.py)."""

import uuid

import pytest

from service_runtime.testing.helpers import create_database, drop_database
from service_runtime.testing.infra import Stack, start_stack
from service_runtime.testing.tokens import TokenMint


@pytest.fixture(scope="session")
def stack() -> Stack:
    return start_stack()


@pytest.fixture
async def postgres_url(stack: Stack):
    url = await create_database(stack.postgres_url)
    yield url
    await drop_database(stack.postgres_url, url)


@pytest.fixture
def topic_prefix() -> str:
    """Topics and consumer groups of one test don't see another test's messages."""
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture(scope="session")
def token_mint() -> TokenMint:
    return TokenMint()
