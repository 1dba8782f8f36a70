"""Idempotent consumer records: which events a consumer group has applied.

A row is written in the same transaction as the state change the event caused, so a
redelivered event is recognised and skipped."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel


class AppliedEvent(SQLModel, table=True):
    __tablename__ = "applied_events"

    consumer: str = Field(primary_key=True, max_length=200)
    event_id: str = Field(primary_key=True, max_length=64)
    applied_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Inbox:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def already_applied(self, consumer: str, event_id: str) -> bool:
        found = await self._session.execute(
            select(AppliedEvent.event_id).where(
                AppliedEvent.consumer == consumer, AppliedEvent.event_id == event_id
            )
        )
        return found.first() is not None

    def record(self, consumer: str, event_id: str) -> None:
        self._session.add(AppliedEvent(consumer=consumer, event_id=event_id))
