import pytest

from client.main import create_app
from client.settings import ClientSettings
from service_runtime.testing.helpers import running


@pytest.fixture
def client_settings(service_settings) -> ClientSettings:
    return service_settings(ClientSettings)


@pytest.fixture
async def api(client_settings):
    async with running(create_app(client_settings)) as http:
        yield http
