"""Parked webhooks over HTTP, on the real PostgreSQL and Kafka, with the Shopify simulator behind
the store's health: a store's webhooks that could not be read are listed (why, in English or
French), its health says it needs attention, and once the cause is fixed they are retried: the
order they carry is announced once, never twice; roles and tenants are enforced."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from platform_simulators.server import serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as create_simulator
from sqlalchemy import func, select

from connector.adapters.tables import WebhookDeliveryRow
from connector.main import create_app
from connector.settings import ConnectorSettings
from service_runtime.outbox import OutboxMessage
from service_runtime.testing.helpers import eventually, read_topic, running
from storefront_events import SHOP_ORDERS_V1, OrderReceived

from .shops import connected_shopify_store, shopify_order, signed

SHOP = "parked-prints.myshopify.com"
CLIENT, OTHER = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
async def shop_api(service_settings):
    config = SimulatorConfig(catalog_products=3, variants_per_product=2, demo_shops=())
    simulator = create_simulator(config)
    async with serving(simulator) as url:
        settings = service_settings(ConnectorSettings, shopify_base_url=url, outbound_allow_private=True)
        async with running(create_app(settings)) as http:
            runtime = http._transport.app.state.runtime
            store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
            simulator.state.simulator.shop(SHOP).tokens["shpat_test"] = "read_products,read_orders"
            yield http, settings, runtime, store


class MappingBug:
    """The Shopify adapter chokes on the orders named (a bug of ours), until it is fixed."""

    def __init__(self, monkeypatch, runtime, *order_ids: int):
        adapter = runtime.platforms.adapter("shopify")
        self.fixed = False
        read = adapter.webhook_outcome

        def buggy(connection, receipt, body):
            if not self.fixed and json.loads(body)["id"] in order_ids:
                raise KeyError("presentment_money")
            return read(connection, receipt, body)

        monkeypatch.setattr(adapter, "webhook_outcome", buggy)


async def _deliver(http, store, order, *, webhook_id, topic="orders/create"):
    body, headers = signed(order, topic=topic, shop=SHOP, webhook_id=webhook_id)
    answer = await http.post(f"/webhooks/shopify/{store.id}", content=body, headers=headers)
    assert (answer.status_code, answer.json()["status"]) == (200, "accepted")


async def _count(runtime, model, *where):
    async with runtime.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def _orders_received(settings, runtime, expected: int) -> list[str]:
    """The OrderReceived on the bus once the outbox is relayed (read past ``expected``: none more)."""

    async def relayed():
        return await _count(runtime, OutboxMessage, OutboxMessage.sent_at.is_(None)) == 0

    await eventually(relayed)
    records = await read_topic(
        settings.kafka_bootstrap, settings.topic(SHOP_ORDERS_V1.name), count=expected + 1, timeout=3
    )
    return sorted(event.platform_order_id for _, event, _ in records if isinstance(event, OrderReceived))


async def test_parked_webhooks_are_listed_said_on_the_health_and_retried_once_the_bug_is_fixed(
    shop_api, token_mint, monkeypatch
):
    http, settings, runtime, store = shop_api
    bug = MappingBug(monkeypatch, runtime, 41)
    digital = shopify_order(SHOP) | {"id": 42, "name": "#1042", "shipping_address": None}
    await _deliver(http, store, shopify_order(SHOP) | {"id": 40}, webhook_id="w-40")
    await _deliver(http, store, shopify_order(SHOP) | {"id": 41, "name": "#1041"}, webhook_id="w-41")
    await _deliver(http, store, digital, webhook_id="w-42")
    await runtime.webhook_deriving.catch_up()
    admin = token_mint.headers("admin", client_id=CLIENT)

    listed = await http.get(f"/stores/{store.id}/parked-webhooks", headers=admin)
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert (page["total"], page["waiting"], page["next_cursor"]) == (2, 0, None)
    assert [(p["webhook_id"], p["topic"], p["reason"]["code"]) for p in page["items"]] == [
        ("w-41", "orders/create", "webhook_not_derived"),
        ("w-42", "orders/create", "webhook_no_shipping_address"),
    ]
    assert page["items"][0]["reason"]["message"].startswith("An order sent by the shop could not be taken in")
    assert page["items"][1]["reason"]["message"] == (
        "Order #1042 has no shipping address: it cannot be produced and shipped."
    )
    assert [p["detail"] for p in page["items"]] == [None, None]  # the technical cause is for support
    french = (await http.get(f"/stores/{store.id}/parked-webhooks", headers=admin | {"Accept-Language": "fr"})).json()
    assert french["items"][1]["reason"]["message"] == (
        "La commande #1042 n'a pas d'adresse de livraison : elle ne peut être produite ni expédiée."
    )
    operator = (await http.get(f"/stores/{store.id}/parked-webhooks", headers=token_mint.headers("operator"))).json()
    assert [p["detail"] for p in operator["items"]] == ["KeyError: 'presentment_money'", None]  # none said twice
    first = (await http.get(f"/stores/{store.id}/parked-webhooks?limit=1", headers=admin)).json()
    rest = (await http.get(f"/stores/{store.id}/parked-webhooks?cursor={first['next_cursor']}", headers=admin)).json()
    assert [p["webhook_id"] for p in first["items"] + rest["items"]] == ["w-41", "w-42"]

    health = (await http.get(f"/stores/{store.id}/health", headers=admin)).json()
    assert (health["status"], health["credentials_valid"]) == ("connected", True)
    assert (health["parked_webhooks"], health["needs_attention"]) == (2, True)
    [listed] = [s for s in (await http.get("/stores", headers=admin)).json()["items"] if s["id"] == store.id]
    assert (listed["status"], listed["parked_webhooks"], listed["needs_attention"]) == ("connected", 2, True)
    [problem] = [p for p in health["problems"] if p["code"] == "webhooks_parked"]
    assert problem["message"].startswith("Webhooks set aside (the shop sent them, they could not be read): 2.")
    assert await _orders_received(settings, runtime, 1) == ["40"]

    bug.fixed = True  # the fix is deployed: the store manager retries every parked webhook
    manager = token_mint.headers("store_manager", client_id=CLIENT, store_ids=(store.id,))
    retried = await http.post(f"/stores/{store.id}/parked-webhooks/retry", headers=manager)
    assert retried.status_code == 200, retried.text
    assert retried.json() == {"retried": 2, "webhook_ids": ["w-41", "w-42"]}
    await runtime.webhook_deriving.catch_up()

    assert await _orders_received(settings, runtime, 2) == ["40", "41"]
    after = (await http.get(f"/stores/{store.id}/parked-webhooks", headers=admin)).json()
    assert [p["webhook_id"] for p in after["items"]] == ["w-42"]  # still no address: parked again, said again
    assert after["total"] == 1
    health = (await http.get(f"/stores/{store.id}/health", headers=admin | {"Accept-Language": "fr"})).json()
    assert (health["parked_webhooks"], health["needs_attention"]) == (1, True)
    assert [p["message"] for p in health["problems"] if p["code"] == "webhooks_parked"] == [
        "Webhooks mis de côté (envoyés par la boutique, ils n'ont pas pu être lus) : 1. Leurs commandes ne sont pas "
        "prises en compte ; corrigez la cause (ou contactez le support), puis relancez-les."
    ]
    assert health["last_error"]["message"].startswith("La commande #1042 n'a pas d'adresse de livraison")

    # again, and one already taken by its id: nothing more is announced
    again = await http.post(f"/stores/{store.id}/parked-webhooks/retry", json={"webhook_id": "w-41"}, headers=admin)
    assert again.json() == {"retried": 0, "webhook_ids": []}
    await runtime.webhook_deriving.catch_up()
    assert await _orders_received(settings, runtime, 2) == ["40", "41"]


async def test_a_retried_webhook_whose_order_was_announced_meanwhile_is_not_announced_twice(
    shop_api, token_mint, monkeypatch
):
    """Parked, then the same order came again after the fix (another delivery of it, as a shop
    or a reconciliation sends): retrying the parked one announces nothing more."""
    http, settings, runtime, store = shop_api
    bug = MappingBug(monkeypatch, runtime, 51)
    order = shopify_order(SHOP) | {"id": 51, "name": "#1051"}
    await _deliver(http, store, order, webhook_id="w-51-create")
    await runtime.webhook_deriving.catch_up()
    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.parked_at.is_not(None)) == 1

    bug.fixed = True
    await _deliver(http, store, order, webhook_id="w-51-again")  # the shop sent it again, under a new id
    await runtime.webhook_deriving.catch_up()
    assert await _orders_received(settings, runtime, 1) == ["51"]

    admin = token_mint.headers("admin", client_id=CLIENT)
    retried = await http.post(
        f"/stores/{store.id}/parked-webhooks/retry", json={"webhook_id": "w-51-create"}, headers=admin
    )
    assert retried.json() == {"retried": 1, "webhook_ids": ["w-51-create"]}
    await runtime.webhook_deriving.catch_up()

    assert await _count(runtime, WebhookDeliveryRow, WebhookDeliveryRow.derived_at.is_not(None)) == 2
    assert await _orders_received(settings, runtime, 1) == ["51"]
    health = (await http.get(f"/stores/{store.id}/health", headers=admin)).json()
    assert (health["parked_webhooks"], health["needs_attention"], health["problems"]) == (0, False, [])


async def test_everyone_of_the_client_lists_parked_webhooks_only_managers_retry_them_others_see_nothing(
    shop_api, token_mint
):
    http, _, runtime, store = shop_api
    await _deliver(http, store, shopify_order(SHOP) | {"id": 61, "shipping_address": None}, webhook_id="w-61")
    await runtime.webhook_deriving.catch_up()
    parked = WebhookDeliveryRow.parked_at.is_not(None)
    other_store = await connected_shopify_store(runtime, client_id=CLIENT, shop="other-parked.myshopify.com")
    listing, retry = f"/stores/{store.id}/parked-webhooks", f"/stores/{store.id}/parked-webhooks/retry"

    readers = {
        "operator": token_mint.headers("operator"),
        "admin": token_mint.headers("admin", client_id=CLIENT),
        "store_manager": token_mint.headers("store_manager", client_id=CLIENT, store_ids=(store.id,)),
        "order_manager": token_mint.headers("order_manager", client_id=CLIENT),
        "read_only": token_mint.headers("read_only", client_id=CLIENT),
    }
    for role, headers in readers.items():
        answer = await http.get(listing, headers=headers)
        assert (role, answer.status_code, answer.json()["total"]) == (role, 200, 1)

    strangers = {
        "another client's admin": token_mint.headers("admin", client_id=OTHER),
        "another client's reader": token_mint.headers("read_only", client_id=OTHER),
        "a manager of another store": token_mint.headers(
            "store_manager", client_id=CLIENT, store_ids=(other_store.id,)
        ),
    }
    for who, headers in strangers.items():
        answer = await http.get(listing, headers=headers)
        assert (who, answer.status_code, answer.headers["content-type"]) == (who, 404, "application/problem+json")
    for who in ("another client's admin", "a manager of another store"):
        answer = await http.post(retry, headers=strangers[who])
        assert (who, answer.status_code, answer.json()["code"]) == (who, 404, "store_not_found")

    for role in ("order_manager", "read_only"):
        refused = await http.post(retry, headers=readers[role] | {"Accept-Language": "fr"})
        assert (role, refused.status_code, refused.headers["content-type"]) == (role, 403, "application/problem+json")
        assert refused.json()["code"] == "role_may_not_manage"
        assert refused.json()["detail"].startswith("Votre rôle")
    unknown = await http.post(retry, json={"webhook_id": "never-sent"}, headers=readers["admin"])
    assert (unknown.status_code, unknown.json()["code"]) == (404, "parked_webhook_not_found")
    assert unknown.json()["detail"] == "This store has no webhook 'never-sent' kept."
    for bad in ({"webhook_id": ""}, {"webhook_id": "x" * 201}, {"webhook": "w-61"}, {"webhook_id": 61}):
        answer = await http.post(retry, json=bad, headers=readers["admin"])
        assert (bad, answer.status_code, answer.headers["content-type"]) == (bad, 422, "application/problem+json")
    assert (await http.get(f"{listing}?limit=0", headers=readers["admin"])).status_code == 422
    assert await _count(runtime, WebhookDeliveryRow, parked) == 1  # nothing refused changed anything

    for role in ("store_manager", "admin", "operator"):
        answer = await http.post(retry, json={"webhook_id": "w-61"}, headers=readers[role])
        assert (role, answer.status_code, answer.json()["webhook_ids"]) == (role, 200, ["w-61"])
        await runtime.webhook_deriving.catch_up()  # still no address: parked again
        assert await _count(runtime, WebhookDeliveryRow, parked) == 1


async def test_parked_webhooks_are_kept_for_their_own_retention_then_removed(shop_api):
    http, settings, runtime, store = shop_api
    await _deliver(http, store, shopify_order(SHOP) | {"id": 71}, webhook_id="w-71")
    await _deliver(http, store, shopify_order(SHOP) | {"id": 72, "shipping_address": None}, webhook_id="w-72")
    await runtime.webhook_deriving.catch_up()
    assert settings.parked_webhook_retention_days > settings.webhook_retention_days

    def days(n: float) -> datetime:
        return datetime.now(UTC) + timedelta(days=n)

    async def kept() -> list[str]:
        async with runtime.sessions() as session:
            return sorted((await session.execute(select(WebhookDeliveryRow.delivery_id))).scalars())

    # past the retention of handled webhooks: the derived one goes, the parked one waits for its retry
    assert (await runtime.connector_housekeeping.purge(now=days(settings.webhook_retention_days + 1)))[0] == 1
    assert await kept() == ["w-72"]
    assert (await runtime.connector_housekeeping.purge(now=days(settings.parked_webhook_retention_days - 1)))[0] == 0
    assert await kept() == ["w-72"]
    assert (await runtime.connector_housekeeping.purge(now=days(settings.parked_webhook_retention_days + 1)))[0] == 1
    assert await kept() == []


def test_parked_webhooks_are_never_kept_shorter_than_handled_ones(service_settings):
    with pytest.raises(ValueError, match="PARKED_WEBHOOK_RETENTION_DAYS"):
        service_settings(ConnectorSettings, webhook_retention_days=40, parked_webhook_retention_days=30)


@pytest.fixture(params=["postgresql", "sqlite"])
async def bare_runtime(request, service_settings, tmp_path):
    from connector.bootstrap import build

    overrides = {"database_url": f"sqlite:///{tmp_path}/connector.db"} if request.param == "sqlite" else {}
    runtime = build(service_settings(ConnectorSettings, **overrides))
    await runtime.migrate()
    try:
        yield runtime
    finally:
        await runtime.engine.dispose()


async def test_parking_listing_and_unparking_on_either_database(bare_runtime):
    from connector.handlers.webhook_deriving import derive_pending
    from connector.handlers.webhook_groups import GroupedWebhook, record_together
    from connector.ports import WebhookDelivery

    runtime = bare_runtime
    store = await connected_shopify_store(runtime, client_id=CLIENT, shop=SHOP)
    body, _ = signed(
        shopify_order(SHOP) | {"name": "#1081", "shipping_address": None}, topic="orders/create", shop=SHOP
    )
    delivery = WebhookDelivery(
        store_id=store.id,
        delivery_id="w-81",
        topic="orders/create",
        received_at=datetime.now(UTC),
        raw_body=body,
        pending=True,
    )
    assert await record_together([GroupedWebhook(delivery)], uow=runtime.connector_uow()) == [True]

    async def derive():
        return await derive_pending(
            uow=runtime.connector_uow(), platforms=runtime.platforms, vault=runtime.vault, clock=runtime.clock, limit=10
        )

    assert (await derive()).parked == 1
    async with runtime.connector_uow() as uow:
        [parked] = await uow.webhooks.parked_of(store.id, after=None, limit=10)
        assert (parked.webhook_id, parked.reason.key, dict(parked.reason.values)) == (
            "w-81",
            "webhook_no_shipping_address",
            {"order": "#1081"},
        )
        assert await uow.webhooks.parked_of(store.id, after=parked.row_id, limit=10) == []
        assert (await uow.webhooks.parked(store.id), await uow.webhooks.waiting(store.id)) == (1, 0)
        assert await uow.webhooks.unpark(store.id, ["w-other"]) == []
        assert await uow.webhooks.unpark(store.id, None) == ["w-81"]
        assert (await uow.webhooks.parked(store.id), await uow.webhooks.waiting(store.id)) == (0, 1)
        assert await uow.webhooks.unpark(store.id, None) == []
        await uow.commit()
    assert (await derive()).parked == 1  # read again: still no address
