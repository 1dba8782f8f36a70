"""Test helpers: a connected Shopify store written straight into the connector's database, and
webhooks signed as Shopify signs them (the simulator's own helpers)."""

import json
import uuid
from datetime import UTC, datetime

from platform_simulators.shopify import ShopifySimulator, SimulatorConfig, webhook_headers

from connector.domain.stores import Store

APP_SECRET = "storefronts-dev-app-secret"  # the settings' and the simulator's default


async def connected_shopify_store(runtime, *, client_id: str, shop: str, token: str = "shpat_test") -> Store:
    now = datetime.now(UTC)
    store = Store(
        id=str(uuid.uuid4()),
        client_id=client_id,
        platform="shopify",
        name=shop.split(".")[0],
        status="connected",
        test_mode=False,
        created_at=now,
        updated_at=now,
        shop_url=shop,
    )
    async with runtime.uow() as uow:
        uow.stores.add(store)
        await uow.session.flush()
        await uow.stores.keep_credentials(store.id, runtime.vault.seal({"access_token": token}))
        await uow.commit()
    return store


def shopify_order(shop: str, **options) -> dict:
    simulator = ShopifySimulator(SimulatorConfig(catalog_products=3, variants_per_product=2, demo_shops=()))
    return simulator.order_payload(simulator.shop(shop), **options)


def signed(payload: dict, *, topic: str, shop: str, webhook_id: str | None = None, secret: str = APP_SECRET):
    body = json.dumps(payload).encode()
    return body, webhook_headers(topic=topic, shop=shop, body=body, secret=secret, webhook_id=webhook_id)
