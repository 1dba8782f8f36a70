"""Connecting a Shopify shop: the install (authorize address with a single-use state bound to
the client) and the callback (query signature, state, shop, code → token sealed, webhooks
subscribed at addresses built from the public base URL, StoreConnected)."""

import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog

from connector.domain import stores as rules
from connector.domain.access import Viewer
from connector.domain.errors import OAuthRefused, StoreDisconnectedAlready
from connector.domain.shops import shopify_domain
from connector.domain.stores import Store
from connector.handlers.stores import load_managed, owner_of_new_store, store_connected
from connector.ports import Clock, OAuthState, Platforms, ShopConnection, UnitOfWork, Vault

log = structlog.get_logger()


@dataclass(frozen=True)
class InstallStarted:
    store: Store
    authorize_url: str
    expires_in: int


@dataclass(frozen=True)
class Addresses:
    """Built from the public base URL setting, never from a request."""

    public_base_url: str

    def callback(self, platform: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/stores/{platform}/callback"

    def webhooks(self, platform: str, store_id: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/webhooks/{platform}/{store_id}"


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


async def start_shopify_install(
    viewer: Viewer,
    *,
    shop: str,
    client_id: str | None,
    store_id: str | None,
    test_mode: bool,
    uow: UnitOfWork,
    platforms: Platforms,
    clock: Clock,
    addresses: Addresses,
    state_ttl_seconds: int,
) -> InstallStarted:
    """A new store (client admin, operator) or a reconnection of an existing one (its admin or
    Store manager; or the client's store already on that shop, never a second store of one shop,
    whose orders would come twice): a new store is ``connecting`` until the callback."""
    domain = shopify_domain(shop)
    oauth = platforms.oauth("shopify")
    now = clock.now()
    state = secrets.token_urlsafe(32)
    async with uow:
        if store_id is not None:
            store = await load_managed(uow, viewer, store_id, for_update=True)
            if store.platform != "shopify" or (store.shop_url and store.shop_url != domain):
                raise OAuthRefused("store_of_another_shop", field="shop", shop=store.shop_url or store.platform)
        elif existing := [
            s
            for s in await uow.stores.of_shop("shopify", domain)
            if s.client_id == owner_of_new_store(viewer, client_id) and s.status != "disconnected"
        ]:
            store = existing[0]  # installing a shop the client has already: that store, connected again
        else:
            owner = owner_of_new_store(viewer, client_id)
            store = rules.new_platform_store(
                str(uuid.uuid4()),
                client_id=owner,
                platform="shopify",
                name=domain.split(".", 1)[0],
                shop_url=domain,
                test_mode=test_mode,
                now=now,
            )
            uow.stores.add(store)
        uow.oauth_states.add(
            OAuthState(
                state_hash=state_hash(state),
                platform="shopify",
                client_id=store.client_id,
                store_id=store.id,
                shop_url=domain,
                created_at=now,
                expires_at=now + timedelta(seconds=state_ttl_seconds),
            )
        )
        await uow.commit()
    url = oauth.authorize_url(shop_url=domain, state=state, redirect_uri=addresses.callback("shopify"))
    return InstallStarted(store=store, authorize_url=url, expires_in=state_ttl_seconds)


async def finish_shopify_install(
    query: Sequence[tuple[str, str]],
    *,
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
    addresses: Addresses,
) -> Store:
    """The callback: every check before anything is connected; the state is used up by the first
    callback that presents it, whatever happens next."""
    oauth = platforms.oauth("shopify")
    adapter = platforms.adapter("shopify")
    values = dict(query)
    missing = [name for name in ("code", "shop", "state", "hmac") if not values.get(name)]
    if missing:
        raise OAuthRefused("oauth_incomplete", missing=", ".join(missing))
    if not oauth.callback_signed(query):
        raise OAuthRefused("oauth_signature_invalid")
    shop = shopify_domain(values["shop"])
    async with uow:
        taken = await uow.oauth_states.take(state_hash(values["state"]), now=clock.now())
        await uow.commit()
    if taken is None or taken.platform != "shopify":
        raise OAuthRefused("oauth_state_invalid")
    if taken.shop_url != shop:
        raise OAuthRefused("oauth_wrong_shop", shop=shop)
    async with uow:
        store = await uow.stores.get(taken.store_id)
    if store is None or store.client_id != taken.client_id:
        raise OAuthRefused("oauth_state_invalid")
    if store.status == "disconnected":
        raise StoreDisconnectedAlready("store_disconnected", name=store.name)

    credentials = await oauth.exchange_code(
        shop_url=shop, code=values["code"], redirect_uri=addresses.callback("shopify")
    )
    connection = ShopConnection.of(store, credentials)
    details = await adapter.verify_credentials(connection)
    subscriptions = await adapter.register_webhooks(connection, address=addresses.webhooks("shopify", store.id))

    async with uow:
        current = await uow.stores.get(store.id, for_update=True)
        if current is None:
            raise OAuthRefused("oauth_state_invalid")
        if current.status == "disconnected":
            raise StoreDisconnectedAlready("store_disconnected", name=current.name)
        connected = rules.connected(
            current,
            now=clock.now(),
            name=details.name if current.status == "connecting" else None,
            platform_shop_id=details.platform_shop_id,
            currency=details.currency,
        )
        await uow.stores.save(connected)
        await uow.stores.keep_credentials(store.id, vault.seal(credentials))
        await uow.stores.note_webhooks(store.id, [s.topic for s in subscriptions])
        await uow.stores.note_error(store.id, None, None, clock.now())
        uow.outbox.add(store_connected(connected))
        await uow.commit()
    log.info("store.connected", store_id=store.id, platform="shopify", shop=shop, webhooks=len(subscriptions))
    return connected
