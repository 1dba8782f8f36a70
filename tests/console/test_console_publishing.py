"""Create-and-publish and templates in Chromium, through the gateway, with the connector and the
mapping service as processes on the real Kafka and PostgreSQL. In English, on a Shopify shop (the
simulator, connected through its OAuth install): an admin creates a product from the catalog, a
design file posing as a PNG is refused next to its field and nothing is sent; the form is saved
as a template; publishing creates the product in the simulator and the request's status page
follows it to published, the product then listed mapped; a second product is created from the
template. In French, on a WooCommerce shop (whose platform cannot create products): the request
fails and its reason is said in French; a Read-only user sees the templates and the request and
no button that changes anything. Every screen passes axe-core and is saved under var/screenshots/."""

import re
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from platform_simulators.server import serving
from platform_simulators.shopify import SimulatorConfig
from platform_simulators.shopify import create_app as shopify_app
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import PASSWORD, _activate, _mail_link
from .test_console_mapping import SAMPLE_CATALOG, _png, _token, _woo_store
from .test_console_stores import _client_with_admin

# its connector reaches this test's Shopify simulator: a platform of its own
pytestmark = [pytest.mark.timeout(900), pytest.mark.own_platform]

POSTER_A3 = "poster_a3_matte-200gsm"
POSTER_A2 = "poster_a2_matte-200gsm"
SCOPES = "read_products,write_products,read_orders,write_fulfillments,write_merchant_managed_fulfillment_orders"


FILES = {
    "/poster.png": (_png(6000, 8000), "image/png"),  # enough pixels for A3 at 300 DPI and A2 at 200 DPI
    "/design.png": (b"<!DOCTYPE html><html><body>Not found, but here is a page</body></html>", "image/png"),
}


