"""The store page's webhooks set aside, in Chromium, through the gateway, with the connector as a
process and a WooCommerce shop served over real HTTP: the shop sends an order without any
address (it cannot be read) and another one a bug of ours set aside; the store's health says it
needs attention, the admin sees both with why, in English, and clicks "Retry all" once the bug
is fixed: the second is taken in, the first stays aside. A Read-only user sees them in French
with no button; the operator, in French, retries the one left. Every screen passes axe-core
and is saved under var/screenshots/."""

import re
import uuid

import asyncpg
import httpx
import pytest
from platform_simulators.server import serving
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import PASSWORD, _activate, _mail_link, _sign_in
from .test_console_mapping import _token
from .test_console_stores import _client_with_admin, _connect_woocommerce


@pytest.fixture
async def woo_shop():
    shop = WooShop(name="Aside Woo")
    shop.add_catalog(2)
    async with serving(woo_app(shop)) as url:
        yield shop, url


async def _deliveries(databases, store_id: str) -> list[tuple[str, bool, bool]]:
    """(webhook id, derived, parked) of the store's order webhooks (not the creation pings), in order."""
    connection = await asyncpg.connect(databases["connector"])
    try:
        rows = await connection.fetch(
            "SELECT delivery_id, derived_at IS NOT NULL AS derived, parked_at IS NOT NULL AS parked"
            " FROM webhook_deliveries WHERE store_id = $1 AND topic = 'order.created' ORDER BY id",
            store_id,
        )
    finally:
        await connection.close()
    return [(row["delivery_id"], row["derived"], row["parked"]) for row in rows]


async def _set_aside_by_a_bug(databases, store_id: str, delivery_id: str) -> None:
    """What the deriving did when the adapter choked on a body (a bug of ours): parked, kept."""
    connection = await asyncpg.connect(databases["connector"])
    try:
        await connection.execute(
            "UPDATE webhook_deliveries SET derived_at = NULL, parked_at = now(), park_code = 'webhook_not_derived',"
            " park_reason = 'KeyError: ''line_items''' WHERE store_id = $1 AND delivery_id = $2",
            store_id,
            delivery_id,
        )
    finally:
        await connection.close()


