"""Parked webhooks: stored deliveries the deriving stage could not turn into their events, kept
with their raw bodies until the cause is fixed (a mapping bug, a body the shop sent incomplete)
and they are retried. Why one is parked is said by key, in the reader's language, like the
store's other errors; the technical cause is kept for support. Rules only, no I/O."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from connector.domain.errors import WebhookUnreadable

#: Said when the deriving could not take a body for a reason of ours (the adapter raised, the
#: database refused its events): a retry after the fix takes it.
NOT_DERIVED = "webhook_not_derived"
STORE_GONE = "webhook_store_gone"
#: The keys the store's last error takes when its webhooks are parked (a retry forgets them:
#: what is parked again says so again).
PARKING_KEYS = frozenset(
    {
        "webhook_payload_invalid",
        "webhook_no_shipping_address",
        "webhook_field_invalid",
        "order_unreadable",  # WooCommerce, Etsy, Pressero (InvalidShopOrder)
        "order_without_address",
        "order_without_lines",
        NOT_DERIVED,
        STORE_GONE,
    }
)
#: What webhooks parked before their key was kept are said as (their English reason then).
EARLIER_KEY = "webhook_payload_invalid"
DETAIL_MAX = 500


@dataclass(frozen=True)
class ParkReason:
    key: str  # message key (domain/messages.py)
    values: Mapping[str, str] = field(default_factory=dict)
    detail: str | None = None  # as said when parked (English), or the technical cause: for support


@dataclass(frozen=True)
class ParkedWebhook:
    row_id: int
    webhook_id: str  # the platform's id of the delivery (Shopify's X-Shopify-Webhook-Id...)
    topic: str
    received_at: datetime
    parked_at: datetime
    reason: ParkReason


def unreadable(error: WebhookUnreadable) -> ParkReason:
    """The platform's adapter said why it cannot read the body."""
    return ParkReason(error.key, {name: str(value) for name, value in error.values.items()}, error.detail)


def not_derived(cause: str) -> ParkReason:
    """Our side failed on the body (the adapter raised, the database refused its events)."""
    return ParkReason(NOT_DERIVED, {}, cause[:DETAIL_MAX])


def store_gone() -> ParkReason:
    return ParkReason(STORE_GONE, {}, "The store is not there any more.")


def parked_earlier(reason: str | None) -> ParkReason:
    """A webhook parked before the key was kept: said by its English reason."""
    return ParkReason(EARLIER_KEY, {}, reason or "")
