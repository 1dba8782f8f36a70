"""Transactional outbox: event rows are written in the same transaction as the state
change; the relay (relay.py) publishes them afterwards and marks them sent.

``add`` keeps the encoded rows; the unit of work writes them with ``write()`` just before
it commits (or, in a consumed batch, flushes): one multi-row ``INSERT`` for all the rows of
a commit, not an ORM object per event (building and flushing those cost more than the rest
of a consumed event together).

An event whose encoded form is larger than ``outbox_max_event_bytes`` is refused here,
where the caller can still see why, rather than by the broker long after the commit."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Text, bindparam, func, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import TypeEngine
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


_OUTBOX_TABLE = OutboxMessage.metadata.tables["outbox_messages"]

_WRITTEN_COLUMNS: dict[str, TypeEngine[Any]] = {
    "event_id": String(),
    "event_type": String(),
    "topic": String(),
    "message_key": String(),
    "payload": Text(),
    "created_at": DateTime(timezone=True),
    "holds_secret": Boolean(),
}
"""The columns ``add`` gives a value (the others keep their defaults: unsent, no attempt)."""
_ADDED = (
    func.unnest(*(bindparam(name, type_=postgresql.ARRAY(type_)) for name, type_ in _WRITTEN_COLUMNS.items()))
    .table_valued(*_WRITTEN_COLUMNS, with_ordinality="position")
    .render_derived(name="added")
)
_WRITE_POSTGRESQL = insert(_OUTBOX_TABLE).from_select(
    list(_WRITTEN_COLUMNS), select(*(_ADDED.c[name] for name in _WRITTEN_COLUMNS)).order_by(_ADDED.c.position)
)
"""``INSERT ... SELECT ... FROM unnest(:event_id, ...) WITH ORDINALITY ORDER BY position``:
the rows in the order they were added, so their ids (the relay's publishing order) follow it."""


class EventTooLarge(DomainError):
    status = 413
    title = "Event too large"


class Outbox:
    """Adds events to the current session's transaction; they are published only if it
    commits. The rows are written by ``write()``, which the unit of work calls in commit."""

    def __init__(self, session: AsyncSession, *, source: str) -> None:
        self._session = session
        self._source = source
        self._max_bytes: int = session.info.get(MAX_EVENT_BYTES_KEY, DEFAULT_MAX_EVENT_BYTES)
        self.added: list[Event] = []
        self._rows: list[dict[str, Any]] = []
        self._correlation: tuple[str | None] | None = None

    def _correlation_id(self) -> str | None:
        """The current correlation id, read once per unit of work (the context does not
        change within one, and reading it copies every context variable of structlog's)."""
        if self._correlation is None:
            self._correlation = (current_correlation_id(),)
        return self._correlation[0]

    def add(self, event: Event, *, subject: str | None = None, holds_secret: bool = False) -> None:
        """``holds_secret``: the payload carries a secret (an invitation link, ...); the
        relay clears it in the same update that marks the row sent."""
        self._rows.append(self._row(event, subject=subject, holds_secret=holds_secret))

    async def add_many(self, events: Sequence[Event]) -> None:
        """Many events at once (a bulk import's thousands), in the order given (after what
        was added before), written at once rather than kept until the commit."""
        for event in events:
            self._rows.append(self._row(event, subject=None, holds_secret=False))
        await self.write()

    async def write(self) -> None:
        """Inserts the rows added since the last write into the session's transaction, in
        one statement (a taken ``event_id`` raises the database's unique violation)."""
        rows, self._rows = self._rows, []
        if not rows:
            return
        if self._session.get_bind().dialect.name == "postgresql":
            # One array per column: the same SQL text whatever the number of rows (the
            # driver's prepared statement is reused) and no per-row work in SQLAlchemy.
            await self._session.execute(
                _WRITE_POSTGRESQL, {name: [row[name] for row in rows] for name in _WRITTEN_COLUMNS}
            )
            return
        await self._session.execute(insert(_OUTBOX_TABLE), rows)

    def _row(self, event: Event, *, subject: str | None, holds_secret: bool) -> dict[str, Any]:
        if event.correlation_id is None and (correlation_id := self._correlation_id()):
            event = event.model_copy(update={"correlation_id": correlation_id})
        topic = topic_of(event)
        key = topic.key_for(event)
        payload = encode(event, source=self._source, subject=subject or key)
        event_type = event.ce_type()
        if len(payload) + len(key.encode()) > self._max_bytes:
            raise EventTooLarge(
                f"{event_type} is {len(payload)} bytes encoded; events are limited to {self._max_bytes} bytes",
                event_type=event_type,
                size=len(payload),
                limit=self._max_bytes,
            )
        self.added.append(event)
        # Only the columns written (the others keep their defaults: unsent, no attempt).
        return {
            "event_id": str(event.event_id),
            "event_type": event_type,
            "topic": topic.name,
            "message_key": key,
            "payload": payload.decode(),
            "created_at": datetime.now(UTC),
            "holds_secret": holds_secret,
        }
