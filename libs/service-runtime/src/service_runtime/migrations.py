"""Schema migrations with Alembic: one migration history per service.

A service keeps its history in ``src/<package>/migrations/`` (``env.py``,
``script.py.mako``, ``versions/NNNN_<slug>.py``) and names its own tables in
``adapters/db.py``: ``MIGRATIONS = Migrations(<that folder>, tables=(...))``. The
runtime's tables (outbox, inbox, and the revocations read model for the services that
follow access.v1) belong to every service's metadata, so they are in every history.

``Runtime.start()`` upgrades the database to head (async engine, SQLite or PostgreSQL;
on PostgreSQL under an advisory lock per service, so two processes never migrate at
once). The same from the command line (the service's settings give the database)::

    python -m service_runtime.migrations upgrade client
    python -m service_runtime.migrations revision access -m "users: add a locale"   # after a model change
    python -m service_runtime.migrations check notifier    # exit 1 when the models differ from head
    python -m service_runtime.migrations initial client    # rewrite 0001 from the models (unreleased histories only)

``revision`` and ``initial`` autogenerate against a scratch SQLite database migrated to
the current head, so they need no running database; revisions are written in batch mode
(``render_as_batch``), which SQLite needs to alter tables and PostgreSQL runs as plain
ALTERs. A database made by the runner this module replaced (a ``schema_migrations``
table and no ``alembic_version``) is refused with ``LegacySchema``: it is not upgraded
in place.
"""

import argparse
import asyncio
import importlib
import sys
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import structlog
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations.ops import MigrationScript
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, MetaData, Table, TypeDecorator, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel

from service_runtime.database import create_engine
from service_runtime.inbox import AppliedEvent
from service_runtime.outbox import OutboxMessage
from service_runtime.revocations import RevokedAccess

if TYPE_CHECKING:  # the runtime imports this module
    from service_runtime.runtime import Runtime

log = structlog.get_logger()

RUNTIME_TABLES: tuple[type[SQLModel], ...] = (OutboxMessage, AppliedEvent)
REVOCATION_TABLES: tuple[type[SQLModel], ...] = (RevokedAccess,)


class LegacySchema(RuntimeError):
    """The database was made by the pre-Alembic runner (``schema_migrations``)."""


def metadata_of(*models: type[SQLModel]) -> MetaData:
    """The given tables, copied onto a metadata of their own."""
    metadata = MetaData()
    for model in models:
        table = inspect(model).local_table
        assert isinstance(table, Table)  # a table=True model maps one table
        table.to_metadata(metadata)
    return metadata


@dataclass(frozen=True)
class Migrations:
    """A service's migration history and the tables it owns (besides the runtime's)."""

    directory: Path
    tables: tuple[type[SQLModel], ...] = ()

    def metadata(self, *, revocations: bool) -> MetaData:
        """The service's tables on a metadata of their own: SQLModel's shared metadata
        holds every imported service's tables, this one only what the service migrates."""
        return metadata_of(*RUNTIME_TABLES, *(REVOCATION_TABLES if revocations else ()), *self.tables)

    def config(self, metadata: MetaData) -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.directory))
        config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        config.attributes["metadata"] = metadata
        return config


def run_env() -> None:
    """The body of every service's ``migrations/env.py``: migrate on the connection the
    runtime hands over (never from alembic.ini, which services do not have)."""
    from alembic import context

    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        raise SystemExit("Run migrations with `python -m service_runtime.migrations`, not the alembic command.")
    context.configure(
        connection=connection,
        target_metadata=config.attributes["metadata"],
        render_as_batch=True,
        compare_type=True,
        process_revision_directives=_refuse_empty_revision,
        render_item=_plain_types,
    )
    with context.begin_transaction():
        context.run_migrations()


