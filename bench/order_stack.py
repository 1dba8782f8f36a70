"""The services of the order path as their own processes (``python -m connector``,
``python -m order_intake``), as deploy/services.sh runs them: each its own database (a fresh
PostgreSQL database on the server of ``STOREFRONTS_TEST_POSTGRES_URL``, or a SQLite file),
the shared Kafka under a fresh topic prefix, JSON logs at INFO, encryption keys set. Their
CPU time and peak memory are read from /proc.

The preload: the Shopify stores are written into the connector's database through its own
unit of work (as its tests' ``connected_shopify_store`` does: the OAuth install is not what is
measured), and the facts order intake learns from the other services (``StoreConnected``,
``ProductMapped``) are published straight onto their topics, in bulk."""

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import httpx
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench import kafka, machine
from bench.runtime_phase import BenchError, async_url
from bench.shopify_orders import Shop
from storefront_events import ALL_TOPICS, KAFKA_HEADERS

START_TIMEOUT = 180  # a loaded machine starts Python processes slowly

#: name → (python package, settings prefix)
SERVICES = {
    "connector": ("connector", "CONNECTOR_"),
    "order-intake": ("order_intake", "ORDER_INTAKE_"),
    "mapping": ("mapping", "MAPPING_"),
    "notifier": ("notifier", "NOTIFIER_"),
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Stack:
    """Where one run's services live: topic prefix, database URLs, keys, logs."""

    bootstrap: str
    repo: Path
    log_dir: Path
    prefix: str
    database: str  # postgresql or sqlite
    urls: dict[str, str]  # service name → database URL
    log_level: str = "INFO"
    secret_keys: str = json.dumps([Fernet.generate_key().decode()])

    def env(self, service: str, port: int) -> dict[str, str]:
        _, settings_prefix = SERVICES[service]
        return os.environ | {
            "PYTHONPATH": os.pathsep.join(filter(None, [str(self.repo), os.environ.get("PYTHONPATH")])),
            f"{settings_prefix}DATABASE_URL": self.urls[service],
            f"{settings_prefix}PORT": str(port),
            "STOREFRONTS_KAFKA_BOOTSTRAP": self.bootstrap,
            "STOREFRONTS_TOPIC_PREFIX": self.prefix,
            "STOREFRONTS_LOG_LEVEL": self.log_level,
            "STOREFRONTS_LOG_JSON": "true",
            "STOREFRONTS_SECRET_KEYS": self.secret_keys,
            "STOREFRONTS_BIND_HOST": "127.0.0.1",
        }


#: A process's part of its service: all of it (as deployed), or, to measure the stages apart
#: (PostgreSQL only: its relays take turns by advisory lock), the HTTP API and consumers
#: without the relay ("front"), or only the outbox relay ("relay").
ROLES = {
    "all": {},
    "front": {"RELAY_ENABLED": "false"},
    "relay": {"RELAY_ENABLED": "true", "CONSUMERS_ENABLED": "false", "HOUSEKEEPING_ENABLED": "false"},
    # The connector's webhook front alone (as a deployment scales its ingress apart): it stores and
    # answers webhooks; a second connector process ("all") works them out, relays and consumes,
    # polling for stored webhooks every 50 ms since no commit in its own process wakes it.
    "ingress": {
        "RELAY_ENABLED": "false",
        "CONSUMERS_ENABLED": "false",
        "HOUSEKEEPING_ENABLED": "false",
        "WEBHOOK_DERIVING_ENABLED": "false",
    },
    "behind-ingress": {"WEBHOOK_DERIVE_POLL_SECONDS": "0.05"},
}


class ServiceProcess:
    """One service, started with ``python -m <package>``, stopped with SIGTERM."""

    def __init__(
        self,
        stack: Stack,
        service: str,
        role: str = "all",
        *,
        env: dict[str, str] | None = None,
        module: str | None = None,
        name: str | None = None,
        niceness: int = 0,
    ) -> None:
        """``module``: run ``python -m <module>`` with the service's settings instead of the
        service itself (e.g. ``bench.intake_raw``); ``env``: more variables; ``niceness``: a lower
        CPU priority (``nice``), so that a latency-bound process beside it is served first."""
        self.service = service
        self.name = name or (f"{service}-{role}" if role in ("relay", "ingress") else service)
        self.port = free_port()
        self.log_path = stack.log_dir / f"{stack.database}-{self.name}.log"
        self._log = self.log_path.open("wb")
        package, settings_prefix = SERVICES[service]
        role_env = {settings_prefix + name: value for name, value in ROLES[role].items()}
        self.process = subprocess.Popen(
            [*(["nice", "-n", str(niceness)] if niceness else []), sys.executable, "-m", module or package],
            cwd=stack.repo,
            env=stack.env(service, self.port) | role_env | (env or {}),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def sample(self) -> machine.ProcessSample:
        return machine.sample(self.process.pid)

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise BenchError(f"{self.name} exited with {self.process.returncode}; its log ends:\n{tail}")

    async def ready(self, timeout: float = START_TIMEOUT) -> float:
        """Waits for ``/readyz`` to answer 200; the seconds it took."""
        started = time.monotonic()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{self.port}", timeout=5) as http:
            while time.monotonic() - started < timeout:
                self.check_alive()
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        return round(time.monotonic() - started, 1)
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.25)
        raise BenchError(f"{self.name} not ready within {timeout:.0f}s (log: {self.log_path})")

    async def backlog(self, http: httpx.AsyncClient) -> dict:
        """From its ``/readyz``: the largest lag of its subscriptions (records) and the age of the
        oldest unsent outbox row (seconds); None where it does not say (or does not answer)."""
        try:
            ready = (await http.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2)).json()
        except (httpx.HTTPError, ValueError):
            return {"lag": None, "outbox_age_seconds": None}
        lags = [s.get("lag") for s in (ready.get("subscriptions") or {}).values() if s.get("lag") is not None]
        relay = ready.get("relay") or {}
        return {"lag": max(lags) if lags else None, "outbox_age_seconds": relay.get("oldest_unsent_age_seconds")}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


