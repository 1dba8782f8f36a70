"""Idempotent consumer records: which events a consumer group has applied.

Rows are written in the same transaction as the state change the events caused, so a
redelivered event is recognised and skipped. A batch records all its event ids with one
``INSERT ... ON CONFLICT DO NOTHING RETURNING event_id`` (PostgreSQL, SQLite >= 3.35): the
ids it returns are the new events, the others were applied before (duplicates)."""

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col


class AppliedEvent(SQLModel, table=True):
    __tablename__ = "applied_events"

    consumer: str = Field(primary_key=True, max_length=200)
    event_id: str = Field(primary_key=True, max_length=64)
    applied_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


_APPLIED_EVENTS = AppliedEvent.metadata.tables["applied_events"]

_RECORD_NEW_POSTGRESQL = (
    postgresql.insert(_APPLIED_EVENTS)
    .from_select(
        ["consumer", "event_id", "applied_at"],
        select(
            bindparam("consumer", type_=String),
            func.unnest(bindparam("event_ids", type_=postgresql.ARRAY(String))),
            bindparam("applied_at", type_=DateTime(timezone=True)),
        ),
    )
    .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    .returning(_APPLIED_EVENTS.c.event_id)
)
"""``INSERT ... SELECT :consumer, unnest(:event_ids), :applied_at ON CONFLICT DO NOTHING
RETURNING event_id``: the new ones of a batch's event ids, recorded."""
_RECORD_NEW_SQLITE = (
    sqlite.insert(_APPLIED_EVENTS)
    .on_conflict_do_nothing(index_elements=["consumer", "event_id"])
    .returning(_APPLIED_EVENTS.c.event_id)
)


class Inbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def already_applied(self, consumer: str, event_id: str) -> bool:
        found = await self._session.execute(
            select(col(AppliedEvent.event_id)).where(
                col(AppliedEvent.consumer) == consumer, col(AppliedEvent.event_id) == event_id
            )
        )
        return found.first() is not None

    def record(self, consumer: str, event_id: str) -> None:
        self._session.add(AppliedEvent(consumer=consumer, event_id=event_id))

    async def record_new(self, consumer: str, event_ids: Iterable[str]) -> set[str]:
        """Records the events as applied by ``consumer`` in the current transaction and
        returns those not recorded before (one statement, whatever the number)."""
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return set()
        now = datetime.now(UTC)
        if self._session.get_bind().dialect.name == "postgresql":
            # The ids as one array parameter: the same SQL text whatever the batch's size, so
            # the driver's prepared statement is reused, and nothing done per row in Python.
            found = await self._session.execute(
                _RECORD_NEW_POSTGRESQL, {"consumer": consumer, "event_ids": ids, "applied_at": now}
            )
            return set(found.scalars())
        # One statement compiled once and cached: the rows go as executemany parameters,
        # which SQLAlchemy sends as multi-row VALUES ("insertmanyvalues"), RETURNING kept.
        rows = [{"consumer": consumer, "event_id": event_id, "applied_at": now} for event_id in ids]
        return set((await self._session.execute(_RECORD_NEW_SQLITE, rows)).scalars())

    async def forget(self, consumer: str, event_ids: Iterable[str]) -> None:
        """Removes records written in the current transaction for events that were then
        not applied (a batch cut short before them)."""
        ids = list(event_ids)
        if ids:
            await self._session.execute(
                delete(AppliedEvent).where(col(AppliedEvent.consumer) == consumer, col(AppliedEvent.event_id).in_(ids))
            )
