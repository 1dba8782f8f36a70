"""Two services as separate OS processes on the real Kafka and PostgreSQL."""

import json

import pytest

from service_runtime.testing.helpers import create_database, drop_database
from service_runtime.testing.processes import ServiceProcess, free_port


@pytest.fixture
async def databases(stack):
    urls = {name: await create_database(stack.postgres_url) for name in ("client", "access")}
    yield urls
    for url in urls.values():
        await drop_database(stack.postgres_url, url)


@pytest.fixture
def launch(stack, topic_prefix, token_mint, databases, tmp_path):
    """launch("client") / launch("access", crash_at=...) → a started ServiceProcess."""
    started: list[ServiceProcess] = []

    def _launch(service: str, *, wait: bool = True, **extra: str) -> ServiceProcess:
        prefix = service.upper()
        port = free_port()
        env = {
            f"{prefix}_DATABASE_URL": databases[service],
            f"{prefix}_PORT": str(port),
            f"{prefix}_RELAY_POLL_SECONDS": "0.1",
            "STOREFRONTS_KAFKA_BOOTSTRAP": stack.kafka_bootstrap,
            "STOREFRONTS_TOPIC_PREFIX": topic_prefix,
            "STOREFRONTS_JWKS_JSON": json.dumps(token_mint.jwks),
            "STOREFRONTS_LOG_JSON": "true",
        }
        env.update({k if k.startswith("STOREFRONTS_") else f"{prefix}_{k}": v for k, v in extra.items()})
        process = ServiceProcess(service, env=env, port=port, log_path=tmp_path / f"{service}-{len(started)}.log")
        process.start(wait=wait)
        started.append(process)
        return process

    yield _launch
    for process in started:
        process.stop()
