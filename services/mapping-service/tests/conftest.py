import pytest

from mapping.main import create_app
from mapping.settings import MappingSettings
from service_runtime.testing.helpers import running


@pytest.fixture
def mapping_settings(service_settings) -> MappingSettings:
    """Test config: design files are served from this machine, so loopback is allowed here only."""
    return service_settings(MappingSettings, outbound_allow_private=True, design_file_timeout_seconds=5)


@pytest.fixture
async def api(mapping_settings):
    async with running(create_app(mapping_settings)) as http:
        yield http
