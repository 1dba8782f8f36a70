"""The embedded default (SQLite) keeps a unit of work's reads and writes in one
transaction, and keeps its files to their owner."""

import asyncio
import stat

from sqlalchemy import text

from service_runtime.database import create_engine, ping, session_factory
from service_runtime.unit_of_work import SqlUnitOfWork


async def test_two_concurrent_read_modify_write_units_of_work_both_survive(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/counter.db")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)"))
        await connection.execute(text("INSERT INTO counter VALUES (1, 0)"))
    sessions = session_factory(engine)

    async def increment(start_after: float) -> None:
        await asyncio.sleep(start_after)
        async with SqlUnitOfWork(sessions, source="/test") as uow:
            value = (await uow.session.execute(text("SELECT value FROM counter WHERE id = 1"))).scalar_one()
            await asyncio.sleep(0.2)  # the other unit of work starts meanwhile
            await uow.session.execute(text("UPDATE counter SET value = :value WHERE id = 1"), {"value": value + 1})
            await uow.commit()

    try:
        await asyncio.gather(increment(0), increment(0.05))
        async with sessions() as session:
            assert (await session.execute(text("SELECT value FROM counter"))).scalar_one() == 2
    finally:
        await engine.dispose()


async def test_the_data_directory_and_database_files_are_readable_by_their_owner_only(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/data/nested/service.db")
    try:
        await ping(engine)
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        for directory in (tmp_path / "data", tmp_path / "data" / "nested"):
            assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        files = list((tmp_path / "data" / "nested").iterdir())
        assert {f.name for f in files} >= {"service.db", "service.db-wal"}
        assert {stat.S_IMODE(f.stat().st_mode) for f in files} == {0o600}
    finally:
        await engine.dispose()