class _Files(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, kind = FILES.get(self.path.split("?")[0], (b"", ""))
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", kind or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def designs() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
async def woo_shop():
    shop = WooShop(name="Acme Woo")
    async with serving(woo_app(shop)) as url:
        yield shop, url


@pytest.fixture
async def shopify():
    app = shopify_app(SimulatorConfig(catalog_products=0, demo_shops=()))
    async with serving(app) as url:
        yield url, app.state.simulator


@pytest.fixture
def platform_settings(shopify):
    """The connector reaches Shopify's simulator (its products may be written: productSet)."""
    url, _ = shopify
    return {"connector": {"SHOPIFY_BASE_URL": url, "SHOPIFY_SCOPES": SCOPES}}


async def _known_to_mapping(api: httpx.AsyncClient, headers: dict[str, str], store_id: str) -> None:
    async def known():  # mapping learns of the store from StoreConnected
        return (await api.get(f"/stores/{store_id}/products", headers=headers)).status_code == 200

    await eventually(known, timeout=60, interval=0.5)


async def _shopify_store(platform, browser, run: str):
    """A client whose admin (signed in, in a page) installed the app on a Shopify shop of the
    simulator (its grant answered at once), and the sample catalog imported by the operator.
    Returns (admin page, admin headers, store id, shop domain)."""
    _, admin_email = await _client_with_admin(platform, run)
    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(admin, link, PASSWORD)
    shop = f"acme-{run}.myshopify.com"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        operator = await _token(api, platform.operator_email, OPERATOR_PASSWORD)
        imported = await api.post(
            "/catalog/import", content=SAMPLE_CATALOG.read_bytes(), headers={**operator, "Content-Type": "text/csv"}
        )
        assert imported.status_code == 200, imported.text
        headers = await _token(api, admin_email, PASSWORD)
        started = await api.post("/stores/shopify/install", json={"shop": shop}, headers=headers)
        assert started.status_code == 201, started.text
        granted = await api.get(started.json()["authorize_url"])  # the simulator's grant: 302 to our callback
        assert granted.status_code == 302, granted.text
        callback = await api.get(granted.headers["location"])
        assert callback.status_code == 200, callback.text
        store_id = started.json()["store"]["id"]
        await _known_to_mapping(api, headers, store_id)
    return admin, headers, store_id, shop


async def _fill_variant(group, *, sku: str, title: str, options: str, price: str, uid: str, file_url: str, fr=False):
    await group.get_by_label("SKU").fill(sku)
    await group.get_by_label("Titre de la variante" if fr else "Variant title").fill(title)
    await group.get_by_label("Options").fill(options)
    await group.get_by_label("Prix" if fr else "Price").fill(price)
    await group.get_by_label("UID du produit du catalogue" if fr else "Catalog product UID").fill(uid)
    found = "Produit du catalogue : " if fr else "Catalog product: "
    await expect(group.get_by_text(re.compile("^" + found))).to_be_visible(timeout=15_000)
    await group.get_by_label(re.compile(r"^(URL du fichier de design \(principal\)|Design file URL \(main\))")).fill(
        file_url
    )


async def test_an_admin_creates_and_publishes_a_product_to_shopify_and_from_a_template(
    browser, platform, screens, designs, shopify
):
    run = uuid.uuid4().hex[:8]
    shots = screens("publishing")
    _, simulator = shopify
    admin, _, store_id, shop = await _shopify_store(platform, browser, run)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible(timeout=30_000)

    await admin.goto(f"{platform.url}/console/stores/{store_id}/products")
    await admin.get_by_role("link", name="Create a product").click()
    await expect(admin.get_by_role("heading", name=re.compile("^Create a product in"))).to_be_visible()
    await admin.get_by_label("Product title").fill("City poster")
    await expect(admin.get_by_label("Currency")).to_have_value("EUR")
    first = admin.get_by_role("group", name="Variant 1")
    await _fill_variant(
        first,
        sku="CITY-A3",
        title="A3",
        options="Size=A3",
        price="24.90",
        uid=POSTER_A3,
        file_url=f"{designs}/poster.png",
    )
    await admin.get_by_role("button", name="Add a variant").click()
    second = admin.get_by_role("group", name="Variant 2")
    await _fill_variant(
        second,
        sku="CITY-A2",
        title="A2",
        options="Size=A2",
        price="29.90",
        uid=POSTER_A2,
        file_url=f"{designs}/design.png",
    )
    await shots.check(admin, "create-form")

    # an HTML page posing as a PNG: refused next to its field, nothing sent to the shop
    await admin.get_by_role("button", name="Publish to the shop").click()
    refused = second.locator("[data-field-error=print_file_default]")
    await expect(refused).to_contain_text("the content is not a design file we accept", timeout=30_000)
    await expect(second.get_by_label("Design file URL (main)")).to_have_attribute("aria-invalid", "true")
    await expect(first.locator("[data-field-error]")).to_have_count(0)
    await expect(admin.get_by_role("alert")).to_contain_text("nothing was sent to the shop")
    assert not simulator.shops[shop].catalog
    await shots.check(admin, "create-refused-file")

    # saved as a template, then published: the status followed to published, the product in the shop
    await second.get_by_label("Design file URL (main)").fill(f"{designs}/poster.png")
    await admin.get_by_label("Template name").fill("City poster, two sizes")
    await admin.get_by_role("button", name="Save as template").click()
    await expect(admin.get_by_text("Saved as the template “City poster, two sizes”.")).to_be_visible()
    await admin.get_by_role("button", name="Publish to the shop").click()
    await expect(admin.get_by_role("heading", name="Publishing City poster")).to_be_visible(timeout=30_000)
    status = admin.get_by_test_id("publish-status")
    await expect(status).to_contain_text("The product is in the shop and its variants are mapped.", timeout=60_000)
    await expect(admin.get_by_test_id("publish-state")).to_have_text("Published")
    await shots.check(admin, "published")
    [product] = [p for p in simulator.shops[shop].catalog.values() if p.title == "City poster"]
    assert sorted(v.sku for v in product.variants) == ["CITY-A2", "CITY-A3"]

    # the new product, listed mapped with its catalog products
    await admin.get_by_role("link", name="See the product's mapping").click()
    await expect(admin.get_by_role("heading", name="Connect City poster")).to_be_visible()
    await expect(admin.get_by_role("group").get_by_text("Mapped", exact=True)).to_have_count(2)
    await admin.get_by_role("link", name="Back to the products").click()
    await expect(admin.get_by_role("heading", name=re.compile(r"^Products of Acme \w+"))).to_be_visible()
    table = admin.get_by_role("table")
    await expect(table.locator(".product-title", has_text="City poster")).to_be_visible()
    await expect(table.get_by_text(POSTER_A3)).to_be_visible()
    await expect(table.get_by_text("Mapped", exact=True)).to_have_count(2)
    await shots.check(admin, "published-listed-mapped")

    # the templates list; a product created from the template, its title changed
    await admin.get_by_role("link", name="Templates").click()
    await expect(admin.get_by_role("heading", name="Product templates")).to_be_visible()
    await expect(admin.get_by_role("table").get_by_role("row")).to_have_count(2)
    await shots.check(admin, "templates")
    await admin.get_by_role("link", name="Create from this template City poster, two sizes").click()
    await expect(admin.get_by_label("Product title")).to_have_value("City poster")
    await expect(admin.get_by_role("group", name="Variant 2").get_by_label("SKU")).to_have_value("CITY-A2")
    await expect(admin.get_by_label("Start from a template")).to_have_value(re.compile(".+"))
    await admin.get_by_label("Product title").fill("Harbour poster")
    await admin.get_by_role("group", name="Variant 1").get_by_label("SKU").fill("HARBOUR-A3")
    await admin.get_by_role("group", name="Variant 2").get_by_label("SKU").fill("HARBOUR-A2")
    await shots.check(admin, "create-from-template")
    await admin.get_by_role("button", name="Publish to the shop").click()
    await expect(admin.get_by_role("heading", name="Publishing Harbour poster")).to_be_visible(timeout=30_000)
    await expect(status).to_contain_text("The product is in the shop", timeout=60_000)
    assert [p.title for p in simulator.shops[shop].catalog.values()].count("Harbour poster") == 1


async def test_in_french_a_failed_publication_says_why_and_read_only_changes_nothing(
    browser, platform, screens, woo_shop, designs
):
    run = uuid.uuid4().hex[:8]
    shots = screens("publication-fr")
    shop, shop_url = woo_shop
    admin, headers, store_id, client_id = await _woo_store(platform, browser, shop, shop_url, run)
    reader_email = f"rita-{run}@acme.example"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        await _known_to_mapping(api, headers, store_id)
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

    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible(timeout=30_000)
    await admin.get_by_label("Language").select_option("fr")
    await admin.goto(f"{platform.url}/console/stores/{store_id}/products")
    await admin.get_by_role("link", name="Créer un produit").click()
    await expect(admin.get_by_role("heading", name="Créer un produit dans Acme Woo")).to_be_visible()
    await admin.get_by_label("Titre du produit").fill("Affiche ville")
    await _fill_variant(
        admin.get_by_role("group", name="Variante 1"),
        sku="VILLE-A3",
        title="A3",
        options="Size=A3",
        price="24,90",
        uid=POSTER_A3,
        file_url=f"{designs}/poster.png",
        fr=True,
    )
    await admin.get_by_label("Nom du modèle").fill("Affiche ville A3")
    await admin.get_by_role("button", name="Enregistrer comme modèle").click()
    await expect(admin.get_by_text("Enregistré comme modèle « Affiche ville A3 ».")).to_be_visible()
    await shots.check(admin, "formulaire")

    # WooCommerce cannot create products: the request fails, its reason said in French
    await admin.get_by_role("button", name="Publier dans la boutique").click()
    await expect(admin.get_by_role("heading", name="Publication de Affiche ville")).to_be_visible(timeout=30_000)
    status = admin.get_by_test_id("publish-status")
    await expect(status).to_contain_text(
        "La boutique n'a pas créé le produit : les boutiques de cette plateforme ne peuvent pas encore créer de produits.",
        timeout=60_000,
    )
    await expect(admin.get_by_test_id("publish-state")).to_have_text("Échec")
    assert "Stores on" not in await status.inner_text()
    await shots.check(admin, "echec")
    failed_page = admin.url

    # a Read-only user: the templates and the request, no button that changes anything
    link, _ = await _mail_link(platform.maildir, reader_email)
    reader = await (await browser.new_context(locale="fr-FR")).new_page()
    await _activate(reader, link, PASSWORD, submit="Activer mon compte")
    await expect(reader.get_by_role("heading", name="Bienvenue, Rita")).to_be_visible(timeout=30_000)
    await reader.goto(f"{platform.url}/console/stores/{store_id}/products")
    await expect(reader.get_by_role("heading", name="Produits de Acme Woo")).to_be_visible()
    await expect(reader.get_by_role("link", name="Créer un produit")).to_have_count(0)
    await reader.get_by_role("link", name="Modèles").click()
    await expect(reader.get_by_role("heading", name="Modèles de produits")).to_be_visible()
    await expect(reader.get_by_text("Votre rôle permet de les voir, pas d'en créer des produits.")).to_be_visible()
    await expect(reader.get_by_role("table").get_by_text("Affiche ville A3")).to_be_visible()
    await expect(reader.get_by_role("link", name=re.compile("Créer"))).to_have_count(0)
    assert await reader.get_by_role("button").all_inner_texts() == ["Se déconnecter"]
    await shots.check(reader, "lecture-seule-modeles")
    await reader.goto(failed_page)
    await expect(reader.get_by_test_id("publish-state")).to_have_text("Échec")
    await expect(reader.get_by_role("link", name="Créer un autre produit")).to_have_count(0)
    assert await reader.get_by_role("button").all_inner_texts() == ["Se déconnecter"]
    await shots.check(reader, "lecture-seule-publication")
    await reader.goto(f"{platform.url}/console/stores/{store_id}/create-product")
    await expect(reader.get_by_role("heading", name="Page introuvable")).to_be_visible()
    await expect(reader.get_by_role("textbox")).to_have_count(0)
