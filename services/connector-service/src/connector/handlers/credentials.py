"""A store's connection with credentials that work: tokens that expire (Etsy) are refreshed
before they do and kept sealed; when the platform refuses to refresh them, the store needs
attention ("reconnect needed") and says so on its health page."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog

from connector.domain import stores as rules
from connector.domain.errors import PlatformAuthFailed, StoreDisconnectedAlready, StoreNotFound
from connector.domain.etsy import needs_refresh
from connector.ports import Clock, Platforms, RefreshingPlatform, ShopConnection, UnitOfWork, Vault

log = structlog.get_logger()
T = TypeVar("T")


@dataclass(frozen=True)
class Connections:
    """What opening a store's connection needs."""

    uow: UnitOfWork
    vault: Vault
    platforms: Platforms
    clock: Clock
    refresh_margin_seconds: int


async def open_connection(store_id: str, deps: Connections, *, force_refresh: bool = False) -> ShopConnection:
    """The store's connection; expiring credentials refreshed first (under the store's row lock,
    so two callers never both spend a refresh token that rotates)."""
    uow, now = deps.uow, deps.clock.now()
    async with uow:
        store = await uow.stores.get(store_id, for_update=True)
        if store is None:
            raise StoreNotFound("store_not_found", store_id=store_id)
        if store.status == "disconnected":
            raise StoreDisconnectedAlready("store_disconnected", name=store.name)
        sealed = await uow.stores.sealed_credentials(store_id)
        connection = ShopConnection.of(store, deps.vault.open(sealed) if sealed else {})
        adapter = deps.platforms.adapter(store.platform)
        if not isinstance(adapter, RefreshingPlatform) or not (
            force_refresh
            or needs_refresh(
                adapter.expires_at(connection.credentials), now, margin_seconds=deps.refresh_margin_seconds
            )
        ):
            await uow.commit()
            return connection
        refreshed: dict[str, str] | None = None
        try:
            refreshed = await adapter.refresh_credentials(connection)
        except PlatformAuthFailed:
            attention = rules.needs_attention(store, reason="reconnect_needed", now=now)
            await uow.stores.save(attention)
            await uow.stores.note_error(store_id, "reconnect_needed", None, now)
            await uow.commit()
            log.warning("store.reconnect_needed", store_id=store_id, platform=store.platform)
        else:
            await uow.stores.keep_credentials(store_id, deps.vault.seal(refreshed))
            await uow.commit()
            log.info("store.credentials_refreshed", store_id=store_id, platform=store.platform)
    if refreshed is None:
        raise PlatformAuthFailed("reconnect_needed")
    return ShopConnection.of(store, refreshed)


async def with_connection(store_id: str, deps: Connections, call: Callable[[ShopConnection], Awaitable[T]]) -> T:
    """Runs ``call`` with the store's connection; refused credentials (a token that ended early)
    are refreshed once and the call made again."""
    connection = await open_connection(store_id, deps)
    try:
        return await call(connection)
    except PlatformAuthFailed:
        if not isinstance(deps.platforms.adapter(connection.platform), RefreshingPlatform):
            raise
    return await call(await open_connection(store_id, deps, force_refresh=True))
