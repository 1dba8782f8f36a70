"""The store page's missed orders and needs-attention screens in Chromium, through the gateway,
with the connector as a process and a WooCommerce shop served over real HTTP: the shop drops its
webhooks, the admin clicks "Reconcile now" and sees the orders recovered; the shop's key is
revoked, the connector's scheduled check marks the store, and the page says why orders stopped
and how to repair it, in English for the admin and in French for the operator. Every screen
passes axe-core and is saved under var/screenshots/."""

import re
import uuid

import pytest
from platform_simulators.server import serving
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app
from playwright.async_api import expect

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import PASSWORD, _activate, _mail_link, _sign_in
from .test_console_stores import _client_with_admin


@pytest.fixture
async def woo_shop():
    shop = WooShop(name="Lost Orders Woo")
    shop.add_catalog(2)
    async with serving(woo_app(shop)) as url:
        yield shop, url


async def test_an_admin_recovers_missed_orders_and_sees_why_a_store_needs_attention(
    browser, platform, screens, woo_shop
):
    run = uuid.uuid4().hex[:8]
    shots = screens("reconciliation")
    shop, shop_url = woo_shop
    client_id, admin_email = await _client_with_admin(platform, run)
    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(admin, link, PASSWORD)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()

    key = shop.add_key()
    await admin.goto(f"{platform.url}/console/stores/connect")
    await admin.get_by_role("button", name=re.compile("^WooCommerce")).click()
    await admin.get_by_label("Shop address").fill(shop_url)
    await admin.get_by_label("Consumer key").fill(key.consumer_key)
    await admin.get_by_label("Consumer secret").fill(key.consumer_secret)
    await admin.get_by_label(re.compile("^Store name")).fill("Lost Orders")
    await admin.get_by_role("button", name="Connect", exact=True).click()
    await expect(admin.get_by_role("heading", name=re.compile("^Lost Orders"))).to_be_visible(timeout=30_000)
    store_path = admin.url

    # the shop's notifications get lost: two orders never reach us
    shop.drop_deliveries = -1
    for _ in range(2):
        await shop.place_order()
    assert all(d.dropped for d in shop.deliveries[-2:])

    missed = admin.get_by_test_id("reconciliation")
    await expect(missed.get_by_role("heading", name="Missed orders")).to_be_visible(timeout=30_000)
    await expect(missed.get_by_text("Never", exact=True)).to_be_visible()
    await missed.get_by_role("button", name="Reconcile now").click()
    await expect(admin.get_by_test_id("reconcile-recovered")).to_have_text("2 of 2 orders", timeout=30_000)
    await expect(missed.get_by_text("None", exact=True)).to_be_visible()
    await shots.check(admin, "store-missed-orders-recovered")
    await missed.get_by_role("button", name="Reconcile now").click()  # again: nothing more to take
    await expect(admin.get_by_test_id("reconcile-recovered")).to_have_text("0 of 2 orders", timeout=30_000)

    # the shop's owner revokes the key: the scheduled check marks the store, the page says why and how
    key.consumer_secret = "cs_revoked"
    banner = admin.get_by_test_id("attention")
    for _ in range(60):
        await admin.goto(store_path)
        await expect(admin.get_by_role("heading", name=re.compile("^Lost Orders"))).to_be_visible()
        if await banner.count():
            break
        await admin.wait_for_timeout(1000)
    await expect(banner).to_contain_text("This store needs your attention: its orders no longer come in.")
    await expect(banner).to_contain_text("The shop no longer accepts our connection")
    await expect(banner).to_contain_text("create a new REST API key with Read/Write access")
    await expect(banner).to_contain_text("orders already received are never imported twice")
    await shots.check(admin, "store-needs-attention")
    store_id = store_path.rstrip("/").rsplit("/", 1)[-1]

    # the operator, in French
    operator = await (await browser.new_context(locale="fr-FR")).new_page()
    await _sign_in(
        operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD, button="Se connecter"
    )
    await expect(operator.get_by_role("heading", name="Clients")).to_be_visible()
    await operator.goto(f"{platform.url}/console/stores/{store_id}")
    french = operator.get_by_test_id("attention")
    await expect(french).to_contain_text("Cette boutique demande votre attention : ses commandes n'arrivent plus.")
    await expect(french).to_contain_text("créez une nouvelle clé d'API REST")
    await expect(
        operator.get_by_test_id("reconciliation").get_by_role("heading", name="Commandes manquées")
    ).to_be_visible(timeout=30_000)
    await shots.check(operator, "boutique-attention-requise")
    assert client_id
