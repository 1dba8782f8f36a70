import pytest

from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.testing.helpers import running


@pytest.fixture
def connector_settings(service_settings) -> ConnectorSettings:
    return service_settings(ConnectorSettings)


@pytest.fixture
async def api(connector_settings):
    async with running(create_app(connector_settings)) as http:
        yield http
