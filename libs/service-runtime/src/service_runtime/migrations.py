"""A small, ordered schema migration runner (one list per service).

Each migration runs once, in order, inside a transaction, and is recorded in
``schema_migrations``. On PostgreSQL an advisory lock keeps two processes of the same
service from migrating at once."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

log = structlog.get_logger()

_LOCK_ID = 7_340_001


@dataclass(frozen=True)
class Migration:
    id: str
    upgrade: Callable[[Connection], None]


def create_tables(*models: type[SQLModel]) -> Callable[[Connection], None]:
    """An upgrade step creating the given tables as declared (use for a table's first version)."""

    def upgrade(connection: Connection) -> None:
        SQLModel.metadata.create_all(connection, tables=[m.__table__ for m in models])  # type: ignore[attr-defined]

    return upgrade


def add_columns(model: type[SQLModel], *names: str) -> Callable[[Connection], None]:
    """An upgrade step adding the model's named columns where they are missing (a table
    first created from today's model already has them)."""

    def upgrade(connection: Connection) -> None:
        table = model.__table__  # type: ignore[attr-defined]
        present = {column["name"] for column in inspect(connection).get_columns(table.name)}
        for name in names:
            if name in present:
                continue
            column = table.columns[name]
            ddl = column.type.compile(dialect=connection.dialect)
            default = column.server_default.arg if column.server_default is not None else None
            if default is not None and not isinstance(default, str):
                default = str(default.compile(dialect=connection.dialect))
            clause = f" NOT NULL DEFAULT {default}" if default is not None and not column.nullable else ""
            connection.execute(text(f'ALTER TABLE {table.name} ADD COLUMN "{name}" {ddl}{clause}'))

    return upgrade


def create_indexes(model: type[SQLModel], *names: str) -> Callable[[Connection], None]:
    """An upgrade step creating the model's named indexes where they are missing."""

    def upgrade(connection: Connection) -> None:
        table = model.__table__  # type: ignore[attr-defined]
        for index in table.indexes:
            if index.name in names:
                index.create(connection, checkfirst=True)

    return upgrade


def run_all(*steps: Callable[[Connection], None]) -> Callable[[Connection], None]:
    def upgrade(connection: Connection) -> None:
        for step in steps:
            step(connection)

    return upgrade


async def migrate(engine: AsyncEngine, migrations: Sequence[Migration]) -> list[str]:
    async with engine.begin() as connection:
        return await connection.run_sync(_apply, list(migrations))


def _apply(connection: Connection, migrations: list[Migration]) -> list[str]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    connection.execute(
        text("CREATE TABLE IF NOT EXISTS schema_migrations (id VARCHAR(200) PRIMARY KEY, applied_at VARCHAR(40) NOT NULL)")
    )
    done = {row[0] for row in connection.execute(text("SELECT id FROM schema_migrations"))}
    applied = []
    for migration in migrations:
        if migration.id in done:
            continue
        migration.upgrade(connection)
        connection.execute(
            text("INSERT INTO schema_migrations (id, applied_at) VALUES (:id, :at)"),
            {"id": migration.id, "at": datetime.now(UTC).isoformat()},
        )
        applied.append(migration.id)
        log.info("schema.migrated", migration=migration.id)
    return applied
