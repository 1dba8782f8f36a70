"""The models match the schema the service's Alembic history creates, on PostgreSQL and SQLite:
a model changed without a new revision fails here (make migration SERVICE=... MSG=...)."""

import os
import sqlite3
import subprocess
import sys

import pytest

from client.bootstrap import build
from client.settings import ClientSettings
from service_runtime.testing.helpers import schema_differences


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
async def test_models_match_the_migrated_schema(service_settings, tmp_path, database):
    sqlite = {"database_url": f"sqlite:///{tmp_path}/client.db"} if database == "sqlite" else {}
    assert await schema_differences(build(service_settings(ClientSettings, **sqlite))) == []


def _migrations(command: str, database_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "service_runtime.migrations", command, "client"],
        env={**os.environ, "CLIENT_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
    )


def test_the_command_line_migrates_a_new_database_to_head_and_checks_it(tmp_path):
    database_url = f"sqlite:///{tmp_path}/client.db"
    upgraded = _migrations("upgrade", database_url)
    assert upgraded.returncode == 0, upgraded.stderr
    checked = _migrations("check", database_url)
    assert (checked.returncode, checked.stdout.strip()) == (0, "client-service: models match")
    with sqlite3.connect(tmp_path / "client.db") as db:
        [(head,)] = db.execute("SELECT version_num FROM alembic_version").fetchall()
    assert head


def test_a_database_of_the_old_runner_is_refused_with_a_clear_error(tmp_path):
    with sqlite3.connect(tmp_path / "client.db") as db:
        db.execute("CREATE TABLE schema_migrations (id VARCHAR(200) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)")
    refused = _migrations("upgrade", f"sqlite:///{tmp_path}/client.db")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: The client-service database was made by the old migration runner")
