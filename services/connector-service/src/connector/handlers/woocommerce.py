"""Connect a WooCommerce shop with its URL, consumer key and secret.

Nothing is saved before the shop has accepted the keys (a cheap authenticated call): a wrong
key, an address that is not a WooCommerce shop, plain http where HTTPS is required or a
private address is refused with a clear error and changes nothing. Then the store is saved
(``connecting``, credentials sealed with a webhook secret of its own), the order webhooks are
registered at the address built from the public base URL, and the store is ``connected``
(StoreConnected)."""

import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from connector.domain import stores as store_rules
from connector.domain import woocommerce as rules
from connector.domain.access import Viewer
from connector.domain.errors import PlatformAuthFailed
from connector.domain.platform_errors import CredentialsRefused, IntegrationTaken
from connector.domain.stores import Store
from connector.handlers.stores import owner_of_new_store, store_connected
from connector.intake_ports import AddressGuard, UnitOfWork
from connector.ports import Clock, ShopConnection, ShopPlatform, Vault


@dataclass(frozen=True)
class ConnectWooCommerce:
    shop_url: str
    consumer_key: str
    consumer_secret: str
    client_id: str | None = None
    name: str | None = None
    test_mode: bool = False


async def connect_woocommerce(
    viewer: Viewer,
    cmd: ConnectWooCommerce,
    *,
    uow: UnitOfWork,
    adapter: ShopPlatform,
    vault: Vault,
    clock: Clock,
    guard: AddressGuard,
    webhook_address: Callable[[str], str],
    require_https: bool,
) -> Store:
    owner = owner_of_new_store(viewer, cmd.client_id)
    shop_url = rules.clean_shop_url(cmd.shop_url, require_https=require_https)
    key, secret = rules.clean_key_pair(cmd.consumer_key, cmd.consumer_secret)
    await guard.check(shop_url)
    name = store_rules.clean_name(cmd.name or urlsplit(shop_url).hostname or shop_url)

    async with uow:
        earlier = [s for s in await uow.stores.of_shop("woocommerce", shop_url) if s.status != "disconnected"]
    if live := [s for s in earlier if s.status != "connecting"]:
        raise IntegrationTaken("woo_shop_taken", field="shop_url", name=live[0].name)
    retried = next((s for s in earlier if s.client_id == owner), None)  # an attempt that stopped half-way
    store = retried or store_rules.new_platform_store(
        str(uuid.uuid4()),
        client_id=owner,
        platform="woocommerce",
        name=name,
        shop_url=shop_url,
        test_mode=cmd.test_mode,
        now=clock.now(),
    )
    credentials = {"consumer_key": key, "consumer_secret": secret, "webhook_secret": secrets.token_urlsafe(32)}
    connection = ShopConnection.of(store, credentials)
    try:
        details = await adapter.verify_credentials(connection)
    except PlatformAuthFailed as refused:
        reason = str(refused.values.get("reason", ""))
        raise CredentialsRefused("woo_key_refused", field=rules.refused_key_field(reason), reason=reason) from refused

    async with uow:
        if retried is None:
            uow.stores.add(store)
        await uow.stores.keep_credentials(store.id, vault.seal(credentials))
        await uow.commit()

    subscriptions = await adapter.register_webhooks(connection, address=webhook_address(store.id))

    async with uow:
        current = await uow.stores.get(store.id, for_update=True)
        assert current is not None
        done = store_rules.connected(
            current,
            now=clock.now(),
            name=cmd.name or None,
            platform_shop_id=details.platform_shop_id,
            currency=details.currency,
        )
        await uow.stores.save(done)
        await uow.stores.note_webhooks(store.id, sorted({s.topic for s in subscriptions}))
        uow.outbox.add(store_connected(done))
        await uow.commit()
    return done
