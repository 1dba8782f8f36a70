"""What the connector's handlers use from the outside world, as Protocols.

- ``UnitOfWork`` with the store repository (one transaction over stores and the outbox);
- ``Vault``: credentials sealed at rest (``service_runtime.secrets``);
- ``ShopPlatform``: the one small interface every platform adapter implements (Shopify,
  WooCommerce, Etsy, Pressero). Adding a platform is adding a module under
  ``connector/adapters/platforms/`` that registers a factory with ``@platform("<name>")``;
  handlers find it by name through ``Platforms``, never by branching on the platform;
- ``OAuthPlatform``: what platforms that connect through OAuth add (Shopify, Etsy).

Adapters raise the domain's ``PlatformAuthFailed`` (credentials refused: the store needs
attention), ``PlatformUnavailable`` (5xx, timeouts, throttled for too long: try again later)
or ``PlatformError`` (anything else the platform refused), never httpx's exceptions.
"""

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from connector.domain.connection_checks import ConnectionCheck
from connector.domain.order_polls import OrderPoll
from connector.domain.parked_webhooks import ParkedWebhook, ParkReason
from connector.domain.reconciliations import Reconciliation
from connector.domain.stores import Platform, Store
from connector.domain.syncs import SyncJob
from service_runtime.ports import UnitOfWork as RuntimeUnitOfWork
from storefront_events import Event, OrderReceived, StoreProduct

# --------------------------------------------------------------------------- stores


class StoreRepository(Protocol):
    async def get(self, store_id: str, *, for_update: bool = False) -> Store | None: ...
    def add(self, store: Store) -> None: ...
    async def save(self, store: Store) -> None: ...
    async def listed(
        self, *, client_id: str | None, store_ids: Sequence[str] | None, after: str | None, limit: int
    ) -> list[Store]:
        """Stores by id; ``client_id``/``store_ids`` narrow (None: no narrowing)."""
        ...

    async def of_shop(self, platform: Platform, shop_url: str) -> list[Store]:
        """The stores connected to one shop (any client, any status)."""
        ...

    async def sealed_credentials(self, store_id: str) -> str | None:
        """The store's credentials as stored: sealed by the ``Vault``."""
        ...

    async def keep_credentials(self, store_id: str, sealed: str | None) -> None: ...

    async def note_error(self, store_id: str, key: str | None, detail: str | None, at: datetime) -> None:
        """The store's last error (a message key and its sentence) for its health page; None clears it."""
        ...

    async def notes(self, store_id: str) -> "StoreNotes":
        """What the store's health page shows besides the store itself."""
        ...

    async def note_webhooks(self, store_id: str, topics: Sequence[str]) -> None:
        """The topics the platform holds subscriptions for (at the last registration or check)."""
        ...


@dataclass(frozen=True)
class StoreNotes:
    webhook_topics: Sequence[str] = ()  # subscribed at the last registration
    last_error: str | None = None  # message key
    last_error_detail: str | None = None
    last_error_at: datetime | None = None


@dataclass(frozen=True)
class WebhookDelivery:
    """One accepted webhook, kept (raw body included) for a bounded time."""

    store_id: str
    delivery_id: str
    topic: str
    received_at: datetime
    raw_body: bytes
    platform_order_id: str | None = None
    correlation_id: str | None = None
    pending: bool = False  # what it means is derived later (webhook_deriving.py), not in this transaction


@dataclass(frozen=True)
class PendingWebhook:
    """A delivery stored and acknowledged whose events are still to be derived."""

    id: int
    store_id: str
    delivery_id: str
    topic: str
    received_at: datetime
    raw_body: bytes | None  # None: erased (a privacy request) before it was derived
    correlation_id: str | None = None


