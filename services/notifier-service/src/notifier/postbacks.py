"""Postbacks: a client's endpoints, the deliveries of order updates to them and their attempts,
signed per Standard Webhooks. Rules only: no I/O (randomness and time are given)."""

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from notifier.messages import CATALOG
from service_runtime.errors import DomainError
from service_runtime.messages import SaidByKey
from service_runtime.text import refused_character

# Endpoint states: enabled (receives), paused (by the client: deliveries wait), disabled (by
# the service after sustained failure: deliveries wait until the client enables it again).
ENABLED = "enabled"
PAUSED = "paused"
DISABLED = "disabled"
ENDPOINT_STATES = (ENABLED, PAUSED, DISABLED)

# Delivery states.
PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"

#: Order statuses a postback type follows (OrderStatusChanged.status → order.<status>).
ORDER_STATUSES = (
    "accepted",
    "in_production",
    "printed",
    "packaged",
    "shipped",
    "in_transit",
    "delivered",
    "cancelled",
    "failed",
)
HELD = "order.held"
TEST = "postback.test"
#: The event types an endpoint may ask for.
EVENT_TYPES = ("order.held", *(f"order.{status}" for status in ORDER_STATUSES))

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
URL_MAX = 2000
RESPONSE_BODY_MAX = 1000
ERROR_MAX = 500
DESCRIPTION_MAX = 200
GONE = 410
USER_AGENT = "Storefronts-Postbacks/1"


class InvalidEndpoint(SaidByKey):
    """A postback endpoint's field refused, said by key (notifier.messages) in the reader's language."""

    status = 422
    title = "Invalid postback endpoint"
    catalog = CATALOG


class RefusedUrl(SaidByKey):
    """A postback URL the outbound guard refuses (private address, unresolvable host...), by its code."""

    status = 422
    title = "URL refused"
    catalog = CATALOG


class EndpointNotFound(DomainError):
    status = 404
    title = "Postback endpoint not found"


class DeliveryNotFound(DomainError):
    status = 404
    title = "Postback delivery not found"


# --- endpoints ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    id: str
    client_id: str
    url: str
    description: str
    event_types: tuple[str, ...]
    status: str
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None
    consecutive_failures: int
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime

    def wants(self, postback_type: str) -> bool:
        return postback_type in self.event_types

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        """The current secret, and the previous one while its overlap lasts: both sign."""
        if self.previous_secret and self.previous_secret_expires_at and now < self.previous_secret_expires_at:
            return (self.secret, self.previous_secret)
        return (self.secret,)


def new_secret(random_bytes: bytes) -> str:
    """``whsec_`` + base64 of the random bytes (Standard Webhooks' secret format)."""
    if len(random_bytes) < 24:
        raise ValueError("a signing secret needs 24 random bytes or more")
    return SECRET_PREFIX + base64.b64encode(random_bytes).decode()


