from pathlib import Path

import pytest

from notifier.main import create_app
from notifier.settings import NotifierSettings
from service_runtime.testing.helpers import load_module, running

fakes = load_module("notifier_test_fakes", Path(__file__).parent / "fakes.py")


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
def notifier_settings(service_settings, stack) -> NotifierSettings:
    return service_settings(
        NotifierSettings,
        smtp_host=stack.smtp_host,
        smtp_port=stack.smtp_port,
        sweep_seconds=0.2,
        retry_base_seconds=0.5,
    )


@pytest.fixture
async def api(notifier_settings):
    async with running(create_app(notifier_settings)) as http:
        yield http