class WebhookDeliveries(Protocol):
    async def record(self, delivery: WebhookDelivery) -> bool:
        """Stores the delivery unless one with its store and id is there: False for a duplicate."""
        ...

    async def record_many(self, deliveries: Sequence[WebhookDelivery]) -> list[bool]:
        """``record`` for many deliveries in one statement: for each, True when it was stored
        (False: there before, or earlier in ``deliveries``)."""
        ...

    async def take_pending(self, limit: int, *, ids: Sequence[int] | None = None) -> list[PendingWebhook] | None:
        """The oldest deliveries still to be derived (``ids``: only those, if still pending),
        not parked ones. None when another process is deriving now (one at a time, so a
        shop's webhooks are derived in the order they were stored)."""
        ...

    async def mark_derived(self, derived: Sequence[tuple[int, str | None]], *, at: datetime) -> None:
        """(delivery row id, the platform order id it is about): derived, never taken again."""
        ...

    async def park(self, parked: Sequence[tuple[int, ParkReason]], *, at: datetime) -> None:
        """(delivery row id, why): kept with its raw body, not taken again by the deriving
        until it is retried (``unpark``)."""
        ...

    async def parked(self, store_id: str) -> int:
        """How many of the store's deliveries are parked."""
        ...

    async def parked_counts(self, store_ids: Sequence[str]) -> dict[str, int]:
        """How many deliveries are parked, per store of ``store_ids`` that has any (one query)."""
        ...

    async def parked_of(self, store_id: str, *, after: int | None, limit: int) -> list[ParkedWebhook]:
        """The store's parked deliveries, oldest first (``after``: past that row id)."""
        ...

    async def last_parked(self, store_id: str) -> ParkedWebhook | None:
        """The store's delivery parked last (the latest ``parked_at``)."""
        ...

    async def unpark(self, store_id: str, webhook_ids: Sequence[str] | None) -> list[str]:
        """The store's parked deliveries (``webhook_ids``: only those; None: all) to be derived
        again: the webhook ids un-parked (one not parked is left as it is)."""
        ...

    async def held(self, store_id: str, webhook_id: str) -> bool:
        """The store holds a delivery with this webhook id (parked or not)."""
        ...

    async def waiting(self, store_id: str) -> int:
        """How many of the store's deliveries are still to be derived (neither derived nor parked)."""
        ...

    async def erase_bodies(self, store_id: str, platform_order_ids: Sequence[str] | None) -> int:
        """Forgets the raw bodies of those orders (None: every body of the store); how many."""
        ...

    async def bodies_held(self, store_id: str, platform_order_ids: Sequence[str]) -> int: ...

    async def kept(self, store_id: str, topic: str) -> list[tuple[str, bytes]]:
        """(delivery id, raw body) of the store's deliveries of ``topic`` still kept, oldest first."""
        ...

    async def last_received(self, store_id: str) -> datetime | None: ...


class OrderAnnouncements(Protocol):
    """De-duplication by store and platform order id: an order is announced (OrderReceived)
    once, however many deliveries (webhooks of several topics, re-sends, polls) carry it."""

    async def announce_order(self, store_id: str, platform_order_id: str, *, at: datetime) -> bool:
        """True the first time an order of a store is announced, False after."""
        ...

    async def announce_orders(self, orders: Sequence[tuple[str, str, datetime]]) -> list[bool]:
        """``announce_order`` of many (store id, platform order id, at) in one statement: for
        each, True when it is announced now (False: before, or earlier in ``orders``)."""
        ...

    async def announce_cancellation(self, store_id: str, platform_order_id: str, *, at: datetime) -> bool:
        """True the first time an order of a store is said cancelled."""
        ...


@dataclass(frozen=True)
class OAuthState:
    """A single-use OAuth ``state`` (kept by its hash), bound to a client, a store and a shop."""

    state_hash: str
    platform: Platform
    client_id: str
    store_id: str
    shop_url: str
    created_at: datetime
    expires_at: datetime
    sealed_verifier: str | None = None  # PKCE code verifier (Etsy), sealed


class OAuthStates(Protocol):
    def add(self, state: OAuthState) -> None: ...

    async def take(self, state_hash: str, *, now: datetime) -> OAuthState | None:
        """Marks the state used and returns it; None when unknown, already used or expired
        (one statement: two callbacks with one state cannot both take it)."""
        ...


class SyncJobs(Protocol):
    def add(self, job: SyncJob) -> None: ...
    async def get(self, job_id: str) -> SyncJob | None: ...
    async def save(self, job: SyncJob) -> None: ...
    async def running_full(self, store_id: str) -> SyncJob | None:
        """The store's whole-catalog sync under way, if any."""
        ...

    async def latest(self, store_id: str, *, limit: int = 10) -> list[SyncJob]: ...
    async def interrupt_running(self, *, now: datetime, silent_since: datetime) -> int:
        """Jobs left running by a stopped process (no sign of life since ``silent_since``) are
        failed (``sync_interrupted``); those another process is running are left alone."""
        ...

    async def beat(self, job_ids: Sequence[str], *, now: datetime) -> None:
        """A sign of life of the process running these jobs."""
        ...


@dataclass(frozen=True)
class SyncedProduct:
    platform_product_id: str
    fingerprint: str
    status: str | None
    payload: str  # the StoreProduct as JSON


