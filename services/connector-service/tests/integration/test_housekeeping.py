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
    await runtime.webhook_deriving.catch_up()  # a delivery is removed only once derived

    async def held():
        async with runtime.sessions() as session:
            return (await session.execute(select(func.count()).select_from(WebhookDeliveryRow))).scalar_one()

    within = datetime.now(UTC) + timedelta(days=connector_settings.webhook_retention_days - 1)
    assert await runtime.connector_housekeeping.purge(now=within) == (0, 0)
    assert await held() == 1
    after = datetime.now(UTC) + timedelta(days=connector_settings.webhook_retention_days + 1)
    assert (await runtime.connector_housekeeping.purge(now=after))[0] == 1
    assert await held() == 0


async def test_a_delivery_not_derived_yet_is_kept_past_its_retention(connector_settings):
    """Stored and acknowledged, its events not derived (this process does not derive): kept
    whatever its age, so the order it carries is never lost."""
    from connector.bootstrap import build
    from connector.handlers.webhook_groups import GroupedWebhook, record_together
    from connector.ports import WebhookDelivery

    runtime = build(connector_settings)
    await runtime.migrate()
    try:
        store = await connected_shopify_store(runtime, client_id="c-tidy", shop=SHOP)
        body, _ = signed(shopify_order(SHOP), topic="orders/create", shop=SHOP)
        delivery = WebhookDelivery(
            store_id=store.id,
            delivery_id="pending-1",
            topic="orders/create",
            received_at=datetime.now(UTC),
            raw_body=body,
            pending=True,
        )
        assert await record_together([GroupedWebhook(delivery)], uow=runtime.connector_uow()) == [True]
        after = datetime.now(UTC) + timedelta(days=connector_settings.webhook_retention_days + 1)
        assert (await runtime.connector_housekeeping.purge(now=after))[0] == 0
    finally:
        await runtime.engine.dispose()
