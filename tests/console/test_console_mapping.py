"""The mapping screens in Chromium, through the gateway, with the connector and the mapping
service as processes on the real Kafka and PostgreSQL, a WooCommerce shop (libs/platform-simulators)
and a server of design files on 127.0.0.1. An admin syncs the shop's products and finds them
unmapped on the store's Products screen (filters, search); connects a product: a wrong UID is
refused as it is typed, an HTML page posing as a PNG and an unreachable file are refused next to
their field and nothing is mapped; with a real PNG the product is mapped; unmaps a variant. Bulk:
the export is downloaded, a file with three bad rows (all or nothing) reports exactly those three
lines and applies nothing, the filled export maps every row. In French, with the mapping service
refusing private addresses as in production, a design file on a private address is refused next
to its field; a Read-only user sees the products and mappings and no button that changes them.
Every screen passes axe-core and is saved under var/screenshots/."""

import csv
import io
import re
import struct
import threading
import uuid
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import asyncpg
import httpx
import pytest
from platform_simulators.server import serving
from platform_simulators.woocommerce import WooShop
from platform_simulators.woocommerce import create_app as woo_app
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually
from service_runtime.testing.processes import free_port

from .conftest import OPERATOR_PASSWORD, REPO
from .test_console_journey import PASSWORD, _activate, _mail_link
from .test_console_stores import _client_with_admin, _connect_woocommerce

# six services to start and long journeys: over the suite's 300 s on a loaded machine
pytestmark = pytest.mark.timeout(900)

PRODUCTS = 6  # each with two variations: XS / Black and XS / White
SAMPLE_CATALOG = REPO / "services" / "mapping-service" / "src" / "mapping" / "sample_catalog.csv"
TEE = "apparel_tshirt-gildan-5000_xs_{colour}"


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IEND", b"")
    )


DESIGNS = {
    "/front.png": (_png(4000, 5000), "image/png"),
    "/design.png": (b"<!DOCTYPE html><html><body>Not found, but here is a page</body></html>", "image/png"),
}


class _Designs(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        found = DESIGNS.get(self.path.split("?")[0])
        if found is None:
            self.send_response(404)
            self.end_headers()
            return
        body, kind = found
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _design_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Designs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def designs() -> Iterator[str]:
    with _design_server() as base:
        yield base


@pytest.fixture
async def woo_shop():
    shop = WooShop(name="Acme Woo")
    shop.add_catalog(PRODUCTS, variations_per_product=2)
    async with serving(woo_app(shop)) as url:
        yield shop, url


async def _token(api: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    login = await api.post("/auth/login", json={"email": email, "password": password})
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


async def _woo_store(platform, browser, shop, shop_url, run: str, *, locale: str = "en"):
    """A client whose admin (signed in, in a page) connected the WooCommerce shop, and the sample
    catalog imported by the operator. Returns (admin page, admin headers, store id, client id)."""
    client_id, admin_email = await _client_with_admin(platform, run)
    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="fr-FR" if locale == "fr" else "en-GB")).new_page()
    await _activate(admin, link, PASSWORD, submit="Activer mon compte" if locale == "fr" else "Activate my account")
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        operator = await _token(api, platform.operator_email, OPERATOR_PASSWORD)
        imported = await api.post(
            "/catalog/import", content=SAMPLE_CATALOG.read_bytes(), headers={**operator, "Content-Type": "text/csv"}
        )
        assert imported.status_code == 200, imported.text
        headers = await _token(api, admin_email, PASSWORD)
        store_id = await _connect_woocommerce(api, shop, shop_url, "Acme Woo", headers)
    return admin, headers, store_id, client_id


async def _products_listed(platform, headers, store_id: str, count: int) -> None:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:

        async def listed():
            answer = await api.get(f"/stores/{store_id}/products", headers=headers)
            return answer.status_code == 200 and len(answer.json()["items"]) == count

        await eventually(listed, timeout=60, interval=0.5)


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))
    return list(reader.fieldnames or []), list(reader)


def _csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _colour(row: dict[str, str]) -> str:
    return "black" if "Black" in row["options"] else "white"


