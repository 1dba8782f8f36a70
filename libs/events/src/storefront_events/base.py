"""The base of every domain event: identity, time, correlation; frozen and tolerant."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field

from storefront_events.values import UtcDatetime

#: Fields carried by the CloudEvents envelope rather than by its `data`.
ENVELOPE_FIELDS = frozenset({"event_id", "occurred_at", "correlation_id", "event_type", "schema_version"})


_CE_TYPES: dict[type[Event], str] = {}
"""``Event.ce_type()`` per concrete event class."""


class Event(BaseModel):
    """A fact that happened in one service, published for the others.

    Subclasses declare `event_type: Literal["entity.past_verb"]` and
    `schema_version: Literal[n]`; together they form the CloudEvents type
    `storefronts.<event_type>.v<schema_version>` (see `ce_type`).

    `aggregate_version` orders the events of one aggregate (a client, a client's Storefronts
    access, a user): it increases by one with each change the producer makes, and the event
    carries the version the aggregate reached. A consumer applies an event only when its
    version is newer than the one it holds, so a replayed, retried or reordered event never
    rolls a read model back. None on events of producers that do not version the aggregate
    (and on events published before versions existed).
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID = Field(default_factory=uuid4, description="Unique id of this event; consumers de-duplicate on it")
    occurred_at: UtcDatetime = Field(
        default_factory=lambda: datetime.now(UTC), description="When the fact happened (UTC)"
    )
    correlation_id: str | None = Field(
        default=None, description="Id shared by every event caused by one request (e.g. the HTTP request id)"
    )
    aggregate_version: int | None = Field(
        default=None,
        ge=1,
        description="Version of the aggregate after this change: increases by one per change of one aggregate; "
        "consumers skip an event not newer than what they hold. None when the producer does not version it.",
    )

    @classmethod
    def ce_type(cls) -> str:
        """CloudEvents `type` of this event class, e.g. `storefronts.client.created.v1`
        (worked out once per class: the outbox asks for it for every event it stores)."""
        known = _CE_TYPES.get(cls)
        if known is not None:
            return known
        fields = cls.model_fields
        if "event_type" not in fields or "schema_version" not in fields:
            raise TypeError(f"{cls.__name__} is not a concrete event (no event_type/schema_version)")
        ce_type = _CE_TYPES[cls] = f"storefronts.{fields['event_type'].default}.v{fields['schema_version'].default}"
        return ce_type
