"""The stores screens in Chromium, through the gateway, with the connector as a process and a
WooCommerce shop (libs/platform-simulators) served over real HTTP: an admin adds a manual store
and sees it listed; connects a WooCommerce shop, first with a wrong secret (the shop's refusal
next to the secret field), then the right one; syncs its products and watches the progress
reach done; opens its health; disconnects it after confirming; creates a Pressero connection
(its webhook address and key shown once). An Order manager reads the stores with no button
that changes anything; the operator sees the client's stores as a tab of the client's page,
in French. Every screen passes axe-core and is saved under var/screenshots/."""

import re
import uuid

import httpx
import pytest
from platform_simulators.server import serving
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import PASSWORD, _activate, _mail_link, _sign_in

PRODUCTS = 12


@pytest.fixture
async def woo_shop():
    """A WooCommerce shop with a catalog, answering on a local port for the test's length."""
    shop = WooShop(name="Acme Woo")
    shop.add_catalog(PRODUCTS, variations_per_product=2)
    async with serving(woo_app(shop)) as url:
        yield shop, url


async def _connect_woocommerce(api: httpx.AsyncClient, shop: WooShop, shop_url: str, name: str, headers) -> str:
    """Step 3 through the API (the stores journey clicks it): the shop's WooCommerce store
    connected with a new REST key. Returns the store's id."""
    key = shop.add_key()
    store = await api.post(
        "/stores/woocommerce",
        json={
            "shop_url": shop_url,
            "consumer_key": key.consumer_key,
            "consumer_secret": key.consumer_secret,
            "name": name,
        },
        headers=headers,
    )
    assert store.status_code in (200, 201), store.text
    return store.json()["id"]


async def _client_with_admin(platform, run: str) -> tuple[str, str]:
    """The operator's steps 1 and 2 through the API (the other journey clicks them): a client
    with storefront access on and its admin invited. Returns the client's id and the admin's e-mail."""
    admin_email = f"ada-{run}@acme.example"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        login = await api.post("/auth/login", json={"email": platform.operator_email, "password": OPERATOR_PASSWORD})
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        client = await api.post(
            "/clients", json={"name": f"Acme Prints {run}", "reference_id": f"ACME-{run}"}, headers=headers
        )
        assert client.status_code == 201, client.text
        client_id = client.json()["id"]
        body = {
            "enabled": True,
            "admin_email": admin_email,
            "admin_first_name": "Ada",
            "admin_last_name": "Lovelace",
            "locale": "en",
        }

        async def enabled():  # access learns of the client from its event
            answer = await api.put(f"/clients/{client_id}/storefront-access", json=body, headers=headers)
            return answer.status_code == 200

        await eventually(enabled, timeout=60, interval=0.5)
    return client_id, admin_email