def _plain_types(kind: str, value: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Revisions name SQLAlchemy's own types (String, DateTime), not the model library's
    wrappers around them: a revision must mean the same thing when the library changes."""
    if kind == "type" and isinstance(value, TypeDecorator):
        return f"sa.{value.impl_instance!r}"
    return False


def _refuse_empty_revision(context: MigrationContext, revision: object, directives: list[MigrationScript]) -> None:
    """A revision with nothing in it is not written (the models did not change)."""
    upgrade_ops = directives[0].upgrade_ops
    if upgrade_ops is None or upgrade_ops.is_empty():
        directives[:] = []
        if context.config is not None:  # always, under run_env (new_revision reads the flag)
            context.config.attributes["empty"] = True


def lock_id(service: str) -> int:
    return zlib.crc32(f"storefronts-migrations:{service}".encode())


async def upgrade(
    engine: AsyncEngine, migrations: Migrations, metadata: MetaData, *, service: str, revision: str = "head"
) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, migrations.config(metadata), service, revision)


def _upgrade(connection: Connection, config: Config, service: str, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id(service)})
    tables = set(inspect(connection).get_table_names())
    if "schema_migrations" in tables and "alembic_version" not in tables:
        raise LegacySchema(
            f"The {service} database was made by the old migration runner (it has a schema_migrations table) "
            "and cannot be upgraded in place. Export what you need, then drop the database (with SQLite: delete "
            "its file under var/data/) and start the service again."
        )
    before = MigrationContext.configure(connection).get_current_revision()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    after = MigrationContext.configure(connection).get_current_revision()
    if after != before:
        log.info("schema.migrated", service=service, revision=after, previous=before)


async def differences(engine: AsyncEngine, metadata: MetaData) -> list[Any]:
    """What autogenerate finds between the models and the database (empty: they match)."""
    async with engine.connect() as connection:
        return await connection.run_sync(_differences, metadata)


def _differences(connection: Connection, metadata: MetaData) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
    found: list[Any] = compare_metadata(context, metadata)  # alembic's diff tuples
    return found


async def new_revision(
    migrations: Migrations, metadata: MetaData, *, message: str, initial: bool = False
) -> Path | None:
    """Autogenerates the next revision (``initial``: rewrites the history as one 0001) from
    the models, against a scratch SQLite database at the current head. None: no change."""
    versions = migrations.directory / "versions"
    versions.mkdir(exist_ok=True)
    if initial:
        for old in versions.glob("*.py"):
            old.unlink()
    config = migrations.config(metadata)
    head = ScriptDirectory.from_config(config).get_current_head()
    rev_id = f"{int(head) + 1:04d}" if head else "0001"
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{scratch}/scratch.db")
        try:
            await upgrade(engine, migrations, metadata, service="scratch")
            async with engine.begin() as connection:
                await connection.run_sync(_revision, config, message, rev_id)
        finally:
            await engine.dispose()
    if config.attributes.get("empty"):
        return None
    return next(versions.glob(f"{rev_id}_*.py"))


def _revision(connection: Connection, config: Config, message: str, rev_id: str) -> None:
    config.attributes["connection"] = connection
    command.revision(config, message=message, autogenerate=True, rev_id=rev_id)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m service_runtime.migrations", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("upgrade", "revision", "check", "initial"))
    parser.add_argument("service", help="client, access, notifier, connector, mapping or order-intake")
    parser.add_argument("-m", "--message", help="what changed (revision)")
    args = parser.parse_args(argv)
    runtime = _runtime_of(args.service)
    if args.command == "revision" and not args.message:
        parser.error("revision needs -m/--message")
    return asyncio.run(_run(runtime, args))


async def _run(runtime: "Runtime", args: argparse.Namespace) -> int:
    try:
        if args.command == "upgrade":
            await runtime.migrate()
            print(f"{runtime.settings.service_name}: database at head")
        elif args.command == "check":
            found = await differences(runtime.engine, runtime.metadata)
            for difference in found:
                print(difference)
            print(f"{runtime.settings.service_name}: {'models differ from the database' if found else 'models match'}")
            return 1 if found else 0
        else:
            written = await new_revision(
                runtime.migrations,
                runtime.metadata,
                message=args.message or "initial",
                initial=args.command == "initial",
            )
            print(f"wrote {written}" if written else "no model change: no revision written")
    except LegacySchema as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        await runtime.engine.dispose()
    return 0


def _runtime_of(service: str) -> "Runtime":
    """The service's own runtime, built by its bootstrap from its settings (environment)."""
    from service_runtime.settings import ServiceSettings

    package = service.removesuffix("-service").replace("-", "_")
    settings_module = importlib.import_module(f"{package}.settings")
    [settings_class] = [
        value
        for value in vars(settings_module).values()
        if isinstance(value, type)
        and issubclass(value, ServiceSettings)
        and value is not ServiceSettings
        and value.__module__ == settings_module.__name__
    ]
    runtime: Runtime = importlib.import_module(f"{package}.bootstrap").build(settings_class())
    return runtime


if __name__ == "__main__":
    # run as the imported module, so its LegacySchema is the one the runtime raises
    from service_runtime.migrations import main as imported_main

    sys.exit(imported_main(sys.argv[1:]))
