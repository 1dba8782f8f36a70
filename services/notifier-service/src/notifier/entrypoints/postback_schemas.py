"""What the postback API takes and returns. Secrets are returned once (creation, rotation), never listed."""

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field

from notifier.postback_handlers import DeliveryLog
from notifier.postbacks import EVENT_TYPES, URL_MAX, Attempt, Delivery, Endpoint

EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]


class EndpointCreate(BaseModel):
    url: str = Field(max_length=URL_MAX, description="Where postbacks are POSTed (HTTPS in production)")
    event_types: list[EventType] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: str = Field(default="", max_length=200)


class EndpointChange(BaseModel):
    url: str | None = Field(default=None, max_length=URL_MAX)
    event_types: list[EventType] | None = Field(default=None, min_length=1, max_length=len(EVENT_TYPES))
    description: str | None = Field(default=None, max_length=200)
    status: Literal["enabled", "paused"] | None = Field(
        default=None, description="'paused' holds deliveries; 'enabled' resumes (also after the service disabled it)"
    )


class SecretRotation(BaseModel):
    overlap_seconds: float | None = Field(
        default=None, ge=0, le=7 * 86400, description="How long the old secret keeps signing too (default: a day)"
    )


class ReplayRange(BaseModel):
    since: AwareDatetime = Field(description="Failed deliveries created from this time (inclusive)")
    until: AwareDatetime = Field(description="... to this time (exclusive)")


class EndpointPublic(BaseModel):
    id: str
    client_id: str
    url: str
    description: str
    event_types: list[str]
    status: str = Field(description="enabled, paused (by the client), or disabled (by the service after failures)")
    disabled_reason: str | None
    consecutive_failures: int
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret before the last rotation also signs"
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, endpoint: Endpoint) -> "EndpointPublic":
        return cls(
            id=endpoint.id,
            client_id=endpoint.client_id,
            url=endpoint.url,
            description=endpoint.description,
            event_types=list(endpoint.event_types),
            status=endpoint.status,
            disabled_reason=endpoint.disabled_reason,
            consecutive_failures=endpoint.consecutive_failures,
            previous_secret_expires_at=endpoint.previous_secret_expires_at,
            created_at=endpoint.created_at,
            updated_at=endpoint.updated_at,
        )


class EndpointWithSecret(EndpointPublic):
    secret: str = Field(description="The signing secret (whsec_...): shown this once, store it now")


class EndpointList(BaseModel):
    items: list[EndpointPublic]


class AttemptPublic(BaseModel):
    number: int
    at: datetime
    status_code: int | None
    duration_ms: int
    response_body: str | None = Field(description="The first 1000 characters of the answer")
    error: str | None
    ok: bool

    @classmethod
    def of(cls, attempt: Attempt) -> "AttemptPublic":
        return cls(
            number=attempt.number,
            at=attempt.at,
            status_code=attempt.status_code,
            duration_ms=attempt.duration_ms,
            response_body=attempt.response_body,
            error=attempt.error,
            ok=attempt.ok,
        )


class DeliveryPublic(BaseModel):
    id: str = Field(description="The webhook-id, the same on every attempt and replay")
    endpoint_id: str
    type: str
    order_id: str | None
    sequence: int
    status: str = Field(description="pending, delivered, or failed (every attempt of its schedule failed)")
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    event_time: datetime
    created_at: datetime
    finished_at: datetime | None
    attempt_log: list[AttemptPublic] = []

    @classmethod
    def of(cls, delivery: Delivery, attempts: list[Attempt] | None = None) -> "DeliveryPublic":
        return cls(
            id=delivery.id,
            endpoint_id=delivery.endpoint_id,
            type=delivery.postback_type,
            order_id=delivery.order_id,
            sequence=delivery.sequence,
            status=delivery.status,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            event_time=delivery.event_time,
            created_at=delivery.created_at,
            finished_at=delivery.finished_at,
            attempt_log=[AttemptPublic.of(a) for a in attempts or []],
        )

    @classmethod
    def of_log(cls, log: DeliveryLog) -> "DeliveryPublic":
        return cls.of(log.delivery, log.attempts)


class DeliveryList(BaseModel):
    items: list[DeliveryPublic]


class Replayed(BaseModel):
    replayed: int = Field(description="How many failed deliveries were queued again")
