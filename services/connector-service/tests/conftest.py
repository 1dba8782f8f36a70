import pytest

from connector.bootstrap import build
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


@pytest.fixture
async def runtime(connector_settings):
    """The connector's runtime on a migrated database, not started (no consumers, no tasks)."""
    runtime = build(connector_settings)
    await runtime.migrate()
    yield runtime
    await runtime.engine.dispose()
