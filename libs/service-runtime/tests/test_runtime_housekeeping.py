"""Housekeeping deletes sent outbox rows and inbox rows past their horizon, and keeps
recent ones and outbox rows never sent."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service_runtime.database import create_engine, session_factory
from service_runtime.housekeeping import Housekeeping
from service_runtime.inbox import AppliedEvent
from service_runtime.migrations import RUNTIME_TABLES
from service_runtime.outbox import OutboxMessage
from service_runtime.settings import ServiceSettings
from service_runtime.testing.helpers import create_tables

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/housekeeping.db")
    await create_tables(engine, *RUNTIME_TABLES)
    yield session_factory(engine)
    await engine.dispose()


def _row(event_id: str, *, created: timedelta, sent: timedelta | None = None, failed: bool = False) -> OutboxMessage:
    return OutboxMessage(
        event_id=event_id,
        event_type="t",
        topic="clients.v1",
        message_key="k",
        payload="{}",
        created_at=NOW - created,
        sent_at=None if sent is None else NOW - sent,
        failed_at=NOW if failed else None,
    )


async def test_purges_old_sent_outbox_rows_and_old_inbox_rows_and_keeps_the_rest(sessions):
    async with sessions() as session:
        session.add_all(
            [
                _row("sent-long-ago", created=timedelta(days=9), sent=timedelta(days=8)),
                _row("sent-yesterday", created=timedelta(days=1), sent=timedelta(days=1)),
                _row("never-sent", created=timedelta(days=40)),
                _row("parked", created=timedelta(days=40), failed=True),
                AppliedEvent(consumer="g", event_id="applied-long-ago", applied_at=NOW - timedelta(days=31)),
                AppliedEvent(consumer="g", event_id="applied-last-week", applied_at=NOW - timedelta(days=7)),
            ]
        )
        await session.commit()
    housekeeping = Housekeeping(sessions, ServiceSettings(outbox_retention_days=7, inbox_retention_days=30))

    purged = await housekeeping.purge(now=NOW)

    assert (purged.outbox, purged.inbox) == (1, 1)
    async with sessions() as session:
        outbox = set((await session.execute(select(OutboxMessage.event_id))).scalars())
        inbox = set((await session.execute(select(AppliedEvent.event_id))).scalars())
    assert outbox == {"sent-yesterday", "never-sent", "parked"}
    assert inbox == {"applied-last-week"}
