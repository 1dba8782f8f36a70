"""Transactional outbox: event rows are written in the same transaction as the state
change; the relay (relay.py) publishes them afterwards and marks them sent. A row added
with ``holds_secret=True`` loses its payload in the same update that marks it sent, so the
database keeps no copy of a secret once Kafka has it."""

from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel
from sqlalchemy.ext.asyncio import AsyncSession
from storefront_events import Event, encode, topic_of

from service_runtime.correlation import current_correlation_id


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=64, unique=True)
    event_type: str = Field(max_length=200)
    topic: str = Field(max_length=200)
    message_key: str = Field(max_length=500)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    sent_at: datetime | None = Field(default=None, nullable=True)
    holds_secret: bool = Field(default=False, description="The payload is emptied when the row is sent")


class Outbox:
    """Adds events to the current session; they are published only if it commits."""

    def __init__(self, session: AsyncSession, *, source: str) -> None:
        self._session = session
        self._source = source
        self.added: list[Event] = []

    def add(self, event: Event, *, subject: str | None = None, holds_secret: bool = False) -> None:
        if event.correlation_id is None and (correlation_id := current_correlation_id()):
            event = event.model_copy(update={"correlation_id": correlation_id})
        topic = topic_of(event)
        key = topic.key_for(event)
        self._session.add(
            OutboxMessage(
                event_id=str(event.event_id),
                event_type=event.ce_type(),
                topic=topic.name,
                message_key=key,
                payload=encode(event, source=self._source, subject=subject or key).decode(),
                holds_secret=holds_secret,
            )
        )
        self.added.append(event)