async def test_an_admin_connects_products_one_by_one_and_in_bulk(
    browser, platform, screens, woo_shop, designs, databases
):
    run = uuid.uuid4().hex[:8]
    shots = screens("mapping")
    shop, shop_url = woo_shop
    admin, headers, store_id, _ = await _woo_store(platform, browser, shop, shop_url, run)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible(timeout=30_000)

    # the store page: Sync products, then its Products screen lists every variant unmapped
    await admin.get_by_role("navigation", name="Main").get_by_role("link", name="Stores").click()
    await admin.get_by_role("link", name="Acme Woo").click()
    await admin.get_by_role("button", name="Sync products").click()
    await expect(admin.get_by_test_id("sync-progress")).to_contain_text(
        f"{PRODUCTS} of {PRODUCTS} products", timeout=60_000
    )
    await _products_listed(platform, headers, store_id, PRODUCTS * 2)
    await admin.get_by_role("link", name="Products and mapping").click()
    await expect(admin.get_by_role("heading", name="Products of Acme Woo")).to_be_visible()
    table = admin.get_by_role("table")
    await expect(table.get_by_text("Unmapped", exact=True)).to_have_count(PRODUCTS * 2)
    await shots.check(admin, "products-unmapped")

    # filters: none mapped, none broken; the search finds one product by title
    filters = admin.get_by_role("search", name="Filter the products")
    await filters.get_by_label("Mapping").select_option(label="Mapped")
    await expect(admin.get_by_text("No variant matches these filters.")).to_be_visible()
    await filters.get_by_label("Mapping").select_option(label="Broken")
    await expect(admin.get_by_text("No variant matches these filters.")).to_be_visible()
    await filters.get_by_label("Mapping").select_option(label="Unmapped")
    await filters.get_by_placeholder("Search by title or SKU").fill("Poster 3")
    await filters.get_by_role("button", name="Search").click()
    await expect(table.get_by_role("row")).to_have_count(3)  # the header and Poster 3's two variants
    await shots.check(admin, "products-search")

    # connect: a wrong UID is refused as it is typed, by the catalog's own words
    await admin.get_by_role("link", name="Connect product Poster 3").click()
    await expect(admin.get_by_role("heading", name="Connect Poster 3")).to_be_visible()
    black = admin.get_by_role("group", name=re.compile("Black"))
    white = admin.get_by_role("group", name=re.compile("White"))
    await black.get_by_label("Catalog product UID").fill(TEE.format(colour="blak"))
    await expect(black.locator("[data-field-error=product_uid]")).to_contain_text(
        f"No catalog product with UID '{TEE.format(colour='blak')}'"
    )
    await expect(black.get_by_label("Catalog product UID")).to_have_attribute("aria-invalid", "true")
    await shots.check(admin, "connect-wrong-uid")
    await black.get_by_label("Catalog product UID").fill(TEE.format(colour="black"))
    await expect(black.get_by_text("Catalog product: T-shirt Gildan 5000 Heavy Cotton — XS / Black")).to_be_visible()
    await expect(black.locator("[data-field-error=product_uid]")).to_have_count(0)

    # an HTML page posing as a PNG and a file nobody answers for: each refused next to its field,
    # nothing mapped (the other variant's good choice waits with them)
    unreachable = f"http://127.0.0.1:{free_port()}/back.png"
    await black.get_by_label("Design file URL (front)").fill(f"{designs}/design.png")
    await black.get_by_label("Design file URL (back)").fill(unreachable)
    await white.get_by_label("Catalog product UID").fill(TEE.format(colour="white"))
    await white.get_by_label("Design file URL (front)").fill(f"{designs}/front.png")
    await admin.get_by_role("button", name="Connect", exact=True).click()
    front_error = black.locator("[data-field-error=print_file_front]")
    await expect(front_error).to_contain_text("the content is not a design file we accept", timeout=30_000)
    await expect(black.locator("[data-field-error=print_file_back]")).to_contain_text("the file cannot be downloaded")
    await expect(black.get_by_label("Design file URL (front)")).to_have_attribute("aria-invalid", "true")
    await expect(white.locator("[data-field-error]")).to_have_count(0)
    await expect(admin.get_by_role("alert")).to_contain_text("nothing was changed")
    await expect(black.get_by_text("Unmapped", exact=True)).to_be_visible()
    await shots.check(admin, "connect-refused-files")

    # a real PNG for the front, no back: both variants mapped
    await black.get_by_label("Design file URL (front)").fill(f"{designs}/front.png")
    await black.get_by_label("Design file URL (back)").fill("")
    await admin.get_by_role("button", name="Connect", exact=True).click()
    await expect(admin.get_by_text("The product is connected.")).to_be_visible(timeout=30_000)
    await expect(admin.get_by_role("group").get_by_text("Mapped", exact=True)).to_have_count(2)
    await shots.check(admin, "connect-mapped")

    # unmap one variant, after confirming
    await white.get_by_role("button", name="Unmap").click()
    await expect(admin.get_by_role("dialog")).to_contain_text("Unmap XS")
    await admin.get_by_role("dialog").get_by_role("button", name="Unmap").click()
    await expect(admin.get_by_text("Unmapped.")).to_be_visible()
    await expect(white.get_by_text("Unmapped", exact=True)).to_be_visible()
    await expect(black.get_by_text("Mapped", exact=True)).to_be_visible()

    # the products screen shows the mapped variant under its filter, with its catalog UID
    await admin.get_by_role("link", name="Back to the products").click()
    await admin.get_by_role("search").get_by_label("Mapping").select_option(label="Mapped")
    await expect(table.get_by_role("row")).to_have_count(2)
    await expect(table.get_by_text(TEE.format(colour="black"))).to_be_visible()
    await admin.get_by_role("search").get_by_label("Mapping").select_option(label="All")
    await expect(table.get_by_role("row")).to_have_count(1 + PRODUCTS * 2)
    await shots.check(admin, "products-one-mapped")

    # bulk: the export, downloaded
    await admin.get_by_role("link", name="Bulk operations").click()
    await expect(admin.get_by_role("heading", name="Bulk operations: Acme Woo")).to_be_visible()
    async with admin.expect_download() as downloading:
        await admin.get_by_role("button", name="Export products (CSV)").click()
    download = await downloading.value
    assert download.suggested_filename == f"store-{store_id}-products.csv"
    header, rows = _rows(Path(await download.path()))
    assert len(rows) == PRODUCTS * 2
    assert [r["product_uid"] for r in rows].count(TEE.format(colour="black")) == 1
    await shots.check(admin, "bulk")

    # a file with three bad rows, all or nothing: exactly those three lines reported, nothing applied
    filled = [
        {
            **r,
            "product_uid": r["product_uid"] or TEE.format(colour=_colour(r)),
            "design_file_url": f"{designs}/front.png",
        }
        for r in rows
    ]
    bad = [dict(r) for r in filled]
    bad[1]["product_uid"] = "apparel_tshirt-nope_xs_black"
    bad[4]["design_file_url"] = f"{designs}/design.png"
    bad[8]["product_uid"] = TEE.format(colour="white" if _colour(bad[8]) == "black" else "black")
    bad_file = await _write(admin, header, bad, "bad.csv")
    await admin.get_by_label("CSV file").set_input_files(bad_file)
    await admin.get_by_label("All or nothing: apply no row when one is refused").check()
    await admin.get_by_role("button", name="Import products").click()
    result = admin.get_by_test_id("import-result")
    await expect(result).to_contain_text("3 row(s) refused: nothing was applied", timeout=60_000)
    report = admin.get_by_role("table", name="Refused rows")
    lines = {int(text) for text in await report.locator("tbody tr td:first-child").all_inner_texts()}
    assert lines == {3, 6, 10}  # the file's lines: the header is line 1
    await expect(admin.get_by_test_id("import-progress")).to_contain_text(
        f"{PRODUCTS * 2} of {PRODUCTS * 2} rows checked"
    )
    await expect(admin.locator("progress")).to_have_attribute("value", "100")
    await shots.check(admin, "bulk-three-bad-rows")

    # the filled export: every row mapped (the one already mapped unchanged)
    good_file = await _write(admin, header, filled, "filled.csv")
    await admin.get_by_label("CSV file").set_input_files(good_file)
    await admin.get_by_label("All or nothing: apply no row when one is refused").uncheck()
    await admin.get_by_role("button", name="Import products").click()
    await expect(result).to_contain_text(f"{PRODUCTS * 2 - 1} mapped, 1 unchanged, 0 refused.", timeout=60_000)
    await expect(admin.get_by_role("table", name="Refused rows")).to_have_count(0)
    await shots.check(admin, "bulk-imported")
    await admin.get_by_role("link", name="Back to the products").click()
    await admin.get_by_role("search").get_by_label("Mapping").select_option(label="Unmapped")
    await expect(admin.get_by_text("No variant matches these filters.")).to_be_visible()

    # ... and order intake's read model holds every mapping (ProductMapped consumed)
    async def mapped_for_order_intake():
        connection = await asyncpg.connect(databases["order_intake"])
        try:
            count = await connection.fetchval("SELECT count(*) FROM intake_mappings WHERE store_id = $1", store_id)
        finally:
            await connection.close()
        return count == PRODUCTS * 2

    await eventually(mapped_for_order_intake, timeout=60, interval=0.5)


