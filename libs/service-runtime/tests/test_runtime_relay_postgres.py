"""The relay on the real PostgreSQL and Kafka: it survives losing its database, two relays
of one service never publish at once, a row the broker refuses never wedges it, and
/readyz tells how it is doing."""

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from service_runtime.http import create_api
from service_runtime.runtime import Runtime
from service_runtime.secrets import SecretBox
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import RUNTIME_ONLY, eventually, running
from service_runtime.testing.proxy import TcpProxy
from storefront_events import ClientUpdated, decode

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def settings(stack, postgres_url, topic_prefix):
    def build(database_url: str | None = None, **overrides) -> ServiceSettings:
        values = {
            "service_name": "relay-test",
            "database_url": database_url or postgres_url,
            "kafka_bootstrap": stack.kafka_bootstrap,
            "topic_prefix": topic_prefix,
            "consumers_enabled": False,
            "housekeeping_enabled": False,
            "relay_poll_seconds": 0.05,
            "log_json": False,
            "secret_keys": [SecretBox.generate_key()],
        }
        return ServiceSettings(**(values | overrides))

    return build


@pytest.fixture
async def proxies(postgres_url):
    opened: list[TcpProxy] = []

    async def open_one() -> TcpProxy:
        proxy = await TcpProxy.for_url(postgres_url).start()
        opened.append(proxy)
        return proxy

    yield open_one
    for proxy in opened:
        await proxy.close()


@contextlib.asynccontextmanager
async def started(settings: ServiceSettings):
    runtime = Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)
    await runtime.start()
    try:
        yield runtime
    finally:
        await runtime.stop()


def _updates(names: list[str], *, keys: int = 20) -> list[ClientUpdated]:
    return [
        ClientUpdated(client_id=f"c{i % keys}", name=name, reference_id=None, description=None)
        for i, name in enumerate(names)
    ]


async def _write(runtime: Runtime, events: list[ClientUpdated]) -> None:
    async with runtime.uow() as uow:
        for event in events:
            uow.outbox.add(event)
        await uow.commit()


async def _unsent(postgres_url: str) -> int:
    connection = await asyncpg.connect(postgres_url)
    try:
        return await connection.fetchval("SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL")
    finally:
        await connection.close()


async def _all_sent(postgres_url: str) -> bool:
    return await _unsent(postgres_url) == 0


