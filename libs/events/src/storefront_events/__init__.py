"""Event contracts of Storefronts: CloudEvents envelope, one model per domain event, topic registry.

Schema tooling lives in `storefront_events.schemas` (`python -m storefront_events.schemas write|check`).
"""

from storefront_events.access import (
    InvitationAccepted,
    SessionEnded,
    StorefrontAccessGranted,
    UserInvited,
    UserRemoved,
    UserRoleChanged,
)
from storefront_events.base import ENVELOPE_FIELDS, Event
from storefront_events.catalog import EVENT_TYPES
from storefront_events.clients import ClientArchived, ClientCreated, ClientRestored, ClientUpdated
from storefront_events.compat import compatibility_problems
from storefront_events.envelope import CONTENT_TYPE, KAFKA_HEADERS, CloudEvent, decode, encode, to_cloudevent
from storefront_events.errors import ContractError, MalformedEvent, UnknownEventType
from storefront_events.mappings import (
    MappingBroken,
    ProductMapped,
    ProductPublishRequested,
    ProductUnmapped,
    PublishVariant,
)
from storefront_events.notifications import EmailDeliveryFailed, EmailSent, PostbackDelivered, PostbackFailed
from storefront_events.orders import (
    OrderAccepted,
    OrderEvent,
    OrderHeld,
    OrderRejected,
    OrderStatus,
    OrderStatusChanged,
    ProductionLine,
    Shipment,
    UnresolvedLine,
)
from storefront_events.stores import (
    OrderCancelledInStore,
    OrderReceived,
    ProductPublished,
    ShopOrderLine,
    StoreConnected,
    StoreDisconnected,
    StoreNeedsAttention,
    StoreProduct,
    StoreProductsSynced,
    StoreVariant,
)
from storefront_events.topics import (
    ACCESS_V1,
    ALL_TOPICS,
    CLIENTS_V1,
    MAPPINGS_V1,
    NOTIFICATIONS_V1,
    ORDERS_V1,
    SHOP_ORDERS_V1,
    STORES_V1,
    Topic,
    topic_of,
)
from storefront_events.values import Address, LineAttribute, Platform, PrintFile, Role, UtcDatetime, Value

__all__ = [
    "ACCESS_V1",
    "ALL_TOPICS",
    "CLIENTS_V1",
    "CONTENT_TYPE",
    "ENVELOPE_FIELDS",
    "EVENT_TYPES",
    "KAFKA_HEADERS",
    "MAPPINGS_V1",
    "NOTIFICATIONS_V1",
    "ORDERS_V1",
    "SHOP_ORDERS_V1",
    "STORES_V1",
    "Address",
    "ClientArchived",
    "ClientCreated",
    "ClientRestored",
    "ClientUpdated",
    "CloudEvent",
    "ContractError",
    "EmailDeliveryFailed",
    "EmailSent",
    "Event",
    "InvitationAccepted",
    "LineAttribute",
    "MalformedEvent",
    "MappingBroken",
    "OrderAccepted",
    "OrderCancelledInStore",
    "OrderEvent",
    "OrderHeld",
    "OrderReceived",
    "OrderRejected",
    "OrderStatus",
    "OrderStatusChanged",
    "Platform",
    "PostbackDelivered",
    "PostbackFailed",
    "PrintFile",
    "ProductMapped",
    "ProductPublishRequested",
    "ProductPublished",
    "ProductUnmapped",
    "ProductionLine",
    "PublishVariant",
    "Role",
    "SessionEnded",
    "Shipment",
    "ShopOrderLine",
    "StoreConnected",
    "StoreDisconnected",
    "StoreNeedsAttention",
    "StoreProduct",
    "StoreProductsSynced",
    "StoreVariant",
    "StorefrontAccessGranted",
    "Topic",
    "UnknownEventType",
    "UnresolvedLine",
    "UserInvited",
    "UserRemoved",
    "UserRoleChanged",
    "UtcDatetime",
    "Value",
    "compatibility_problems",
    "decode",
    "encode",
    "to_cloudevent",
    "topic_of",
]
