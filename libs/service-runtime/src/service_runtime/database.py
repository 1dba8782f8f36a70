"""Async database access by URL: SQLite (embedded default) or PostgreSQL.

On SQLite every transaction begins with ``BEGIN IMMEDIATE`` (SQLAlchemy's documented
recipe for pysqlite/aiosqlite: the driver's own transaction handling is turned off and
the ``begin`` event emits the BEGIN). pysqlite would otherwise open a transaction only at
the first write, leaving a unit of work's reads outside it, so two concurrent
read-modify-write units of work could lose an update. A connection that only reads and
must not wait for writers (the readiness ping) asks for ``sqlite_begin="DEFERRED"`` in its
execution options. The data directory is created ``0700`` and the database file ``0600``
(SQLite gives its -wal and -shm files the database file's mode)."""

import os
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def async_url(url: str) -> str:
    """Accept the plain URLs people write and pick the async driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def create_engine(url: str, *, pre_ping: bool = True) -> AsyncEngine:
    url = async_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_database_file(Path(parsed.database))
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(url, pool_pre_ping=pre_ping, pool_size=10, max_overflow=10)


def _private_database_file(path: Path) -> None:
    """The data directory (when this creates it) is its owner's only, and so is the file."""
    missing = [parent for parent in [path.parent, *path.parent.parents] if not parent.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700)
        directory.chmod(0o700)  # mkdir's mode is filtered by the umask
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(descriptor)
    path.chmod(0o600)


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # WAL lets readers run beside the single writer; busy_timeout waits instead of failing.
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own: _sqlite_begin does
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql("BEGIN DEFERRED" if mode == "DEFERRED" else "BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        connection = await connection.execution_options(sqlite_begin="DEFERRED")
        await connection.execute(text("SELECT 1"))
