"""The relay's ordering and failure rules, on SQLite with a producer that can fail."""

import asyncio

import pytest
import structlog
from aiokafka.errors import KafkaError
from sqlalchemy import select

from service_runtime.database import create_engine, session_factory
from service_runtime.migrations import RUNTIME_TABLES
from service_runtime.outbox import MAX_EVENT_BYTES_KEY, EventTooLarge, OutboxMessage
from service_runtime.relay import PASS_FAILURES, OutboxRelay
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import create_tables, eventually
from service_runtime.unit_of_work import SqlUnitOfWork
from storefront_events import ClientCreated, ClientUpdated, decode


class RecordRejected(KafkaError):
    """What the broker answers for a record it will never take (non-retriable)."""


class FlakyProducer:
    """Fails the sends it is told to; like aiokafka's idempotent producer, once a send of a
    key failed, every later send of that key fails too until the producer is rebuilt."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.published: list[tuple[str, bytes, bytes]] = []
        self.fail_next: set[int] = set()
        self.poison = b"never-publishable"
        self.broken_keys: set[bytes] = set()

    async def send(self, topic, *, value, key, headers):
        self.sent.append((topic, key, value))
        future = asyncio.get_running_loop().create_future()
        if len(self.sent) in self.fail_next or self.poison in value or key in self.broken_keys:
            self.broken_keys.add(key)
            future.set_exception(RecordRejected("record rejected"))
        else:
            self.published.append((topic, key, value))
            future.set_result(None)
        return future


class FakeMessaging:
    def __init__(self) -> None:
        self.producer = FlakyProducer()
        self.restarts = 0

    async def restart_producer(self) -> None:
        self.restarts += 1
        self.producer.broken_keys.clear()


@pytest.fixture
async def setup(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/relay.db")
    await create_tables(engine, *RUNTIME_TABLES)
    sessions = session_factory(engine)
    messaging = FakeMessaging()
    relay = OutboxRelay(engine, sessions, messaging, ServiceSettings(topic_prefix="p.", relay_max_attempts=2))
    yield sessions, messaging.producer, relay
    await engine.dispose()


async def _write(sessions, *events, holds_secret: bool = False) -> None:
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        for event in events:
            uow.outbox.add(event, holds_secret=holds_secret)
        await uow.commit()


async def _unsent(sessions) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.event_type).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
        )
        return list(rows.scalars())


async def _rows(sessions) -> list[OutboxMessage]:
    async with sessions() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


def _update(client_id: str, name: str, description: str | None = None) -> ClientUpdated:
    return ClientUpdated(client_id=client_id, name=name, reference_id=None, description=description)


async def test_publishes_in_commit_order_to_the_prefixed_topic_with_the_aggregate_key(setup):
    sessions, producer, relay = setup
    created = ClientCreated(client_id="c1", name="A", reference_id=None, description=None)
    updated = ClientUpdated(client_id="c1", name="B", reference_id=None, description=None)
    await _write(sessions, created, updated)

    assert (await relay.publish_pending()).sent == 2
    assert [(t, k) for t, k, _ in producer.sent] == [("p.clients.v1", b"c1"), ("p.clients.v1", b"c1")]
    assert [decode(v).event_id for _, _, v in producer.sent] == [created.event_id, updated.event_id]
    assert await _unsent(sessions) == []
    assert (await relay.publish_pending()).sent == 0


async def test_a_failed_send_holds_back_only_its_own_key_and_later_sends_that_succeeded_are_marked(setup):
    sessions, producer, relay = setup
    await _write(sessions, _update("c1", "v0"), _update("c2", "w0"), _update("c1", "v1"), _update("c2", "w1"))
    producer.fail_next = {1}  # the first row (c1 v0) fails; every send is awaited before marking

    done = await relay.publish_pending()

    assert (done.sent, done.failed) == (2, 2)
    rows = await _rows(sessions)
    assert [(r.message_key, r.sent_at is not None) for r in rows] == [
        ("c1", False),
        ("c2", True),
        ("c1", False),
        ("c2", True),
    ]
    assert rows[0].last_error and "record rejected" in rows[0].last_error

    producer.fail_next = set()
    assert (await relay.publish_pending()).sent == 2
    c1_published = [decode(v).name for _, k, v in producer.published if k == b"c1"]
    assert c1_published == ["v0", "v1"]  # a key's rows go out in id order, the later one only after the earlier
    assert await _unsent(sessions) == []


async def test_a_row_that_keeps_failing_is_parked_visibly_and_holds_back_only_its_key(setup):
    sessions, producer, relay = setup
    await _write(sessions, _update("c1", "v0", "never-publishable"), _update("c2", "w0"), _update("c1", "v1"))

    for _ in range(5):
        await relay.publish_pending()
    await _write(sessions, _update("c2", "w1"), _update("c1", "v2"))
    await relay.publish_pending()

    poison, w0, v1, w1, v2 = await _rows(sessions)
    assert poison.failed_at is not None and poison.sent_at is None
    assert poison.attempts == 2 and "record rejected" in poison.last_error
    assert w0.sent_at is not None and w1.sent_at is not None  # other keys keep flowing
    assert v1.sent_at is None and v2.sent_at is None and v1.failed_at is None  # held behind the parked row
    assert [k for _, k, _ in producer.published] == [b"c2", b"c2"]  # nothing of c1 went out of order
    backlog = await relay.backlog()
    assert backlog.parked == 1
    assert backlog.oldest_unsent_age_seconds is not None


async def test_an_oversize_event_is_refused_when_it_is_added(setup):
    sessions, _producer, _relay = setup
    sessions.configure(info={MAX_EVENT_BYTES_KEY: 2_000})
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        uow.outbox.add(_update("c1", "small"))
        with pytest.raises(EventTooLarge, match="limited to 2000 bytes"):
            uow.outbox.add(_update("c1", "big", "x" * 3_000))
        await uow.commit()
    assert await _unsent(sessions) == ["storefronts.client.updated.v1"]


async def test_an_oversize_row_that_reaches_the_relay_is_parked_and_does_not_wedge_it(setup):
    sessions, producer, relay = setup
    async with SqlUnitOfWork(sessions, source="/test") as uow:
        uow.session.add(
            OutboxMessage(
                event_id="huge", event_type="t", topic="clients.v1", message_key="c1", payload="x" * 1_000_000
            )
        )
        await uow.commit()
    await _write(sessions, _update("c2", "w0"), _update("c1", "v1"))

    for _ in range(3):
        await relay.publish_pending()

    huge, w0, v1 = await _rows(sessions)
    assert huge.failed_at is not None and "RowTooLarge" in huge.last_error
    assert w0.sent_at is not None and v1.sent_at is None
    assert [k for _, k, _ in producer.sent] == [b"c2"]  # the oversize row never reached the producer


async def test_a_row_holding_a_secret_keeps_no_payload_once_sent(setup):
    sessions, producer, relay = setup
    await _write(sessions, _update("c1", "secret link https://x/accept?token=abc"), holds_secret=True)
    await _write(sessions, _update("c2", "plain"))

    assert (await relay.publish_pending()).sent == 2

    secret, plain = await _rows(sessions)
    assert secret.holds_secret and secret.payload == ""
    assert not plain.holds_secret and decode(plain.payload).name == "plain"
    assert "token=abc" in decode(producer.published[0][2]).name  # published whole, then cleared


async def test_a_send_cancelled_under_the_relay_is_left_for_the_next_pass(setup):
    sessions, producer, relay = setup
    await _write(sessions, _update("c1", "v0"), _update("c2", "w0"))
    real_send = producer.send

    async def closed_under_the_first_send(topic, *, value, key, headers):
        future = await real_send(topic, value=value, key=key, headers=headers)
        if len(producer.sent) == 1:  # as when the producer is closed before the broker answered
            cancelled = asyncio.get_running_loop().create_future()
            cancelled.cancel()
            producer.published.pop()
            return cancelled
        return future

    producer.send = closed_under_the_first_send
    done = await relay.publish_pending()

    assert (done.sent, done.failed) == (1, 1)
    c1 = (await _rows(sessions))[0]
    assert c1.sent_at is None and c1.attempts == 0 and "SendCancelled" in c1.last_error
    assert (await relay.publish_pending()).sent == 1
    assert await _unsent(sessions) == []


def _pass_failures(error: str) -> float:
    return PASS_FAILURES.labels(error)._value.get()


async def test_a_failed_pass_is_logged_counted_and_retried_even_a_cancellation_that_is_not_the_relays(setup):
    sessions, producer, relay = setup
    await _write(sessions, _update("c1", "v0"))
    real_pass = relay.publish_pending
    failures = [ConnectionRefusedError("database restarting"), asyncio.CancelledError()]

    async def failing_twice():
        if failures:
            raise failures.pop(0)  # the second: a query cancelled under the relay, not a stop
        return await real_pass()

    relay.publish_pending = failing_twice
    before = (_pass_failures("ConnectionRefusedError"), _pass_failures("CancelledError"))
    with structlog.testing.capture_logs() as logs:
        relay.start()
        try:
            await eventually(lambda: _all_sent(sessions), timeout=20)
            assert relay.alive()
        finally:
            await relay.stop()

    assert [decode(v).name for _, _, v in producer.published] == ["v0"]
    after = (_pass_failures("ConnectionRefusedError"), _pass_failures("CancelledError"))
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    failed = [line for line in logs if line["event"] == "outbox.pass_failed"]
    assert [line["error"] for line in failed] == ["ConnectionRefusedError: database restarting", "CancelledError: "]
    assert [line["retry_in"] for line in failed] == [0.2, 0.4]  # backing off
    assert relay.restarts == 0  # retried within the relay, not crashed


async def test_stopping_the_relay_ends_it_even_when_the_pass_turns_the_cancellation_into_another_error(setup):
    _sessions, _producer, relay = setup
    in_pass = asyncio.Event()

    async def driver_that_hides_cancellation():
        in_pass.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise ConnectionResetError("connection closed") from None  # as some drivers answer a cancel
        return None

    relay.publish_pending = driver_that_hides_cancellation
    relay.start()
    await asyncio.wait_for(in_pass.wait(), timeout=10)

    await asyncio.wait_for(relay.stop(), timeout=10)  # a guard against hanging, not a speed assert

    assert not relay.alive()


async def _all_sent(sessions) -> bool:
    return await _unsent(sessions) == []