async def create_databases(
    postgres_url: str, run_id: str, services: tuple[str, ...] = ("connector", "order-intake")
) -> tuple[dict[str, str], str]:
    """A fresh database per service on the server; their URLs and the server's version."""
    server = await asyncpg.connect(postgres_url)
    urls = {}
    try:
        version = await server.fetchval("SHOW server_version")
        for service in services:
            name = f"ob_{run_id}_{service.replace('-', '_')}"
            await server.execute(f'CREATE DATABASE "{name}"')
            urls[service] = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await server.close()
    return urls, version


async def drop_databases(postgres_url: str, urls: dict[str, str]) -> None:
    server = await asyncpg.connect(postgres_url)
    try:
        for url in urls.values():
            await server.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await server.close()


def sqlite_urls(directory: Path) -> dict[str, str]:
    return {service: f"sqlite:///{directory / f'{service}.db'}" for service in ("connector", "order-intake")}


async def create_topics(stack: Stack) -> None:
    await kafka.create_topics(stack.bootstrap, {stack.prefix + t.name: t.partitions for t in ALL_TOPICS})


async def connect_stores(stack: Stack, shop_list: list[Shop], *, access_token: str = "shpat_bench") -> None:
    """The shops as connected Shopify stores in the connector's database (migrated first),
    through the connector's own unit of work and vault, with a sealed access token."""
    from connector.bootstrap import build
    from connector.domain.stores import Store
    from connector.settings import ConnectorSettings

    settings = ConnectorSettings(
        database_url=stack.urls["connector"],
        kafka_bootstrap=stack.bootstrap,
        topic_prefix=stack.prefix,
        secret_keys=json.loads(stack.secret_keys),
        log_json=True,
    )
    runtime = build(settings)
    try:
        await runtime.migrate()
        now = datetime.now(UTC)
        async with runtime.uow() as uow:
            for shop in shop_list:
                store = Store(
                    id=shop.store_id,
                    client_id=shop.client_id,
                    platform="shopify",
                    name=shop.domain.split(".")[0],
                    status="connected",
                    test_mode=False,
                    created_at=now,
                    updated_at=now,
                    shop_url=shop.domain,
                )
                uow.stores.add(store)
                await uow.session.flush()
                await uow.stores.keep_credentials(store.id, runtime.vault.seal({"access_token": access_token}))
            await uow.commit()
    finally:
        await runtime.engine.dispose()


async def publish(stack: Stack, records: list[tuple[str, bytes, bytes]]) -> float:
    """Publishes (topic name, key, value) records under the run's prefix; the seconds it took."""
    producer = kafka.producer(stack.bootstrap)
    await producer.start()
    started = time.monotonic()
    try:
        pending = []
        for topic, key, value in records:
            pending.append(await producer.send(stack.prefix + topic, value=value, key=key, headers=KAFKA_HEADERS))
            if len(pending) >= kafka.IN_FLIGHT:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()
    return round(time.monotonic() - started, 2)


class Database:
    """Reads a service's tables: the preload's progress, what the connector made durable."""

    def __init__(self, url: str) -> None:
        self.engine = create_async_engine(async_url(url))
        self.name = url.rsplit("/", 1)[1].split("?")[0]  # the database's name

    async def count(self, sql: str, **params: object) -> int:
        async with self.engine.connect() as connection:
            return int(await connection.scalar(text(sql), params) or 0)

    async def column(self, sql: str) -> list:
        async with self.engine.connect() as connection:
            return list((await connection.execute(text(sql))).scalars())

    async def close(self) -> None:
        await self.engine.dispose()


async def until(check, *, processes: list[ServiceProcess], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        for process in processes:
            process.check_alive()
        if time.monotonic() > deadline:
            raise BenchError(f"{what} not seen within {timeout:.0f}s")
        await asyncio.sleep(0.25)