async def _read_all(bootstrap: str, topic: str) -> list[tuple[bytes, ClientUpdated]]:
    """Every record of the topic, partition by partition (order within a key kept)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [description] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [TopicPartition(topic, p["partition"]) for p in description["partitions"]]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        records: list[tuple[bytes, ClientUpdated]] = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            for messages in (await consumer.getmany(timeout_ms=1000)).values():
                records.extend((m.key, decode(m.value)) for m in messages)
        return records
    finally:
        await consumer.stop()


async def test_a_standby_relay_survives_losing_its_database_and_takes_over(settings, proxies, postgres_url, stack):
    proxy = await proxies()
    first = Runtime(settings(), migrations=RUNTIME_ONLY, follow_access_revocations=False)
    await first.start()
    standby = Runtime(
        settings(database_url=proxy.url_through(postgres_url)), migrations=RUNTIME_ONLY, follow_access_revocations=False
    )
    await standby.start()
    try:
        await _write(first, _updates(["before"]))
        await eventually(lambda: _all_sent(postgres_url))

        proxy.cut()  # the standby's database restarts
        await asyncio.sleep(3)
        proxy.heal()
        await first.stop()

        await _write(standby, _updates([f"after-{i}" for i in range(50)]))
        await eventually(lambda: _all_sent(postgres_url), timeout=60)
        assert standby.relay.alive()

        proxy.cut()  # and once more while it is the one relaying
        await asyncio.sleep(2)
        proxy.heal()
        await _write(standby, _updates([f"later-{i}" for i in range(50)]))
        await eventually(lambda: _all_sent(postgres_url), timeout=60)
    finally:
        await standby.stop()
        await first.stop()

    names = [event.name for _, event in await _read_all(stack.kafka_bootstrap, standby.settings.topic("clients.v1"))]
    assert {f"after-{i}" for i in range(50)} | {f"later-{i}" for i in range(50)} <= set(names)


async def test_two_relays_of_one_service_never_publish_the_same_rows_even_after_one_lost_its_database(
    settings, proxies, postgres_url, stack
):
    proxy = await proxies()
    async with started(settings(database_url=proxy.url_through(postgres_url))) as first:
        await _write(first, _updates(["warm-up"]))
        await eventually(lambda: _all_sent(postgres_url))
        async with started(settings()) as second:
            proxy.cut()  # the first relay loses its database for a while
            await asyncio.sleep(3)
            proxy.heal()
            await asyncio.sleep(4)  # both relays run again

            names = [f"n{i}" for i in range(3000)]
            for start in range(0, len(names), 250):
                writer = first if start % 500 else second
                await _write(writer, _updates(names[start : start + 250]))
                await asyncio.sleep(0.1)
            await eventually(lambda: _all_sent(postgres_url), timeout=120)

    records = await _read_all(stack.kafka_bootstrap, second.settings.topic("clients.v1"))
    published = [event.name for _, event in records if event.name.startswith("n")]
    duplicates = len(published) - len(set(published))
    assert duplicates == 0
    assert set(published) == set(names)
    for key in {k for k, _ in records}:  # each key's rows in the order they were written
        order = [int(event.name[1:]) for k, event in records if k == key and event.name.startswith("n")]
        assert order == sorted(order)


async def test_a_row_the_broker_refuses_is_parked_and_never_wedges_the_relay(settings, postgres_url, stack):
    # The relay's own size check is lifted so the row reaches the broker, which refuses it.
    tuned = settings(outbox_max_event_bytes=3_000_000, kafka_max_request_bytes=4_000_000, relay_max_attempts=2)
    async with started(tuned) as runtime:
        await _write(runtime, _updates(["first"], keys=1))
        await eventually(lambda: _all_sent(postgres_url))
        connection = await asyncpg.connect(postgres_url)
        try:
            await connection.execute(
                "INSERT INTO outbox_messages (event_id, event_type, topic, message_key, payload, created_at) "
                "VALUES ($1, 'storefronts.client.updated.v1', 'clients.v1', 'c0', $2, now())",
                str(uuid.uuid4()),
                "x" * 2_000_000,
            )
        finally:
            await connection.close()
        after = _updates([f"other-{i}" for i in range(30)], keys=30)  # c0 among them: it must wait
        await _write(runtime, after)

        await eventually(lambda: _unsent_names(postgres_url, exclude_key="c0"), timeout=90)  # others flow

        async def unsent_once_parked():
            connection = await asyncpg.connect(postgres_url)
            try:
                rows = await connection.fetch(
                    "SELECT message_key, failed_at, attempts, last_error "
                    "FROM outbox_messages WHERE sent_at IS NULL ORDER BY id"
                )
            finally:
                await connection.close()
            return rows if any(r["failed_at"] for r in rows) else None

        unsent = await eventually(unsent_once_parked, timeout=60)
        assert [r["message_key"] for r in unsent] == ["c0", "c0"]  # the refused row, and the later one of its key
        huge, waiting = unsent
        assert huge["failed_at"] is not None and huge["attempts"] == 2 and "MessageSizeTooLarge" in huge["last_error"]
        assert waiting["failed_at"] is None
        status = await runtime.relay_status()
        assert status["alive"] and status["parked"] == 1

        await _write(runtime, _updates(["still-flowing"], keys=1) + _updates(["x", "still-flowing-too"], keys=2)[1:])
        await eventually(lambda: _unsent_names(postgres_url, exclude_key="c0"), timeout=60)

    names = [(key, event.name) for key, event in await _read_all(stack.kafka_bootstrap, tuned.topic("clients.v1"))]
    assert (b"c1", "still-flowing-too") in names and (b"c1", "other-1") in names
    assert (b"c0", "other-0") not in names  # held behind the parked row of its key


async def _unsent_names(postgres_url: str, *, exclude_key: str) -> bool:
    connection = await asyncpg.connect(postgres_url)
    try:
        return (
            await connection.fetchval(
                "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL AND message_key <> $1", exclude_key
            )
            == 0
        )
    finally:
        await connection.close()


async def test_readyz_shows_the_relay_alive_and_the_age_of_the_oldest_unsent_row(settings, postgres_url):
    tuned = settings()
    app = create_api(lambda: _runtime(tuned), title="t", description="t", routers=[])
    async with running(app) as http:
        connection = await asyncpg.connect(postgres_url)
        try:
            hour_ago = datetime.now(UTC) - timedelta(hours=1)
            await connection.execute(
                "INSERT INTO outbox_messages (event_id, event_type, topic, message_key, payload, created_at, "
                "holds_secret, attempts, failed_at, last_error) VALUES "
                "('parked', 't', 'clients.v1', 'k1', '{}', $1, false, 5, $1, 'RowTooLarge'), "
                "('waiting', 't', 'clients.v1', 'k1', '{}', $1, false, 0, NULL, NULL)",
                hour_ago,
            )
        finally:
            await connection.close()

        body = (await http.get("/readyz")).json()

    assert body["checks"]["relay"] is True
    assert body["relay"]["alive"] is True
    assert body["relay"]["parked"] == 1
    assert 3500 < body["relay"]["oldest_unsent_age_seconds"] < 4000


async def _runtime(settings: ServiceSettings) -> Runtime:
    return Runtime(settings, migrations=RUNTIME_ONLY, follow_access_revocations=False)
