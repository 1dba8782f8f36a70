"""The models match the schema the service's Alembic history creates, on PostgreSQL and SQLite:
a model changed without a new revision fails here (make migration SERVICE=... MSG=...)."""

import pytest

from access.bootstrap import build
from access.settings import AccessSettings
from service_runtime.testing.helpers import schema_differences


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_models_match_the_migrated_schema(service_settings, tmp_path, database):
    sqlite = {"database_url": f"sqlite:///{tmp_path}/access.db"} if database == "sqlite" else {}
    settings = service_settings(AccessSettings, dev_key_file=str(tmp_path / "access-dev.key"), **sqlite)
    assert await schema_differences(build(settings)) == []
