"""Tracking back to the shop: each parcel of a shipped order is pushed to the store's platform
once, retried with backoff while the platform is unavailable, then read back to confirm. Rules only.

A push is keyed by the order and the parcel's tracking number (order intake refuses a second
parcel with the same number on an order, and every OrderStatusChanged of a shipment repeats the
order's earlier parcels): a parcel seen again, from a redelivered event or a later shipment,
adds nothing.

States: ``pending`` (waiting for its next attempt) → ``pushed`` (the platform took it) →
``confirmed`` (read back: the shop shows the tracking) or ``mismatch`` (read back: it does not);
``failed`` (refused for good, or still unavailable after ``MAX_ATTEMPTS``);
``not_applicable`` (a manual or Pressero store, or an order without a platform order id: there
is no shop to tell)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

PushState = Literal["pending", "pushed", "confirmed", "failed", "mismatch", "not_applicable"]

#: Platforms that take tracking back from us.
PUSHED_TO = frozenset({"shopify", "woocommerce", "etsy"})
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 30.0
LONGEST_RETRY_SECONDS = 3600.0


@dataclass(frozen=True)
class Parcel:
    """A shipment as order intake announces it."""

    tracking_number: str
    carrier: str | None = None
    tracking_url: str | None = None
    line_ids: Sequence[str] = ()


@dataclass(frozen=True)
class ShipmentPush:
    order_id: str
    tracking_number: str
    store_id: str
    client_id: str
    platform: str
    platform_order_id: str | None
    carrier: str | None
    tracking_url: str | None
    line_ids: tuple[str, ...]
    state: PushState
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None  # message key (messages.CATALOG)
    last_error_values: Mapping[str, str] = field(default_factory=dict)
    pushed_at: datetime | None = None
    confirmed_at: datetime | None = None


def new_push(
    *,
    order_id: str,
    store_id: str,
    client_id: str,
    platform: str,
    platform_order_id: str | None,
    parcel: Parcel,
    now: datetime,
) -> ShipmentPush:
    """A parcel to tell the shop about: pending at once, or not applicable when there is no shop."""
    applicable = platform in PUSHED_TO and bool(platform_order_id)
    return ShipmentPush(
        order_id=order_id,
        tracking_number=parcel.tracking_number,
        store_id=store_id,
        client_id=client_id,
        platform=platform,
        platform_order_id=platform_order_id,
        carrier=parcel.carrier,
        tracking_url=parcel.tracking_url,
        line_ids=tuple(parcel.line_ids),
        state="pending" if applicable else "not_applicable",
        created_at=now,
        updated_at=now,
        next_attempt_at=now if applicable else None,
    )


def retry_delay(attempts: int, *, first_seconds: float = FIRST_RETRY_SECONDS) -> timedelta:
    """Backoff after the ``attempts``-th failed attempt: 30 s, 1 min, 2 min, ... up to an hour."""
    return timedelta(seconds=min(first_seconds * 2 ** max(attempts - 1, 0), LONGEST_RETRY_SECONDS))


def claimed(push: ShipmentPush, *, now: datetime, lease_seconds: float) -> ShipmentPush:
    """An attempt starts: counted, and not due again before the lease ends (a stopped process's
    claim is taken again then; the adapters look before they write, so nothing is doubled)."""
    return replace(
        push, attempts=push.attempts + 1, next_attempt_at=now + timedelta(seconds=lease_seconds), updated_at=now
    )


def pushed(push: ShipmentPush, *, now: datetime, shown: bool) -> ShipmentPush:
    """The platform took the tracking; read back, the shop shows it (confirmed) or not (mismatch)."""
    return replace(
        push,
        state="confirmed" if shown else "mismatch",
        pushed_at=push.pushed_at or now,
        confirmed_at=now if shown else None,
        next_attempt_at=None,
        last_error=None if shown else "tracking_mismatch",
        last_error_values={} if shown else {"tracking_number": push.tracking_number},
        updated_at=now,
    )


def unavailable(
    push: ShipmentPush,
    *,
    key: str,
    values: Mapping[str, str],
    now: datetime,
    first_retry_seconds: float = FIRST_RETRY_SECONDS,
) -> ShipmentPush:
    """The platform did not answer (5xx, 429, timeout) or refused our access for now (the client
    reconnects the store): tried again later, failed after MAX_ATTEMPTS."""
    if push.attempts >= MAX_ATTEMPTS:
        return refused(push, key=key, values=values, now=now)
    return replace(
        push,
        state="pending",
        next_attempt_at=now + retry_delay(push.attempts, first_seconds=first_retry_seconds),
        last_error=key,
        last_error_values=dict(values),
        updated_at=now,
    )


def refused(push: ShipmentPush, *, key: str, values: Mapping[str, str], now: datetime) -> ShipmentPush:
    """Refused for good (credentials, the order unknown to the shop, nothing left to fulfil)."""
    return replace(
        push, state="failed", next_attempt_at=None, last_error=key, last_error_values=dict(values), updated_at=now
    )
