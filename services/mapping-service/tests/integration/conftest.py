import pytest

from mapping.cli import SAMPLE_CATALOG

from .design_server import design_server


@pytest.fixture
def files():
    """(base URL, paths requested) of a local server of design files."""
    with design_server() as served:
        yield served


@pytest.fixture
async def catalog(api, operator):
    """The sample catalog, loaded as an operator would."""
    loaded = await api.post(
        "/catalog/import", content=SAMPLE_CATALOG.read_bytes(), headers=operator | {"content-type": "text/csv"}
    )
    assert loaded.status_code == 200, loaded.text
