import pytest

from access.main import create_app
from access.settings import AccessSettings
from service_runtime.testing.helpers import running


@pytest.fixture
def access_settings(service_settings, tmp_path) -> AccessSettings:
    return service_settings(AccessSettings, dev_key_file=str(tmp_path / "keys" / "access-dev.key"))


@pytest.fixture
async def api(access_settings):
    async with running(create_app(access_settings)) as http:
        yield http