async def test_webhooks_set_aside_are_shown_and_retried_by_those_who_manage_the_store(
    browser, platform, screens, woo_shop, databases
):
    run = uuid.uuid4().hex[:8]
    shots = screens("parked-webhooks")
    shop, shop_url = woo_shop
    client_id, admin_email = await _client_with_admin(platform, run)
    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(admin, link, PASSWORD)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    reader_email = f"rita-{run}@acme.example"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        headers = await _token(api, admin_email, PASSWORD)
        store_id = await _connect_woocommerce(api, shop, shop_url, "Aside Woo", headers)
        invited = await api.post(
            f"/clients/{client_id}/users",
            json={
                "email": reader_email,
                "first_name": "Rita",
                "last_name": "Reader",
                "role": "read_only",
                "store_ids": [],
                "locale": "fr",
            },
            headers=headers,
        )
        assert invited.status_code == 201, invited.text

    # the shop sends an order a bug of ours sets aside, and one without any address
    fine = await shop.place_order()
    nowhere = shop.new_order() | {"billing": {"email": "ada@example.com"}, "shipping": {}}
    await shop.deliver("order.created", nowhere)

    async def both_read():
        return [(derived, parked) for _, derived, parked in await _deliveries(databases, store_id)] == [
            (True, False),
            (False, True),
        ]

    await eventually(both_read, timeout=60, interval=0.5)
    [(bugged_id, _, _), (nowhere_id, _, _)] = await _deliveries(databases, store_id)
    await _set_aside_by_a_bug(databases, store_id, bugged_id)

    # the admin: the stores list already says the store needs attention (its webhooks set aside)
    await admin.goto(f"{platform.url}/console/stores")
    row = admin.get_by_role("row").filter(has=admin.get_by_role("link", name="Aside Woo"))
    await expect(row).to_contain_text("Needs attention", timeout=30_000)
    # its page: the health says so, the two set aside with why
    await admin.goto(f"{platform.url}/console/stores/{store_id}")
    health = admin.get_by_role("list", name="Problems")
    await expect(health).to_contain_text(
        "Webhooks set aside (the shop sent them, they could not be read): 2.", timeout=30_000
    )
    # the store is still connected, but its badge says what the health check found
    await expect(admin.get_by_role("heading", level=1)).to_contain_text("Needs attention")
    aside = admin.get_by_test_id("parked")
    await expect(aside.get_by_role("heading", name="Webhooks set aside")).to_be_visible()
    await expect(aside.get_by_test_id("parked-count")).to_have_text("2 set aside")
    await expect(aside.get_by_role("row")).to_have_count(3)
    await expect(aside).to_contain_text(
        "An order sent by the shop could not be taken in because of an error on our side."
    )
    await expect(aside).to_contain_text(f"Order {nowhere['id']} has no shipping or billing address.")
    await expect(aside).not_to_contain_text("KeyError")  # the technical cause is for support
    await expect(aside.get_by_role("button", name=f"Retry webhook {bugged_id}")).to_be_visible()
    await shots.check(admin, "store-webhooks-set-aside")

    # the bug is fixed: "Retry all" takes the first in, the one without an address stays aside
    await aside.get_by_role("button", name="Retry all").click()
    await expect(aside.get_by_role("status")).to_have_text("Read again: 1 taken in, 1 still set aside.", timeout=60_000)
    await expect(aside.get_by_role("status")).to_have_attribute("data-tone", "warn")  # one still aside: not a success
    await expect(aside.get_by_test_id("parked-count")).to_have_text("1 set aside")
    await expect(aside.get_by_role("row")).to_have_count(2)
    await expect(health).to_contain_text(
        "Webhooks set aside (the shop sent them, they could not be read): 1.", timeout=30_000
    )
    await shots.check(admin, "store-webhooks-retried")
    assert [(d, derived, parked) for d, derived, parked in await _deliveries(databases, store_id)] == [
        (bugged_id, True, False),
        (nowhere_id, False, True),
    ]
    assert fine["id"]

    # a Read-only user, in French: what is set aside and why, no button to retry
    link, _ = await _mail_link(platform.maildir, reader_email)
    reader = await (await browser.new_context(locale="fr-FR")).new_page()
    await _activate(reader, link, PASSWORD, submit="Activer mon compte")
    await expect(reader.get_by_role("heading", name="Bienvenue, Rita")).to_be_visible(timeout=30_000)
    await reader.goto(f"{platform.url}/console/stores/{store_id}")
    french = reader.get_by_test_id("parked")
    await expect(french.get_by_role("heading", name="Webhooks mis de côté")).to_be_visible(timeout=30_000)
    await expect(french.get_by_test_id("parked-count")).to_have_text("1 mis de côté")
    await expect(french).to_contain_text(
        f"La commande {nowhere['id']} n'a ni adresse de livraison ni adresse de facturation."
    )
    await expect(french.get_by_role("button")).to_have_count(0)
    await expect(reader.get_by_role("list", name="Problèmes")).to_contain_text(
        "Webhooks mis de côté (envoyés par la boutique, ils n'ont pas pu être lus) : 1."
    )
    await expect(reader.get_by_role("heading", level=1)).to_contain_text("À vérifier")
    await expect(reader.get_by_role("main")).not_to_contain_text("has no shipping")  # the last error in French too
    await shots.check(reader, "lecture-seule-webhooks-mis-de-cote")

    # the operator, in French, retries the one left: still unreadable, still aside
    operator = await (await browser.new_context(locale="fr-FR")).new_page()
    await _sign_in(
        operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD, button="Se connecter"
    )
    await expect(operator.get_by_role("heading", name="Clients")).to_be_visible()
    await operator.goto(f"{platform.url}/console/stores/{store_id}")
    mine = operator.get_by_test_id("parked")
    await mine.get_by_role("button", name=f"Relancer le webhook {nowhere_id}").click()
    await expect(mine.get_by_role("status")).to_have_text(
        "Relus : 0 pris en compte, 1 toujours mis de côté.", timeout=60_000
    )
    await expect(mine.get_by_role("status")).to_have_class(re.compile(r"\balert-warn\b"))  # shown as a warning
    await expect(mine.get_by_role("button", name=re.compile("^Tout relancer"))).to_be_visible()
    await shots.check(operator, "operateur-webhooks-relances")
