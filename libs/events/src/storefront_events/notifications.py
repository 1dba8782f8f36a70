"""Events published by notifier-service on `notifications.v1` (key: client_id, else recipient)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from storefront_events.base import Event
from storefront_events.values import UtcDatetime


class PostbackDelivered(Event):
    """Emitted by notifier-service when a client's postback endpoint answered 2xx to an attempt."""

    event_type: Literal["postback.delivered"] = "postback.delivered"
    schema_version: Literal[1] = 1
    client_id: str
    delivery_id: str = Field(description="Delivery id, sent as `webhook-id`, the same on every attempt")
    postback_type: str = Field(description="Postback `type`, e.g. order.shipped")
    order_id: str | None = None
    url: str
    attempt: int = Field(ge=1)
    status_code: int
    duration_ms: int | None = None
    caused_by_event_id: str = Field(description="event_id of the event that triggered the postback")


class PostbackFailed(Event):
    """Emitted by notifier-service when a postback attempt fails (non-2xx, timeout, network);
    `final` is True when retries are exhausted and the delivery is given up."""

    event_type: Literal["postback.failed"] = "postback.failed"
    schema_version: Literal[1] = 1
    client_id: str
    delivery_id: str
    postback_type: str
    order_id: str | None = None
    url: str
    attempt: int = Field(ge=1)
    status_code: int | None = Field(description="HTTP status, None when no response came")
    error: str
    final: bool = False
    next_attempt_at: UtcDatetime | None = None
    caused_by_event_id: str


class EmailSent(Event):
    """Emitted by notifier-service after an email (e.g. an invitation) was handed to the SMTP server."""

    event_type: Literal["email.sent"] = "email.sent"
    schema_version: Literal[1] = 1
    client_id: str | None = Field(description="Client the email concerns; None for platform mail")
    email_id: str
    to: str = Field(description="Recipient address; the partition key when client_id is None")
    subject: str
    template: str = Field(description="Template name, e.g. invitation")
    caused_by_event_id: str = Field(description="event_id of the event that triggered the email")


class EmailDeliveryFailed(Event):
    """Emitted by notifier-service when it gives an email up: the mail server refused it for
    good (a permanent 5xx answer such as an unknown mailbox) on each of a bounded number of
    attempts. `caused_by_event_id` names the event that asked for the email (e.g. UserInvited)."""

    event_type: Literal["email.delivery_failed"] = "email.delivery_failed"
    schema_version: Literal[1] = 1
    client_id: str | None = Field(description="Client the email concerns; None for platform mail")
    email_id: str
    to: str = Field(description="Recipient address; the partition key when client_id is None")
    template: str = Field(description="Template name, e.g. invitation")
    reason: str = Field(description="The mail server's answer to the last attempt, e.g. '550 5.1.1 mailbox unknown'")
    attempts: int = Field(ge=1, description="Attempts made before giving up")
    caused_by_event_id: str = Field(description="event_id of the event that triggered the email")
