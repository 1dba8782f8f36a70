"""The embedded SQLite database is readable by its owner only."""

import os
import stat

from service_runtime.database import create_engine, ping


async def test_the_sqlite_files_and_the_directory_made_for_them_are_the_owners_alone(tmp_path):
    previous = os.umask(0o022)  # a usual umask: files would be world-readable
    try:
        engine = create_engine(f"sqlite:///{tmp_path}/data/service.db")
        await ping(engine)
        async with engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            await connection.exec_driver_sql("INSERT INTO t VALUES (1)")
        files = sorted((tmp_path / "data").iterdir())
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in files}
        await engine.dispose()
    finally:
        os.umask(previous)
    assert "service.db" in modes and "service.db-wal" in modes
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


async def test_an_existing_database_file_loses_its_group_and_other_permissions(tmp_path):
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    engine = create_engine(f"sqlite:///{database}")
    await ping(engine)
    await engine.dispose()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
