"""Raw webhook bodies are kept webhook_retention_days, then removed; expired OAuth states go too."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from connector.adapters.tables import WebhookDeliveryRow

from .shops import connected_shopify_store, shopify_order, signed

SHOP = "tidy-prints.myshopify.com"


async def test_raw_bodies_past_their_retention_are_removed(api, connector_settings):
    runtime = api._transport.app.state.runtime
    store = await connected_shopify_store(runtime, client_id="c-tidy", shop=SHOP)
    body, headers = signed(shopify_order(SHOP), topic="orders/create", shop=SHOP)
    assert (await api.post(f"/webhooks/shopify/{store.id}", content=body, headers=headers)).status_code == 200

    async def held():
        async with runtime.sessions() as session:
            return (await session.execute(select(func.count()).select_from(WebhookDeliveryRow))).scalar_one()

    within = datetime.now(UTC) + timedelta(days=connector_settings.webhook_retention_days - 1)
    assert await runtime.connector_housekeeping.purge(now=within) == (0, 0)
    assert await held() == 1
    after = datetime.now(UTC) + timedelta(days=connector_settings.webhook_retention_days + 1)
    assert (await runtime.connector_housekeeping.purge(now=after))[0] == 1
    assert await held() == 0