def check_url(url: str, *, https_required: bool) -> str:
    """The URL's shape: http(s), a host, no credentials, HTTPS when required (production).
    Where the host points is checked by the outbound guard, not here."""
    url = url.strip()
    if not url or len(url) > URL_MAX:
        raise InvalidEndpoint("postback_url_length", field="url", most=URL_MAX)
    if any(character.isspace() for character in url) or refused_character(url):
        raise InvalidEndpoint("postback_url_characters", field="url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpoint("postback_url_not_http", field="url")
    if https_required and parts.scheme != "https":
        raise InvalidEndpoint("postback_url_https", field="url")
    if parts.username or parts.password:
        raise InvalidEndpoint("postback_url_credentials", field="url")
    return url


def check_event_types(event_types: Sequence[str]) -> tuple[str, ...]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        raise InvalidEndpoint(
            "postback_event_types_unknown",
            field="event_types",
            unknown=", ".join(unknown),
            known=", ".join(EVENT_TYPES),
        )
    if not event_types:
        raise InvalidEndpoint("postback_event_types_empty", field="event_types")
    return tuple(sorted(set(event_types), key=EVENT_TYPES.index))


def check_description(description: str) -> str:
    if refused := refused_character(description):
        raise InvalidEndpoint("postback_description_character", field="description", character=refused)
    description = " ".join(description.split())
    if len(description) > DESCRIPTION_MAX:
        raise InvalidEndpoint("postback_description_length", field="description", most=DESCRIPTION_MAX)
    return description


def new_endpoint(
    endpoint_id: str,
    *,
    client_id: str,
    url: str,
    event_types: Sequence[str],
    description: str,
    secret: str,
    https_required: bool,
    now: datetime,
) -> Endpoint:
    return Endpoint(
        id=endpoint_id,
        client_id=client_id,
        url=check_url(url, https_required=https_required),
        description=check_description(description),
        event_types=check_event_types(event_types),
        status=ENABLED,
        secret=secret,
        previous_secret=None,
        previous_secret_expires_at=None,
        consecutive_failures=0,
        disabled_reason=None,
        created_at=now,
        updated_at=now,
    )


def change_endpoint(
    endpoint: Endpoint,
    *,
    url: str | None,
    event_types: Sequence[str] | None,
    description: str | None,
    status: str | None,
    https_required: bool,
    now: datetime,
) -> Endpoint:
    """A client changes its endpoint; it may pause it or enable it (also after the service
    disabled it: the failure count starts again), never set it ``disabled`` itself."""
    changed = endpoint
    if url is not None:
        changed = replace(changed, url=check_url(url, https_required=https_required))
    if event_types is not None:
        changed = replace(changed, event_types=check_event_types(event_types))
    if description is not None:
        changed = replace(changed, description=check_description(description))
    if status is not None:
        if status not in (ENABLED, PAUSED):
            raise InvalidEndpoint("postback_status_invalid", field="status")
        if status == ENABLED and endpoint.status != ENABLED:
            changed = replace(changed, status=ENABLED, consecutive_failures=0, disabled_reason=None)
        elif status == PAUSED:
            changed = replace(changed, status=PAUSED)
    return replace(changed, updated_at=now)


def rotate_secret(endpoint: Endpoint, *, secret: str, overlap: timedelta, now: datetime) -> Endpoint:
    """The new secret signs from now; the old one also signs until ``now + overlap``."""
    if overlap < timedelta(0):
        raise InvalidEndpoint("postback_overlap_negative", field="overlap_seconds")
    return replace(
        endpoint,
        secret=secret,
        previous_secret=endpoint.secret if overlap > timedelta(0) else None,
        previous_secret_expires_at=now + overlap if overlap > timedelta(0) else None,
        updated_at=now,
    )


# --- signatures --------------------------------------------------------------------------


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64 part of ``whsec_...`` decoded."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, *, webhook_id: str, timestamp: int, body: str) -> str:
    """``v1,`` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))."""
    content = f"{webhook_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets: Sequence[str], *, webhook_id: str, timestamp: int, body: str) -> str:
    """Every signing secret's signature, space separated."""
    return " ".join(sign(secret, webhook_id=webhook_id, timestamp=timestamp, body=body) for secret in secrets)


def webhook_headers(endpoint: Endpoint, *, webhook_id: str, body: str, now: datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            endpoint.signing_secrets(now), webhook_id=webhook_id, timestamp=timestamp, body=body
        ),
    }


# --- order updates → payloads ------------------------------------------------------------


@dataclass(frozen=True)
class OrderUpdate:
    """One order event as postbacks see it (the order's identity, what changed, when)."""

    event_id: str
    postback_type: str
    order_id: str
    client_id: str
    store_id: str
    platform: str
    platform_order_id: str | None
    order_number: str | None
    status: str
    previous_status: str | None
    occurred_at: datetime
    lines: tuple[Mapping[str, Any], ...] | None = None  # known on acceptance
    packages: tuple[Mapping[str, Any], ...] = ()
    message: str | None = None
    hold: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class OrderTrack:
    """What postbacks remember of an order: its sequence so far and its lines."""

    order_id: str
    client_id: str
    sequence: int
    lines: tuple[Mapping[str, Any], ...] = ()


def advance(track: OrderTrack | None, update: OrderUpdate) -> OrderTrack:
    """The next sequence number of the order (1 for its first event) and its latest lines."""
    sequence = (track.sequence if track else 0) + 1
    lines = update.lines if update.lines is not None else (track.lines if track else ())
    return OrderTrack(order_id=update.order_id, client_id=update.client_id, sequence=sequence, lines=lines)


def payload(update: OrderUpdate, track: OrderTrack) -> dict[str, Any]:
    """The documented JSON body (see the service README): type, event time, the order, its
    status and per-order sequence, packages with tracking."""
    data: dict[str, Any] = {
        "event_id": update.event_id,
        "sequence": track.sequence,
        "status": update.status,
        "previous_status": update.previous_status,
        "order": {
            "id": update.order_id,
            "client_id": update.client_id,
            "store_id": update.store_id,
            "platform": update.platform,
            "platform_order_id": update.platform_order_id,
            "order_number": update.order_number,
            "lines": [dict(line) for line in track.lines],
        },
        "packages": [dict(package) for package in update.packages],
        "message": update.message,
    }
    if update.hold is not None:
        data["hold"] = dict(update.hold)
    return {"type": update.postback_type, "timestamp": _iso(update.occurred_at), "data": data}


def test_payload(endpoint: Endpoint, *, now: datetime) -> dict[str, Any]:
    return {
        "type": TEST,
        "timestamp": _iso(now),
        "data": {"endpoint_id": endpoint.id, "client_id": endpoint.client_id, "message": "A test postback."},
    }


