"""Connecting an Etsy shop: OAuth 2.0 with PKCE. The code verifier never leaves the connector
(sealed with the single-use state, which is bound to the client and the store); only its S256
challenge goes in the authorize address. The callback exchanges the code with the verifier,
keeps the tokens sealed and publishes StoreConnected."""

import secrets
import uuid
from collections.abc import Sequence
from datetime import timedelta

import structlog

from connector.domain import stores as rules
from connector.domain.access import Viewer
from connector.domain.errors import OAuthRefused, StoreDisconnectedAlready
from connector.domain.etsy import code_challenge
from connector.domain.stores import Store
from connector.handlers.install import Addresses, InstallStarted, state_hash
from connector.handlers.stores import load_managed, owner_of_new_store, store_connected
from connector.ports import Clock, OAuthState, Platforms, ShopConnection, UnitOfWork, Vault

log = structlog.get_logger()
DEFAULT_NAME = "Etsy shop"  # until Etsy tells the shop's name


async def start_etsy_connect(
    viewer: Viewer,
    *,
    client_id: str | None,
    store_id: str | None,
    test_mode: bool,
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
    addresses: Addresses,
    state_ttl_seconds: int,
) -> InstallStarted:
    """A new Etsy store (client admin, operator) or a reconnection of one (its admin or Store
    manager): ``connecting`` until the callback."""
    oauth = platforms.oauth("etsy")
    now = clock.now()
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    async with uow:
        if store_id is not None:
            store = await load_managed(uow, viewer, store_id, for_update=True)
            if store.platform != "etsy":
                raise OAuthRefused("store_of_another_shop", field="store_id", shop=store.platform)
        else:
            owner = owner_of_new_store(viewer, client_id)
            store = rules.new_platform_store(
                str(uuid.uuid4()),
                client_id=owner,
                platform="etsy",
                name=DEFAULT_NAME,
                shop_url=None,
                test_mode=test_mode,
                now=now,
            )
            uow.stores.add(store)
        uow.oauth_states.add(
            OAuthState(
                state_hash=state_hash(state),
                platform="etsy",
                client_id=store.client_id,
                store_id=store.id,
                shop_url="",
                created_at=now,
                expires_at=now + timedelta(seconds=state_ttl_seconds),
                sealed_verifier=vault.seal({"code_verifier": verifier}),
            )
        )
        await uow.commit()
    url = oauth.authorize_url(
        shop_url="", state=state, redirect_uri=addresses.callback("etsy"), code_challenge=code_challenge(verifier)
    )
    return InstallStarted(store=store, authorize_url=url, expires_in=state_ttl_seconds)


async def finish_etsy_connect(
    query: Sequence[tuple[str, str]],
    *,
    uow: UnitOfWork,
    platforms: Platforms,
    vault: Vault,
    clock: Clock,
    addresses: Addresses,
) -> Store:
    """The callback: the state is used up by the first callback presenting it, whatever happens
    next; a refusal at Etsy (``error``) connects nothing."""
    oauth = platforms.oauth("etsy")
    adapter = platforms.adapter("etsy")
    values = dict(query)
    if not values.get("state"):
        raise OAuthRefused("oauth_incomplete", missing="state")
    async with uow:
        taken = await uow.oauth_states.take(state_hash(values["state"]), now=clock.now())
        await uow.commit()
    if taken is None or taken.platform != "etsy" or not taken.sealed_verifier:
        raise OAuthRefused("oauth_state_invalid")
    if values.get("error"):
        raise OAuthRefused("oauth_denied", reason=values.get("error_description") or values["error"])
    if not values.get("code"):
        raise OAuthRefused("oauth_incomplete", missing="code")
    async with uow:
        store = await uow.stores.get(taken.store_id)
    if store is None or store.client_id != taken.client_id:
        raise OAuthRefused("oauth_state_invalid")
    if store.status == "disconnected":
        raise StoreDisconnectedAlready("store_disconnected", name=store.name)

    verifier = vault.open(taken.sealed_verifier)["code_verifier"]
    credentials = await oauth.exchange_code(
        shop_url="", code=values["code"], redirect_uri=addresses.callback("etsy"), code_verifier=verifier
    )
    details = await adapter.verify_credentials(ShopConnection.of(store, credentials))
    if store.platform_shop_id and details.platform_shop_id != store.platform_shop_id:
        raise OAuthRefused("store_of_another_shop", shop=store.name)

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
        await uow.stores.note_error(store.id, None, None, clock.now())
        uow.outbox.add(store_connected(connected))
        await uow.commit()
    log.info("store.connected", store_id=store.id, platform="etsy", shop_id=details.platform_shop_id)
    return connected