class SyncedProducts(Protocol):
    """The last synced state of each shop product, and what a sync has still to publish."""

    async def fingerprints(self, store_id: str, product_ids: Sequence[str]) -> dict[str, str]: ...

    async def seen(
        self, store_id: str, sync_id: str, products: Sequence[SyncedProduct], *, publish: Sequence[str], at: datetime
    ) -> None:
        """Records that ``sync_id`` saw these products; those in ``publish`` wait to be published by it."""
        ...

    async def mark_gone(
        self, store_id: str, sync_id: str, product_ids: Sequence[str] | None, *, since: datetime, at: datetime
    ) -> int:
        """Products not seen since ``since`` (the sync's start) — every product of the store, or
        those of ``product_ids`` — are marked deleted and wait for ``sync_id``; how many."""
        ...

    async def pending_sizes(self, store_id: str, sync_id: str) -> list[tuple[str, int]]:
        """(product id, size of its JSON) of the products waiting for ``sync_id``, by id."""
        ...

    async def take_pending(self, store_id: str, sync_id: str, product_ids: Sequence[str]) -> list[str]:
        """The payloads of those products waiting for ``sync_id``, no longer waiting once committed."""
        ...


class Vault(Protocol):
    """Credentials at rest: sealed (encrypted) before they reach the database."""

    def seal(self, credentials: Mapping[str, str]) -> str: ...
    def open(self, sealed: str) -> dict[str, str]: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class OrderPolls(Protocol):
    """Where each store's order polling stands (its high-water mark)."""

    async def get(self, store_id: str, *, for_update: bool = False) -> OrderPoll | None: ...
    async def put(self, poll: OrderPoll) -> None: ...


class Reconciliations(Protocol):
    """How each store's last reconciliation went."""

    async def get(self, store_id: str, *, for_update: bool = False) -> Reconciliation | None: ...
    async def put(self, reconciliation: Reconciliation) -> None: ...


class ConnectionChecks(Protocol):
    """The last connection check of each store (and whether its admin was told)."""

    async def get(self, store_id: str, *, for_update: bool = False) -> ConnectionCheck | None: ...
    async def put(self, check: ConnectionCheck) -> None: ...


class UnitOfWork(RuntimeUnitOfWork, Protocol):
    @property
    def stores(self) -> StoreRepository: ...

    @property
    def webhooks(self) -> WebhookDeliveries: ...

    @property
    def intake(self) -> OrderAnnouncements: ...

    @property
    def oauth_states(self) -> OAuthStates: ...

    @property
    def sync_jobs(self) -> SyncJobs: ...

    @property
    def synced_products(self) -> SyncedProducts: ...

    @property
    def order_polls(self) -> OrderPolls: ...

    @property
    def reconciliations(self) -> Reconciliations: ...

    @property
    def connection_checks(self) -> ConnectionChecks: ...


# --------------------------------------------------------------------------- platforms


@dataclass(frozen=True)
class ShopConnection:
    """Everything an adapter needs to talk to one shop, credentials opened."""

    store_id: str
    client_id: str
    platform: Platform
    shop_url: str | None
    credentials: Mapping[str, str] = field(default_factory=dict)
    test_mode: bool = False

    @classmethod
    def of(cls, store: Store, credentials: Mapping[str, str] | None = None) -> "ShopConnection":
        return cls(
            store_id=store.id,
            client_id=store.client_id,
            platform=store.platform,
            shop_url=store.shop_url,
            credentials=dict(credentials or {}),
            test_mode=store.test_mode,
        )


@dataclass(frozen=True)
class ShopDetails:
    """What the platform tells about the shop once the credentials work."""

    name: str | None = None
    platform_shop_id: str | None = None
    currency: str | None = None
    plan: str | None = None


@dataclass(frozen=True)
class WebhookSubscription:
    topic: str  # the platform's own topic name, e.g. "orders/create", "order.created"
    address: str
    platform_id: str | None = None


@dataclass(frozen=True)
class ProductPage:
    """One page of a product sync. ``total``: how many products the whole sync has, when the
    platform says so (for progress); ``removed``: ids of products gone from the shop."""

    products: Sequence[StoreProduct]
    total: int | None = None
    removed: Sequence[str] = ()


@dataclass(frozen=True)
class WebhookReceipt:
    """What the headers say about one delivery, read before the body is trusted."""

    topic: str
    delivery_id: str | None  # the platform's id of this delivery (de-duplication key)
    shop: str | None = None  # the shop the platform says it comes from


PrivacyKind = Literal["customer_data_request", "customer_redact", "shop_redact"]


@dataclass(frozen=True)
class PrivacyRequest:
    """A platform's privacy (GDPR) request: send a customer's data, erase it, or erase the shop's."""

    kind: PrivacyKind
    customer_email: str | None = None
    platform_order_ids: Sequence[str] = ()


