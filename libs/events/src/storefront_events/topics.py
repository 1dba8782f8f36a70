"""The topic registry: each Kafka topic, its partition key and the event types on it.

Services import these constants; they never type topic names.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront_events.access import (
    InvitationAccepted,
    SessionEnded,
    StorefrontAccessGranted,
    UserInvited,
    UserRemoved,
    UserRoleChanged,
)
from storefront_events.base import Event
from storefront_events.clients import ClientArchived, ClientCreated, ClientRestored, ClientUpdated
from storefront_events.mappings import MappingBroken, ProductMapped, ProductPublishRequested, ProductUnmapped
from storefront_events.notifications import EmailDeliveryFailed, EmailSent, PostbackDelivered, PostbackFailed
from storefront_events.orders import OrderAccepted, OrderHeld, OrderRejected, OrderStatusChanged
from storefront_events.stores import (
    OrderCancelledInStore,
    OrderReceived,
    ProductPublished,
    ProductPublishFailed,
    StoreConnected,
    StoreDisconnected,
    StoreNeedsAttention,
    StoreProductsSynced,
)


@dataclass(frozen=True)
class Topic:
    """A Kafka topic holding one aggregate stream.

    `key_for` joins `key_fields` with ":". When a key field is None and `key_fallback` names a
    field, that field's value is used in its place (notifications: `to` when `client_id` is None).
    """

    name: str
    key_fields: tuple[str, ...]
    partitions: int  # set once: changing it later moves keys to other partitions (per-key order lost)
    events: tuple[type[Event], ...]
    key_fallback: str | None = None

    def key_for(self, event: Event) -> str:
        """The partition key of `event`; ValueError if the event is not on this topic or has no key."""
        if type(event) not in self.events:
            raise ValueError(f"{type(event).__name__} is not published on {self.name}")
        parts = []
        for field in self.key_fields:
            value = getattr(event, field)
            if value is None and self.key_fallback:
                value = getattr(event, self.key_fallback, None)
            if value is None:
                raise ValueError(f"{type(event).__name__}.{field} is None: no key for {self.name}")
            parts.append(str(value))
        return ":".join(parts)

    def dead_letter(self, group_id: str) -> str:
        """Name of the dead-letter topic of this topic for one consumer group."""
        return f"{self.name}.dlq.{group_id}"


CLIENTS_V1 = Topic("clients.v1", ("client_id",), 6, (ClientCreated, ClientUpdated, ClientArchived, ClientRestored))
ACCESS_V1 = Topic(
    "access.v1",
    ("client_id",),
    6,
    (StorefrontAccessGranted, UserInvited, InvitationAccepted, UserRoleChanged, UserRemoved, SessionEnded),
    key_fallback="user_id",
)
STORES_V1 = Topic(
    "stores.v1",
    ("store_id",),
    6,
    (
        StoreConnected,
        StoreDisconnected,
        StoreProductsSynced,
        ProductPublished,
        ProductPublishFailed,
        StoreNeedsAttention,
    ),
)
SHOP_ORDERS_V1 = Topic("shop-orders.v1", ("store_id", "platform_order_id"), 12, (OrderReceived, OrderCancelledInStore))
MAPPINGS_V1 = Topic(
    "mappings.v1", ("store_id",), 6, (ProductMapped, ProductUnmapped, ProductPublishRequested, MappingBroken)
)
ORDERS_V1 = Topic("orders.v1", ("order_id",), 12, (OrderAccepted, OrderHeld, OrderRejected, OrderStatusChanged))
NOTIFICATIONS_V1 = Topic(
    "notifications.v1",
    ("client_id",),
    6,
    (EmailSent, PostbackDelivered, PostbackFailed, EmailDeliveryFailed),
    key_fallback="to",
)

ALL_TOPICS: tuple[Topic, ...] = (
    CLIENTS_V1,
    ACCESS_V1,
    STORES_V1,
    SHOP_ORDERS_V1,
    MAPPINGS_V1,
    ORDERS_V1,
    NOTIFICATIONS_V1,
)

_TOPIC_BY_EVENT: dict[type[Event], Topic] = {cls: topic for topic in ALL_TOPICS for cls in topic.events}


def topic_of(event: type[Event] | Event) -> Topic:
    """The topic an event class (or instance) is published on; KeyError if it is on none."""
    cls = event if isinstance(event, type) else type(event)
    try:
        return _TOPIC_BY_EVENT[cls]
    except KeyError:
        raise KeyError(f"{cls.__name__} is on no topic") from None
