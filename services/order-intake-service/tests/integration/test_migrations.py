"""The models match the schema the service's Alembic history creates, on PostgreSQL and SQLite:
a model changed without a new revision fails here (make migration SERVICE=... MSG=...)."""

import pytest

from order_intake.bootstrap import build
from order_intake.settings import OrderIntakeSettings
from service_runtime.testing.helpers import schema_differences


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_models_match_the_migrated_schema(service_settings, tmp_path, database):
    sqlite = {"database_url": f"sqlite:///{tmp_path}/order_intake.db"} if database == "sqlite" else {}
    assert await schema_differences(build(service_settings(OrderIntakeSettings, **sqlite))) == []
