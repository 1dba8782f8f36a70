"""Stores: a client's shop on one platform (or a manual store). Rules only: no I/O.

A store belongs to one client for its whole life. Its status says whether orders can come
in: ``connecting`` (an install started, the platform has not answered yet), ``connected``,
``needs_attention`` (the platform refuses our credentials or webhooks are gone: the client
must act) and ``disconnected`` (by the client, or the app was removed on the platform)."""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from connector.domain.errors import InvalidStore, StoreDisconnectedAlready
from service_runtime.text import refused_character

Platform = Literal["shopify", "etsy", "woocommerce", "pressero", "manual"]
PLATFORMS: tuple[Platform, ...] = ("shopify", "etsy", "woocommerce", "pressero", "manual")
StoreStatus = Literal["connecting", "connected", "needs_attention", "disconnected"]
NAME_MAX = 200


@dataclass(frozen=True)
class Store:
    id: str
    client_id: str
    platform: Platform
    name: str
    status: StoreStatus
    test_mode: bool
    created_at: datetime
    updated_at: datetime
    shop_url: str | None = None  # Shopify: the shop's myshopify.com domain; Woo: the shop's URL
    platform_shop_id: str | None = None
    currency: str | None = None
    status_reason: str | None = None  # why it needs attention or was disconnected (a message key)
    version: int = 1  # raised by one with each change; the store's events carry it

    @property
    def takes_platform_webhooks(self) -> bool:
        """A manual store takes no platform webhook; a disconnected one takes none any more."""
        return self.platform != "manual" and self.status in ("connected", "needs_attention")


def clean_name(name: str) -> str:
    if refused := refused_character(name):
        raise InvalidStore("name_character_refused", field="name", character=refused)
    name = " ".join(name.split())
    if not name:
        raise InvalidStore("name_required", field="name")
    if len(name) > NAME_MAX:
        raise InvalidStore("name_too_long", field="name", maximum=NAME_MAX)
    return name


def new_manual_store(store_id: str, *, client_id: str, name: str, test_mode: bool, now: datetime) -> Store:
    """ "Add manual store": no platform, connected at once; its orders come from "Place order" and CSV."""
    return Store(
        id=store_id,
        client_id=client_id,
        platform="manual",
        name=clean_name(name),
        status="connected",
        test_mode=test_mode,
        created_at=now,
        updated_at=now,
    )


def new_platform_store(
    store_id: str,
    *,
    client_id: str,
    platform: Platform,
    name: str,
    shop_url: str | None,
    test_mode: bool,
    now: datetime,
) -> Store:
    """A shop whose connection has started (OAuth sent, keys being checked): ``connecting``."""
    if platform == "manual":
        raise InvalidStore("platform_required", field="platform")
    return Store(
        id=store_id,
        client_id=client_id,
        platform=platform,
        name=clean_name(name),
        status="connecting",
        test_mode=test_mode,
        created_at=now,
        updated_at=now,
        shop_url=shop_url,
    )


def connected(
    store: Store,
    *,
    now: datetime,
    name: str | None = None,
    platform_shop_id: str | None = None,
    currency: str | None = None,
) -> Store:
    """The platform accepted the connection (first time or again after a break)."""
    return replace(
        store,
        status="connected",
        status_reason=None,
        name=clean_name(name) if name else store.name,
        platform_shop_id=platform_shop_id or store.platform_shop_id,
        currency=currency or store.currency,
        updated_at=now,
        version=store.version + 1,
    )


def needs_attention(store: Store, *, reason: str, now: datetime) -> Store:
    """The platform refuses us (token revoked, webhooks gone): the client has to act."""
    if store.status == "disconnected":
        raise StoreDisconnectedAlready("store_disconnected", name=store.name)
    if store.status == "needs_attention" and store.status_reason == reason:
        return store
    return replace(store, status="needs_attention", status_reason=reason, updated_at=now, version=store.version + 1)


def disconnect(store: Store, *, reason: str, now: datetime) -> Store:
    """By the client (``by_client``) or the platform (``revoked_on_platform``): orders stop."""
    if store.status == "disconnected":
        raise StoreDisconnectedAlready("store_disconnected", name=store.name)
    return replace(store, status="disconnected", status_reason=reason, updated_at=now, version=store.version + 1)
