"""Small async helpers the tests of every service use."""

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient
from fastapi import FastAPI

from service_runtime.migrations import Migrations
from service_runtime.secrets import SecretBox
from storefront_events import Event, UserInvited, decode

#: The invitation key of the tests (STOREFRONTS_INVITATION_KEYS), one per test run: access and
#: the notifier share it, as in production, and tests open the links it sealed.
INVITATION_KEY = SecretBox.generate_key()


#: Consumers of the tests heartbeat every 250 ms instead of Kafka's 3 s: a service's subscribers join
#: its group one after the other and each waits for the others to rejoin, which they learn from a
#: heartbeat's answer (a service with three subscribers started in 6.5 s, 1.4 s with this). Failure
#: detection (the session timeout) is unchanged.
TEST_HEARTBEAT_INTERVAL_MS = 250


def accept_link(invited: UserInvited) -> str:
    """The invitation link access sealed in ``invited`` for the notifier."""
    return SecretBox([INVITATION_KEY]).decrypt(invited.sealed_accept_url or "")


async def eventually(check: Callable[[], Awaitable[object]], *, timeout: float = 30, interval: float = 0.1):
    """Retries ``check`` until it returns a truthy value without raising; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = await check()
            if result:
                return result
            error: BaseException | None = None
        except AssertionError as failed:
            error = failed
        if time.monotonic() > deadline:
            if error:
                raise error
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


async def create_database(server_url: str, *, durable: bool = True) -> str:
    """A fresh, empty PostgreSQL database on the test server; returns its URL.

    ``durable=False`` (the tests' fixtures): its sessions commit without waiting for the WAL to
    reach the disk (``synchronous_commit = off``). What a committed transaction is and shows does
    not change; only a crash of the PostgreSQL server itself could lose the last few commits, and
    no test crashes it. Each commit then costs about 0.8 ms instead of 2.5 ms here. Benchmarks keep
    the server's durable default."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
        if not durable:
            await connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')
    finally:
        await connection.close()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


async def drop_database(server_url: str, database_url: str) -> None:
    name = database_url.rsplit("/", 1)[1]
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def delete_topics(bootstrap: str, prefix: str) -> None:
    """Deletes every topic whose name starts with ``prefix`` (a test's own topics)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        mine = [name for name in await admin.list_topics() if name.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
    finally:
        await admin.close()


async def read_topic(
    bootstrap: str, topic: str, *, count: int, timeout: float = 30
) -> list[tuple[bytes | None, Event | bytes, dict]]:
    """Reads ``count`` records from the start of ``topic``: (key, decoded event or raw value, headers)."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    records: list = []
    try:
        deadline = time.monotonic() + timeout
        while len(records) < count and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                for message in messages:
                    try:
                        value: Event | bytes = decode(message.value)
                    except ValueError:
                        value = message.value
                    records.append((message.key, value, {k: v for k, v in message.headers}))
    finally:
        await consumer.stop()
    return records


@asynccontextmanager
async def running(app: FastAPI):
    """Runs the app's lifespan (database, Kafka, relay, consumers) and yields an HTTP client on it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


def assert_conforms_to_contract(value: bytes) -> None:
    """The record is a CloudEvent whose envelope and data validate against the JSON Schemas
    committed in libs/events/schemas (what consumers were promised)."""
    import json

    import jsonschema

    from storefront_events.schemas import SCHEMA_DIR

    envelope = json.loads(value)
    jsonschema.validate(envelope, json.loads((SCHEMA_DIR / "envelope.json").read_text()))
    data_schema = json.loads((SCHEMA_DIR / f"{envelope['type']}.json").read_text())
    jsonschema.validate(envelope["data"], data_schema)


async def read_raw(bootstrap: str, topic: str, *, count: int, timeout: float = 30) -> list[bytes]:
    """The values of the first ``count`` records of ``topic``, undecoded."""
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    values: list[bytes] = []
    try:
        deadline = time.monotonic() + timeout
        while len(values) < count and time.monotonic() < deadline:
            for messages in (await consumer.getmany(timeout_ms=500)).values():
                values.extend(m.value for m in messages)
    finally:
        await consumer.stop()
    return values


def load_module(name: str, path) -> object:
    """Imports a file by its path: test folders are not packages (pytest's importlib mode),
    so a service's tests/fakes.py, or deploy/smtp_catcher.py, are loaded this way."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def create_tables(engine, *models) -> None:
    """Tests of the runtime alone (no service, so no migration history): the given tables as declared."""
    from service_runtime.migrations import metadata_of

    async with engine.begin() as connection:
        await connection.run_sync(metadata_of(*models).create_all)


async def schema_differences(runtime) -> list:
    """Upgrades the runtime's database to the head of its service's Alembic history, then
    returns what autogenerate finds between the service's models and that schema ([]: they match)."""
    from service_runtime.migrations import differences

    try:
        await runtime.migrate()
        return await differences(runtime.engine, runtime.metadata)
    finally:
        await runtime.engine.dispose()


# A history holding the runtime's tables alone (outbox, inbox, revocations): for tests of the
# runtime without a service. `make migrations-initial` rewrites it with the services' histories.
RUNTIME_ONLY = Migrations(Path(__file__).parent / "runtime_migrations")