@dataclass(frozen=True)
class WebhookOutcome:
    """What one verified webhook means for us. Everything here is applied in the same
    transaction as the delivery's de-duplication row."""

    events: Sequence[Event] = ()  # canonical events to publish (OrderReceived, OrderCancelledInStore, ...)
    platform_order_id: str | None = None  # the order the raw body is about (kept for re-derivation)
    disconnect_reason: str | None = None  # the platform says the store is gone (app uninstalled)
    products_to_sync: Sequence[str] = ()  # platform product ids to sync again
    privacy: PrivacyRequest | None = None
    reply: Mapping[str, object] | None = None  # a body the platform expects back (WooCommerce's ping)


@dataclass(frozen=True)
class Fulfillment:
    """Tracking pushed back to the shop when an order ships."""

    platform_order_id: str
    carrier: str | None = None
    tracking_number: str | None = None
    tracking_url: str | None = None
    platform_line_ids: Sequence[str] = ()


class ShopPlatform(Protocol):
    """One platform's adapter. Stateless between calls: each call gets the shop's connection."""

    @property
    def platform(self) -> Platform: ...

    async def verify_credentials(self, connection: ShopConnection) -> ShopDetails:
        """A cheap authenticated call; raises ``PlatformAuthFailed`` when refused."""
        ...

    async def register_webhooks(self, connection: ShopConnection, *, address: str) -> list[WebhookSubscription]:
        """Subscribes the topics we need at ``address`` (built from the public base URL
        setting, never from a request); subscriptions already there are kept, not doubled."""
        ...

    async def webhooks(self, connection: ShopConnection) -> list[WebhookSubscription]:
        """The subscriptions the platform holds for us now (health, repair)."""
        ...

    def products(
        self, connection: ShopConnection, *, product_ids: Sequence[str] | None = None
    ) -> AsyncIterator[ProductPage]:
        """Every product with every variant, a page at a time, respecting the platform's rate
        limits (waits and backs off itself); ``product_ids`` narrows to those products."""
        ...

    async def recent_orders(self, connection: ShopConnection, *, since: datetime) -> list[OrderReceived]:
        """Orders placed or changed since ``since``, in the canonical shape (reconciliation)."""
        ...

    def read_webhook(self, headers: Mapping[str, str]) -> WebhookReceipt:
        """Topic and delivery id from the headers (lower-case names)."""
        ...

    def derived_later(self, receipt: WebhookReceipt) -> bool:
        """True when what a signed webhook of this topic means may be derived after it is
        acknowledged (stored, then derived by the background stage): it depends on its body
        alone, is never refused once signed, and needs no answer but a 2xx."""
        ...

    def webhook_signed(self, connection: ShopConnection, body: bytes, headers: Mapping[str, str]) -> bool:
        """True when the signature header is the platform's signature of ``body`` (constant time)."""
        ...

    def webhook_outcome(self, connection: ShopConnection, receipt: WebhookReceipt, body: bytes) -> WebhookOutcome:
        """What a verified webhook means: canonical events, a disconnection, products to sync."""
        ...

    async def push_fulfillment(self, connection: ShopConnection, fulfillment: Fulfillment) -> None: ...


class OAuthPlatform(Protocol):
    """Platforms connected through OAuth (Shopify, Etsy) add these to ``ShopPlatform``."""

    def authorize_url(
        self, *, shop_url: str, state: str, redirect_uri: str, code_challenge: str | None = None
    ) -> str: ...

    def callback_signed(self, query: Sequence[tuple[str, str]]) -> bool:
        """The platform's signature of the callback query (Shopify's ``hmac``); True when it has none."""
        ...

    async def exchange_code(
        self, *, shop_url: str, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> dict[str, str]:
        """The credentials to keep (sealed) for the shop."""
        ...


@runtime_checkable
class RefreshingPlatform(Protocol):
    """Platforms whose access tokens expire (Etsy) add these: the handlers refresh the credentials
    before they expire and keep the new ones sealed (see handlers/credentials.py)."""

    def expires_at(self, credentials: Mapping[str, str]) -> datetime | None: ...

    async def refresh_credentials(self, connection: ShopConnection) -> dict[str, str]:
        """New credentials from the refresh token; ``PlatformAuthFailed`` when it is refused."""
        ...


class Platforms(Protocol):
    """The adapters by platform name."""

    def adapter(self, platform: str) -> ShopPlatform:
        """Raises ``PlatformNotSupported`` for a platform without an adapter (``manual``)."""
        ...

    def oauth(self, platform: str) -> OAuthPlatform:
        """Raises ``PlatformNotSupported`` for a platform that does not connect through OAuth."""
        ...
