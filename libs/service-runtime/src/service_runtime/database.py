"""Async database access by URL: SQLite (embedded default) or PostgreSQL.

On SQLite every transaction begins with ``BEGIN IMMEDIATE`` (SQLAlchemy's documented
recipe for pysqlite/aiosqlite: the driver's own transaction handling is turned off and
the ``begin`` event emits the BEGIN). pysqlite would otherwise open a transaction only at
the first write, leaving a unit of work's reads outside it, so two concurrent
read-modify-write units of work could lose an update. A connection that only reads and
must not wait for writers (the readiness ping) asks for ``sqlite_begin="DEFERRED"`` in its
execution options.

SQLite has one write lock per database, and a writer that finds it taken waits in SQLite's
busy handler, which polls with growing sleeps (up to 100 ms each) and serves nobody in
order: under load (the consumers of several partitions, the relay marking rows sent, HTTP
requests, all in one process) a writer that just committed takes the lock again before
the sleepers wake, so some wait seconds and, after ``busy_timeout``, fail with "database is
locked". So the writers of one process queue first come, first served on an asyncio lock
of the engine (per event loop) before their ``BEGIN IMMEDIATE``, and release it when their
transaction ends (commit, rollback, or the connection going back to the pool): only one
of them at a time asks SQLite for the lock, and the busy handler is left to other
processes (a CLI command beside the service). Waiting longer than ``busy_timeout`` raises
``TimeoutError`` (transient: a consumer retries the batch). The data directory is created ``0700`` and the database file ``0600``
(SQLite gives its -wal and -shm files the database file's mode)."""

import asyncio
import os
import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_

SQLITE_BUSY_TIMEOUT_SECONDS = 30


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
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        writers = _SqliteWriters()
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", writers.begin)
        event.listen(engine.sync_engine, "commit", writers.end)
        event.listen(engine.sync_engine, "rollback", writers.end)
        event.listen(engine.sync_engine.pool, "invalidate", writers.dropped)
        event.listen(engine.sync_engine.pool, "checkin", writers.dropped)
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
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


_WRITE_TURN = "storefronts_sqlite_write_turn"
"""Key of a connection's ``info``: the write lock it holds while its transaction runs."""


class _SqliteWriters:
    """The write transactions of one engine, one at a time, in the order they asked."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def begin(self, connection: Connection) -> None:
        if connection.get_execution_options().get("sqlite_begin") == "DEFERRED":
            connection.exec_driver_sql("BEGIN DEFERRED")  # reads only: never waits for writers
            return
        lock = self._lock()
        await_(asyncio.wait_for(lock.acquire(), SQLITE_BUSY_TIMEOUT_SECONDS))
        connection.info[_WRITE_TURN] = lock
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.end(connection)
            raise

    def end(self, connection: Connection) -> None:
        if not connection.invalidated:  # (its info would reconnect); released when it is invalidated
            _release(connection.info)

    def dropped(self, _dbapi_connection: Any, record: Any, *_exception: object) -> None:
        _release(record.info)  # invalidated (a cancelled statement), or returned without its end seen


def _release(info: dict[Any, Any]) -> None:
    lock = info.pop(_WRITE_TURN, None)
    if isinstance(lock, asyncio.Lock) and lock.locked():
        lock.release()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        connection = await connection.execution_options(sqlite_begin="DEFERRED")
        await connection.execute(text("SELECT 1"))