async def test_an_admin_connects_syncs_checks_and_disconnects_stores(browser, platform, screens, woo_shop):
    run = uuid.uuid4().hex[:8]
    shots = screens("stores")
    shop, shop_url = woo_shop
    client_id, admin_email = await _client_with_admin(platform, run)
    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(admin, link, PASSWORD)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()

    # no store yet: the empty state says what to do next
    await admin.get_by_role("navigation", name="Main").get_by_role("link", name="Stores").click()
    await expect(admin.get_by_text("No store yet. Connect your first store")).to_be_visible()
    await shots.check(admin, "stores-empty")

    # a manual store, added with a name, is listed as connected
    await admin.get_by_role("link", name="Connect a store").click()
    await expect(admin.get_by_role("group", name="Choose the store's platform")).to_be_visible()
    await shots.check(admin, "connect-choose-platform")
    await admin.get_by_role("button", name=re.compile("^Manual store")).click()
    await admin.get_by_role("button", name="Add manual store").click()  # no name: the API says so by the field
    await expect(admin.get_by_label("Store name")).to_have_attribute("aria-invalid", "true")
    await admin.get_by_label("Store name").fill("Phone orders")
    await admin.get_by_role("button", name="Add manual store").click()
    await expect(admin.get_by_text("The store is connected.")).to_be_visible()
    await admin.get_by_role("link", name="Back to the stores").click()
    row = admin.get_by_role("row", name=re.compile("Phone orders"))
    await expect(row.get_by_text("Connected", exact=True)).to_be_visible()
    await expect(row.get_by_text("Manual store")).to_be_visible()
    await shots.check(admin, "stores-manual")

    # WooCommerce: a wrong secret is refused by the shop, shown next to the secret field
    key = shop.add_key()
    await admin.get_by_role("link", name="Connect a store").click()
    await admin.get_by_role("button", name=re.compile("^WooCommerce")).click()
    await admin.get_by_label("Shop address").fill(shop_url)
    await admin.get_by_label("Consumer key").fill(key.consumer_key)
    await admin.get_by_label("Consumer secret").fill("cs_" + "0" * 40)
    await admin.get_by_label(re.compile("^Store name")).fill("Acme Woo")
    await admin.get_by_role("button", name="Connect", exact=True).click()
    secret_error = admin.locator("[data-field-error=consumer_secret]")
    await expect(secret_error).to_contain_text("Consumer secret is invalid")
    await expect(admin.get_by_label("Consumer secret")).to_have_attribute("aria-invalid", "true")
    await expect(admin.locator("[data-field-error=consumer_key]")).to_have_count(0)
    await shots.check(admin, "connect-woocommerce-wrong-secret")
    assert not shop.webhooks  # nothing was registered with the refused keys

    await admin.get_by_label("Consumer secret").fill(key.consumer_secret)
    await admin.get_by_role("button", name="Connect", exact=True).click()
    await expect(admin.get_by_role("heading", name=re.compile("^Acme Woo"))).to_be_visible(timeout=30_000)
    await expect(admin.get_by_text("The store is connected.")).to_be_visible()
    assert sorted(w.topic for w in shop.webhooks.values()) == ["order.created", "order.updated"]

    # Sync products: the job is followed until done, with done/total and a progress bar
    await admin.get_by_role("button", name="Sync products").click()
    progress = admin.get_by_test_id("sync-progress")
    await expect(progress).to_contain_text(f"{PRODUCTS} of {PRODUCTS} products", timeout=60_000)
    await expect(admin.get_by_text("Products synced")).to_be_visible()
    await expect(admin.locator("progress")).to_have_attribute("value", "100")
    await expect(admin.get_by_role("button", name="Sync products")).to_be_enabled()

    # health: credentials accepted, the webhooks in place, the last sync
    health = admin.get_by_role("region", name="Health")
    await expect(health.get_by_text("Accepted by the shop")).to_be_visible(timeout=30_000)
    await expect(health.get_by_text("All 2 in place")).to_be_visible()
    await health.get_by_role("button", name="Check again").click()
    await expect(health.get_by_text("succeeded")).to_be_visible()
    await shots.check(admin, "store-synced-health")

    # an Order manager reads the stores but gets no button the connector would refuse
    manager_email = f"olga-{run}@acme.example"
    await admin.get_by_role("link", name="Team").click()
    await admin.get_by_label("E-mail address").fill(manager_email)
    await admin.get_by_label("First name").fill("Olga")
    await admin.get_by_label("Last name").fill("Smith")
    await admin.get_by_label("Role", exact=True).select_option(label="Order manager")
    await admin.get_by_role("button", name="Send invitation", exact=True).click()
    await expect(admin.get_by_text(f"{manager_email} is invited.")).to_be_visible()
    manager_link, _ = await _mail_link(platform.maildir, manager_email)
    manager = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(manager, manager_link, PASSWORD)
    await expect(manager.get_by_role("heading", name="Welcome, Olga")).to_be_visible()
    await manager.get_by_role("navigation", name="Main").get_by_role("link", name="Stores").click()
    await expect(manager.get_by_role("link", name="Acme Woo")).to_be_visible()
    await expect(manager.get_by_role("link", name="Connect a store")).to_have_count(0)
    await manager.get_by_role("link", name="Acme Woo").click()
    await expect(manager.get_by_role("region", name="Health").get_by_text("Accepted by the shop")).to_be_visible()
    await expect(
        manager.get_by_text(f"{PRODUCTS} of {PRODUCTS} products")
    ).to_be_visible()  # the latest sync, read only
    assert await manager.get_by_role("button").all_inner_texts() == ["Sign out", "Check again"]
    await shots.check(manager, "order-manager-store")
    await manager.goto(platform.url + "/console/stores/connect")
    await expect(manager.get_by_role("heading", name="Page not found")).to_be_visible()
    await admin.goto(f"{platform.url}/console/stores")
    await admin.get_by_role("link", name="Acme Woo").click()

    # disconnect asks first; the store then shows disconnected, its shop forgotten
    await admin.get_by_role("button", name="Disconnect store").click()
    await expect(admin.get_by_role("dialog")).to_contain_text("Disconnect Acme Woo?")
    await shots.check(admin, "confirm-disconnect")
    await admin.get_by_role("dialog").get_by_role("button", name="Disconnect store").click()
    await expect(admin.get_by_text("This store is disconnected")).to_be_visible()
    await expect(admin.get_by_role("button", name="Disconnect store")).to_have_count(0)
    await expect(admin.get_by_role("button", name="Sync products")).to_have_count(0)
    await admin.get_by_role("link", name="Back to the stores").click()
    woo_row = admin.get_by_role("row", name=re.compile("Acme Woo"))
    await expect(woo_row.get_by_text("Disconnected", exact=True)).to_be_visible()
    await shots.check(admin, "stores-listed")

    # Pressero: the webhook address and the security key, shown once, to set in Pressero
    await admin.get_by_role("link", name="Connect a store").click()
    await admin.get_by_role("button", name=re.compile("^Pressero")).click()
    await admin.get_by_label(re.compile("^Line attributes")).fill("Paper, Finish")
    await admin.get_by_role("button", name="Create the Pressero connection").click()
    await expect(admin.get_by_text("The security key is shown only now")).to_be_visible()
    webhook_url = await admin.get_by_test_id("pressero-webhook-url").inner_text()
    assert webhook_url == f"{platform.url}/webhooks/pressero/integrations/ACME-{run}"
    assert len(await admin.get_by_test_id("pressero-security-key").inner_text()) >= 16
    await shots.check(admin, "pressero-shown-once")
    await admin.get_by_role("link", name="Open the store").click()
    await expect(admin.get_by_test_id("pressero-security-key")).to_have_count(0)

    # Shopify: a shop domain that is not Shopify's is refused by its field; a good one goes to
    # Shopify's authorize page (answered here: the test has no Internet), the store connecting
    await admin.get_by_role("link", name="Back to the stores").click()
    await admin.get_by_role("link", name="Connect a store").click()
    await admin.get_by_role("button", name=re.compile("^Shopify")).click()
    await admin.get_by_label("Shop domain").fill("acme.example.com")
    await admin.get_by_role("button", name="Continue to Shopify").click()
    await expect(admin.get_by_label("Shop domain")).to_have_attribute("aria-invalid", "true")
    await admin.route(
        "https://*.myshopify.com/**", lambda route: route.fulfill(body="Shopify", content_type="text/plain")
    )
    await admin.get_by_label("Shop domain").fill(f"https://acme-{run}.myshopify.com/admin")
    await admin.get_by_role("button", name="Continue to Shopify").click()
    await admin.wait_for_url(re.compile(rf"^https://acme-{run}\.myshopify\.com/admin/oauth/authorize\?"))

    # the operator, in French: the client's stores as a tab of the client's page
    operator = await (await browser.new_context(locale="fr-FR")).new_page()
    await _sign_in(
        operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD, button="Se connecter"
    )
    await expect(operator.get_by_role("heading", name="Clients")).to_be_visible()
    await operator.goto(f"{platform.url}/console/clients/{client_id}/stores")
    await expect(operator.get_by_role("heading", name="Boutiques")).to_be_visible()
    await expect(operator.get_by_role("row", name=re.compile("Phone orders")).get_by_text("Connectée")).to_be_visible()
    await expect(operator.get_by_role("row", name=re.compile("Acme Woo")).get_by_text("Déconnectée")).to_be_visible()
    await expect(
        operator.get_by_role("row", name=re.compile(f"acme-{run}")).get_by_text("Connexion en cours")
    ).to_be_visible()
    await expect(operator.get_by_role("link", name="Connecter une boutique")).to_be_visible()
    await shots.check(operator, "operateur-boutiques-du-client")
