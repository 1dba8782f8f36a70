"""Services as separate OS processes on the real Kafka, PostgreSQL and SMTP server
(delivery and end-to-end tests)."""

import asyncpg
import pytest

from service_runtime.testing.helpers import create_database, drop_database
from service_runtime.testing.processes import SERVICE_MODULES, Launcher


@pytest.fixture
async def databases(stack):
    urls = {name: await create_database(stack.postgres_url, durable=False) for name in SERVICE_MODULES}
    yield urls
    for url in urls.values():
        await drop_database(stack.postgres_url, url)


@pytest.fixture
def launch(stack, topic_prefix, token_mint, databases, tmp_path):
    """launch("client") / launch("access", STOREFRONTS_CRASH_AT=...) → a started ServiceProcess.
    Settings without a STOREFRONTS_ prefix get the service's own prefix (RELAY_ENABLED → CLIENT_RELAY_ENABLED)."""
    launcher = Launcher(stack, topic_prefix=topic_prefix, token_mint=token_mint, databases=databases, log_dir=tmp_path)
    yield launcher
    launcher.stop_all()


@pytest.fixture
def access_read_model(databases):
    """access_read_model() → {client id: (name, aggregate version held)} from the access service's
    database (None for events sent without a version). How many events were applied, each once,
    is the inbox's count: ``applied_events``."""

    async def read() -> dict[str, tuple[str, int | None]]:
        connection = await asyncpg.connect(databases["access"])
        try:
            rows = await connection.fetch("SELECT id, name, version FROM known_clients")
            return {r["id"]: (r["name"], r["version"]) for r in rows}
        except asyncpg.UndefinedTableError:
            return {}
        finally:
            await connection.close()

    return read


@pytest.fixture
def applied_events(databases):
    """applied_events() → how many events the access service recorded as applied."""

    async def count() -> int:
        connection = await asyncpg.connect(databases["access"])
        try:
            return await connection.fetchval("SELECT count(*) FROM applied_events")
        finally:
            await connection.close()

    return count