async def _write(page, header: list[str], rows: list[dict[str, str]], name: str) -> dict[str, object]:
    return {"name": name, "mimeType": "text/csv", "buffer": _csv(header, rows)}


@pytest.mark.parametrize("mapping_outbound_private", [False])  # the mapping service as in production
async def test_in_french_a_private_address_is_refused_and_read_only_changes_nothing(
    browser, platform, screens, woo_shop, mapping_outbound_private
):
    run = uuid.uuid4().hex[:8]
    shots = screens("mapping-fr")
    shop, shop_url = woo_shop
    admin, headers, store_id, client_id = await _woo_store(platform, browser, shop, shop_url, run)
    reader_email = f"rita-{run}@acme.example"
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        synced = await api.post(f"/stores/{store_id}/syncs", json={"full": False}, headers=headers)
        assert synced.status_code in (200, 201, 202), synced.text
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
    await _products_listed(platform, headers, store_id, PRODUCTS * 2)

    # the admin, in French: a design file on a private address is refused next to its field
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible(timeout=30_000)
    await admin.get_by_label("Language").select_option("fr")
    await admin.goto(f"{platform.url}/console/stores/{store_id}/products")
    await expect(admin.get_by_role("heading", name="Produits de Acme Woo")).to_be_visible()
    await expect(admin.get_by_role("table").get_by_text("Non associée", exact=True)).to_have_count(PRODUCTS * 2)
    await shots.check(admin, "produits")
    await admin.get_by_role("link", name="Connecter le produit Poster 2").click()
    black = admin.get_by_role("group", name=re.compile("Black"))
    await black.get_by_label("UID du produit du catalogue").fill(TEE.format(colour="black"))
    await expect(
        black.get_by_text("Produit du catalogue : T-shirt Gildan 5000 Heavy Cotton — XS / Black")
    ).to_be_visible()
    await black.get_by_label("URL du fichier de design (recto)").fill("http://10.20.30.40/front.png")
    await admin.get_by_role("button", name="Connecter", exact=True).click()
    refused = black.locator("[data-field-error=print_file_front]")
    await expect(refused).to_contain_text("cette adresse n'est pas autorisée", timeout=30_000)
    await expect(refused).to_contain_text("l'hôte « 10.20.30.40 » correspond à une adresse privée ou réservée")
    await expect(refused).not_to_contain_text("resolves")  # the guard's reason said in French, not in English
    await expect(admin.get_by_role("alert")).to_contain_text("rien n'a été modifié")
    await shots.check(admin, "adresse-privee-refusee")
    await admin.get_by_role("link", name="Retour aux produits").click()
    await admin.get_by_role("link", name="Opérations groupées").click()
    await expect(admin.get_by_role("button", name="Importer des produits")).to_be_visible()
    await admin.get_by_role("button", name="Importer des produits").click()  # no file chosen
    await expect(admin.locator("[data-field-error=file]")).to_contain_text("Choisissez d'abord un fichier CSV.")
    await shots.check(admin, "operations-groupees")

    # a Read-only user sees the products and their mapping, and no button that changes them
    link, _ = await _mail_link(platform.maildir, reader_email)
    reader = await (await browser.new_context(locale="fr-FR")).new_page()
    await _activate(reader, link, PASSWORD, submit="Activer mon compte")
    await expect(reader.get_by_role("heading", name="Bienvenue, Rita")).to_be_visible(timeout=30_000)
    await reader.goto(f"{platform.url}/console/stores/{store_id}/products")
    await expect(reader.get_by_role("table").get_by_text("Non associée", exact=True)).to_have_count(PRODUCTS * 2)
    await expect(reader.get_by_role("link", name="Connecter le produit Poster 2")).to_have_count(0)
    await shots.check(reader, "lecture-seule-produits")
    await reader.get_by_role("link", name="Voir l'association Poster 2").click()
    await expect(reader.get_by_text("Votre rôle permet de voir l'association, pas de la modifier.")).to_be_visible()
    await expect(reader.get_by_role("heading", name="Poster 2", exact=True)).to_be_visible()
    await expect(reader.get_by_text("Associée à aucun produit du catalogue")).to_have_count(2)
    await expect(reader.get_by_role("textbox")).to_have_count(0)
    assert await reader.get_by_role("button").all_inner_texts() == ["Se déconnecter"]
    await shots.check(reader, "lecture-seule-association")
    await reader.get_by_role("link", name="Retour aux produits").click()
    await reader.get_by_role("link", name="Opérations groupées").click()
    await expect(reader.get_by_role("button", name="Exporter les produits (CSV)")).to_be_visible()
    await expect(reader.get_by_role("button", name="Importer des produits")).to_have_count(0)
    await shots.check(reader, "lecture-seule-operations-groupees")
