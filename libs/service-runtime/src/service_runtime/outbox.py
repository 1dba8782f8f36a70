"""Transactional outbox: event rows are written in the same transaction as the state
change; the relay (relay.py) publishes them afterwards and marks them sent.

An event whose encoded form is larger than ``outbox_max_event_bytes`` is refused here,
where the caller can still see why, rather than by the broker long after the commit."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, Text, insert, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from service_runtime.correlation import current_correlation_id
from service_runtime.errors import DomainError
from storefront_events import Event, encode, topic_of

DEFAULT_MAX_EVENT_BYTES = 900_000
MAX_EVENT_BYTES_KEY = "outbox_max_event_bytes"
"""Key of ``Session.info`` holding the limit; the Runtime's session factory sets it from settings."""


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_unsent", "sent_at", "id"),
        # The relay's and /readyz's queries: only unsent rows, so the index stays small
        # however many sent rows wait for housekeeping.
        Index(
            "ix_outbox_pending",
            "id",
            postgresql_where=text("sent_at IS NULL"),
            sqlite_where=text("sent_at IS NULL"),
        ),
        # Parked rows, which hold back the later rows of their key.
        Index(
            "ix_outbox_parked",
            "topic",
            "message_key",
            postgresql_where=text("sent_at IS NULL AND failed_at IS NOT NULL"),
            sqlite_where=text("sent_at IS NULL AND failed_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)
    event_type: str = Field(max_length=200)
    topic: str = Field(max_length=200)
    message_key: str = Field(max_length=500)
    payload: str = Field(sa_column=Column(Text, nullable=False))  # '' once sent when holds_secret
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    sent_at: datetime | None = Field(default=None, nullable=True)
    holds_secret: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=text("false"), default=False)
    )
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0", default=0))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    failed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class EventTooLarge(DomainError):
    status = 413
    title = "Event too large"


class Outbox:
    """Adds events to the current session; they are published only if it commits."""

    def __init__(self, session: AsyncSession, *, source: str) -> None:
        self._session = session
        self._source = source
        self._max_bytes: int = session.info.get(MAX_EVENT_BYTES_KEY, DEFAULT_MAX_EVENT_BYTES)
        self.added: list[Event] = []

    def add(self, event: Event, *, subject: str | None = None, holds_secret: bool = False) -> None:
        """``holds_secret``: the payload carries a secret (an invitation link, ...); the
        relay clears it in the same update that marks the row sent."""
        event, row = self._row(event, subject=subject, holds_secret=holds_secret)
        self._session.add(OutboxMessage(**row))
        self.added.append(event)

    async def add_many(self, events: Sequence[Event]) -> None:
        """Many events at once (a bulk import's thousands): one multi-row INSERT per chunk
        instead of an ORM object each, in the order given (after what was added before)."""
        rows = []
        for event in events:
            event, row = self._row(event, subject=None, holds_secret=False)
            rows.append(row | {"created_at": datetime.now(UTC), "attempts": 0})
            self.added.append(event)
        for start in range(0, len(rows), 1000):
            await self._session.execute(insert(SQLModel.metadata.tables["outbox_messages"]), rows[start : start + 1000])

    def _row(self, event: Event, *, subject: str | None, holds_secret: bool) -> tuple[Event, dict[str, Any]]:
        if event.correlation_id is None and (correlation_id := current_correlation_id()):
            event = event.model_copy(update={"correlation_id": correlation_id})
        topic = topic_of(event)
        key = topic.key_for(event)
        payload = encode(event, source=self._source, subject=subject or key)
        if len(payload) + len(key.encode()) > self._max_bytes:
            raise EventTooLarge(
                f"{event.ce_type()} is {len(payload)} bytes encoded; events are limited to {self._max_bytes} bytes",
                event_type=event.ce_type(),
                size=len(payload),
                limit=self._max_bytes,
            )
        return event, {
            "event_id": str(event.event_id),
            "event_type": event.ce_type(),
            "topic": topic.name,
            "message_key": key,
            "payload": payload.decode(),
            "holds_secret": holds_secret,
        }