def encode_body(body: Mapping[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


# --- deliveries and attempts -------------------------------------------------------------


@dataclass(frozen=True)
class RetrySchedule:
    """Waits after each failed attempt: attempt 1 at once, then one wait per further attempt.
    The default (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h ≈ 27.6 h, 8 attempts) spans about a day."""

    waits_seconds: tuple[float, ...] = (5, 300, 1800, 7200, 18000, 36000, 36000)
    #: failed attempts in a row, with no success between, after which a given-up delivery disables its endpoint
    disable_after_failures: int = 8

    @property
    def attempts(self) -> int:
        return len(self.waits_seconds) + 1

    def wait_after(self, attempt: int) -> timedelta | None:
        """How long after failed attempt n (1-based) the next one comes; None after the last."""
        if attempt >= self.attempts:
            return None
        return timedelta(seconds=self.waits_seconds[attempt - 1])


@dataclass(frozen=True)
class Delivery:
    id: str  # the webhook-id: the same on every attempt and replay
    endpoint_id: str
    client_id: str
    postback_type: str
    order_id: str | None
    sequence: int
    body: str
    status: str
    attempts: int  # all attempts, replays included
    round_attempts: int  # attempts since it was queued or last replayed: the schedule's position
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    caused_by_event_id: str
    event_time: datetime
    created_at: datetime
    finished_at: datetime | None = None


@dataclass(frozen=True)
class Attempt:
    delivery_id: str
    endpoint_id: str
    number: int
    at: datetime
    status_code: int | None
    duration_ms: int
    response_body: str | None
    error: str | None
    ok: bool


@dataclass(frozen=True)
class Response:
    """What one attempt got: a status (None when no response came) or an error."""

    status_code: int | None
    duration_ms: int
    body: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Outcome:
    delivery: Delivery
    endpoint: Endpoint
    attempt: Attempt
    given_up: bool = False  # the delivery failed for good on this attempt
    endpoint_disabled: bool = False  # ... and the endpoint is disabled with it


def new_delivery(
    delivery_id: str,
    *,
    endpoint: Endpoint,
    postback_type: str,
    order_id: str | None,
    sequence: int,
    body: str,
    caused_by_event_id: str,
    event_time: datetime,
    now: datetime,
) -> Delivery:
    return Delivery(
        id=delivery_id,
        endpoint_id=endpoint.id,
        client_id=endpoint.client_id,
        postback_type=postback_type,
        order_id=order_id,
        sequence=sequence,
        body=body,
        status=PENDING,
        attempts=0,
        round_attempts=0,
        next_attempt_at=now,
        last_status_code=None,
        last_error=None,
        caused_by_event_id=caused_by_event_id,
        event_time=event_time,
        created_at=now,
    )


def attempted(
    delivery: Delivery, endpoint: Endpoint, response: Response, *, schedule: RetrySchedule, now: datetime
) -> Outcome:
    """The delivery and endpoint after one attempt: delivered on a 2xx; else retried after the
    schedule's wait, or failed for good after its last attempt — and then the endpoint is
    disabled when it has failed ``disable_after_failures`` times in a row. A 410 Gone fails the
    delivery and disables the endpoint at once (Standard Webhooks)."""
    number = delivery.attempts + 1
    attempt = Attempt(
        delivery_id=delivery.id,
        endpoint_id=endpoint.id,
        number=number,
        at=now,
        status_code=response.status_code,
        duration_ms=response.duration_ms,
        response_body=response.body[:RESPONSE_BODY_MAX] if response.body else None,
        error=response.error[:ERROR_MAX] if response.error else None,
        ok=response.ok,
    )
    if response.ok:
        return Outcome(
            delivery=replace(
                delivery,
                status=DELIVERED,
                attempts=number,
                round_attempts=delivery.round_attempts + 1,
                last_status_code=response.status_code,
                last_error=None,
                finished_at=now,
            ),
            endpoint=replace(endpoint, consecutive_failures=0),
            attempt=attempt,
        )
    error = response.error or f"HTTP {response.status_code}"
    round_attempts = delivery.round_attempts + 1
    failures = endpoint.consecutive_failures + 1
    gone = response.status_code == GONE  # the receiver says the endpoint is gone for good: no retries
    wait = None if gone else schedule.wait_after(round_attempts)
    tried = replace(
        delivery,
        attempts=number,
        round_attempts=round_attempts,
        last_status_code=response.status_code,
        last_error=error[:ERROR_MAX],
    )
    if wait is not None:
        retried = replace(tried, next_attempt_at=now + wait)
        return Outcome(delivery=retried, endpoint=replace(endpoint, consecutive_failures=failures), attempt=attempt)
    failed = replace(tried, status=FAILED, finished_at=now)
    disable = endpoint.status == ENABLED and (gone or failures >= schedule.disable_after_failures)
    changed = replace(endpoint, consecutive_failures=failures)
    if disable:
        changed = replace(
            changed,
            status=DISABLED,
            disabled_reason=(
                "Disabled: the receiver answered 410 Gone."
                if gone
                else f"Disabled after {failures} failed attempts in a row; last: {error}"
            )[:ERROR_MAX],
            updated_at=now,
        )
    return Outcome(delivery=failed, endpoint=changed, attempt=attempt, given_up=True, endpoint_disabled=disable)


def replayed(delivery: Delivery, *, now: datetime) -> Delivery:
    """Queued again, due at once, with a fresh schedule; its webhook-id stays the same."""
    return replace(delivery, status=PENDING, round_attempts=0, next_attempt_at=now, finished_at=None)
