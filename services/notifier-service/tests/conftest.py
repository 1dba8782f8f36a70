import importlib.util
import json
from pathlib import Path

import pytest

from notifier.main import create_app
from notifier.settings import NotifierSettings
from service_runtime.testing.helpers import running


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fakes = _load("notifier_test_fakes", Path(__file__).parent / "fakes.py")  # tests are not a package (importlib mode)


@pytest.fixture
def clock():
    return fakes.FakeClock()


@pytest.fixture
def mailer():
    return fakes.FakeMailer()


@pytest.fixture
def uow():
    return fakes.FakeUnitOfWork()


@pytest.fixture
def notifier_settings(stack, postgres_url, topic_prefix, token_mint) -> NotifierSettings:
    return NotifierSettings(
        database_url=postgres_url,
        kafka_bootstrap=stack.kafka_bootstrap,
        topic_prefix=topic_prefix,
        jwks_json=json.dumps(token_mint.jwks),
        log_json=False,
        relay_poll_seconds=0.1,
        smtp_host=stack.smtp_host,
        smtp_port=stack.smtp_port,
        sweep_seconds=0.2,
        retry_base_seconds=0.5,
    )


@pytest.fixture
async def api(notifier_settings):
    async with running(create_app(notifier_settings)) as http:
        yield http


@pytest.fixture
def operator(token_mint) -> dict[str, str]:
    return token_mint.headers("operator")
