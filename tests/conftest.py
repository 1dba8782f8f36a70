"""Services as separate OS processes on the real Kafka, PostgreSQL and SMTP server
(delivery and end-to-end tests)."""

import json

import asyncpg
import pytest

from service_runtime.secrets import SecretBox
from service_runtime.testing.helpers import INVITATION_KEY, create_database, drop_database
from service_runtime.testing.processes import ServiceProcess, free_port

PACKAGES = {
    "client": "client",
    "access": "access",
    "notifier": "notifier",
    "connector": "connector",
    "mapping": "mapping",
    "order_intake": "order_intake",
}


@pytest.fixture
async def databases(stack):
    urls = {name: await create_database(stack.postgres_url) for name in PACKAGES}
    yield urls
    for url in urls.values():
        await drop_database(stack.postgres_url, url)


@pytest.fixture
def launch(stack, topic_prefix, token_mint, databases, tmp_path):
    """launch("client") / launch("access", STOREFRONTS_CRASH_AT=...) → a started ServiceProcess.
    Settings without a STOREFRONTS_ prefix get the service's own prefix (RELAY_ENABLED → CLIENT_RELAY_ENABLED)."""
    started: list[ServiceProcess] = []
    secret_keys = json.dumps([SecretBox.generate_key()])

    def _launch(service: str, *, wait: bool = True, port: int | None = None, **extra: str) -> ServiceProcess:
        prefix = service.upper()
        port = port or free_port()
        env = {
            f"{prefix}_DATABASE_URL": databases[service],
            f"{prefix}_PORT": str(port),
            f"{prefix}_RELAY_POLL_SECONDS": "0.1",
            "STOREFRONTS_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
            "STOREFRONTS_TOPIC_PREFIX": topic_prefix,
            "STOREFRONTS_JWKS_JSON": json.dumps(token_mint.jwks),
            "STOREFRONTS_SECRET_KEYS": secret_keys,
            "STOREFRONTS_INVITATION_KEYS": json.dumps([INVITATION_KEY]),
            "STOREFRONTS_REDIS_URL": stack.redis_url,
            "STOREFRONTS_LOG_JSON": "true",
        }
        env.update({k if k.startswith("STOREFRONTS_") else f"{prefix}_{k}": v for k, v in extra.items()})
        process = ServiceProcess(
            PACKAGES[service], env=env, port=port, log_path=tmp_path / f"{service}-{len(started)}.log"
        )
        process.start(wait=wait)
        started.append(process)
        return process

    yield _launch
    for process in started:
        process.stop()


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
