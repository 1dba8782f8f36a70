"""The manual orders screens in Chromium, through the gateway, on the real Kafka: a client's manual
store (added in the connector, its SKU mapped by a ProductMapped event). The admin places an order
(the API's refusals next to the address field and the line's SKU, then the order by SKU and by
catalog UID), a test order whose postcode holds it, and imports a CSV file whose bad row is
reported by line and column, in French too (the same file again creates nothing new). A Read-only user sees the
store and the orders with no button that changes anything, and no "Place order" page. The
operator, in French, tries hold rules on the client's recent orders (a refusal next to its field,
then which orders they would hold, each rule said once), saves them, sees a parcel's tracking link,
when it shipped, the order's timeline in French with who made each change, and the postbacks sent
about it on its page; a country code that cannot be one is refused in French next to its field.
An order placed without prices shows no made-up total. Every screen passes axe-core and is saved
under var/screenshots/."""

import re
import uuid

import httpx
import pytest
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually
from storefront_events import ProductMapped
from storefront_events.values import PrintFile

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import PASSWORD, _activate, _mail_link, _sign_in
from .test_console_orders import PRODUCT_UID, _publish
from .test_console_postbacks import receiver  # noqa: F401 (the fixture: a client's system on 127.0.0.1)
from .test_console_stores import _client_with_admin

US_ADDRESS = {
    "first_name": "Ada", "last_name": "Lovelace", "address1": "12 Main Street", "city": "Springfield",
    "state": "IL", "postcode": "62701", "country_code": "US",
}  # fmt: skip
CSV = (
    "order_reference,recipient_name,address1,city,postcode,state,country_code,sku,product_uid,design_file_urls,quantity\n"
    "CSV-1,Grace Hopper,1 Navy Way,Arlington,22201,VA,US,TEE-1,,,1\n"
    f"CSV-1,Grace Hopper,1 Navy Way,Arlington,22201,VA,US,,{PRODUCT_UID},https://files.example.com/a.pdf,2\n"
    "CSV-2,Alan Turing,2 Bletchley Park,Milton Keynes,MK3 6EB,,GB,TEE-1,,,many\n"
    "CSV-3,Katherine Johnson,3 Langley Road,Hampton,23666,VA,US,TEE-1,,,4\n"
)


@pytest.fixture
def patient_expect():
    """This journey makes many calls through five services: a loaded machine answers slower than
    Playwright's five seconds."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


async def _fill_address(page, values: dict[str, str]) -> None:
    labels = {
        "first_name": "First name", "last_name": "Last name", "address1": "Street address", "city": "City",
        "state": "State or province", "postcode": "Postcode", "country_code": "Country code (ISO, e.g. US, FR)",
    }  # fmt: skip
    for name, value in values.items():
        await page.get_by_label(re.compile(rf"^{re.escape(labels[name])}( \(optional\))?$")).fill(value)


async def test_manual_orders_placed_imported_held_by_rules_shipped(
    browser,
    platform,
    screens,
    stack,
    topic_prefix,
    receiver,  # noqa: F811
    tmp_path,
    patient_expect,
):
    run = uuid.uuid4().hex[:8]
    shots = screens("manual-orders")
    client_id, admin_email = await _client_with_admin(platform, run)
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        login = await api.post("/auth/login", json={"email": platform.operator_email, "password": OPERATOR_PASSWORD})
        operator_headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        store = await api.post(
            "/stores/manual", json={"name": "Phone orders", "client_id": client_id}, headers=operator_headers
        )
        assert store.status_code == 201, store.text
        store_id = store.json()["id"]
        await _publish(
            stack.kafka_bootstrap,
            topic_prefix,
            ProductMapped(
                mapping_id=str(uuid.uuid4()),
                store_id=store_id,
                client_id=client_id,
                platform="manual",
                platform_product_id="TEE-1",
                platform_variant_id=None,
                sku="TEE-1",
                product_uid=PRODUCT_UID,
                print_files=[PrintFile(type="default", url="https://files.example.com/summer-front.pdf")],
            ),
        )
        endpoint = await api.post(
            f"/clients/{client_id}/postbacks/endpoints",
            json={"url": receiver.url, "event_types": ["order.accepted", "order.shipped"], "description": "ERP"},
            headers=operator_headers,
        )
        assert endpoint.status_code == 201, endpoint.text

        # the provider's integration places a test order over the API once order intake knows the
        # store and its mapping (422 until then)
        async def placed_over_the_api():
            body = {"store_id": store_id, "reference": "API-1", "test": True, "shipping_address": US_ADDRESS}
            answer = await api.post(
                "/orders", json=body | {"lines": [{"sku": "TEE-1", "quantity": 1}]}, headers=operator_headers
            )
            return answer.status_code in (200, 201)

        await eventually(placed_over_the_api, timeout=60, interval=0.5)

    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(admin, link, PASSWORD)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()

    # the manual store's page offers the guide's "Place order" and "Import"
    await admin.get_by_role("navigation", name="Main").get_by_role("link", name="Stores").click()
    await admin.get_by_role("link", name="Phone orders").click()
    manual = admin.get_by_role("region", name="Manual orders")
    await expect(manual.get_by_role("link", name="Import orders")).to_be_visible()
    await shots.check(admin, "manual-store")
    await manual.get_by_role("link", name="Place order").click()
    await expect(admin.get_by_role("heading", name="Place order")).to_be_visible()

    # a line by an unmapped SKU, a line by catalog UID with its design file, a country code too long
    await admin.get_by_label("Order reference").fill("PO-1")
    await admin.get_by_label("SKU (line 1)").fill("NOPE-9")
    await admin.get_by_label("Quantity (line 1)").fill("2")
    await admin.get_by_role("button", name="Add a line").click()
    await admin.get_by_role("group", name="Line 2").get_by_label("A catalog product UID and design files").check()
    await admin.get_by_label("Product UID (line 2)").fill(PRODUCT_UID)
    await admin.get_by_label("Design file URLs (line 2)").fill("https://files.example.com/front.pdf")
    await _fill_address(admin, US_ADDRESS | {"country_code": "USA"})
    await admin.get_by_role("button", name="Place order").click()
    country = admin.get_by_label("Country code (ISO, e.g. US, FR)")
    await expect(country).to_have_attribute("aria-invalid", "true")
    await expect(admin.locator('[data-field-error="shipping_address.country_code"]')).to_have_text(
        "Country code 'USA' is not an ISO country code."
    )
    await shots.check(admin, "place-order-address-refused")
    await country.fill("US")
    await admin.get_by_role("button", name="Place order").click()
    sku = admin.get_by_label("SKU (line 1)")
    await expect(sku).to_have_attribute("aria-invalid", "true")
    await expect(admin.locator('[data-field-error="lines[0].sku"]')).to_contain_text("NOPE-9")
    await expect(country).not_to_have_attribute("aria-invalid", "true")
    await shots.check(admin, "place-order-sku-refused")
    await sku.fill("TEE-1")
    await admin.get_by_role("button", name="Place order").click()
    await expect(admin.get_by_role("heading", name="Order PO-1")).to_be_visible()
    await expect(admin.get_by_text("The order is placed.")).to_be_visible()
    await expect(admin.get_by_text("Accepted", exact=True)).to_be_visible()
    lines = admin.get_by_role("region", name="Lines")
    await expect(lines.get_by_role("row").filter(has_text="TEE-1")).to_contain_text("summer-front.pdf")
    await expect(lines).to_contain_text("front.pdf")
    await expect(admin.get_by_text("none: the order was placed without prices")).to_be_visible()  # never "0 EUR"
    placed_history = admin.get_by_role("region", name="Status history")
    await expect(placed_history.get_by_role("listitem").first).to_contain_text("Order received")
    await expect(placed_history.get_by_role("listitem").first).to_contain_text("by Ada Lovelace")
    await expect(placed_history.get_by_role("listitem").last).to_contain_text("Every line resolved")
    await shots.check(admin, "placed-order")

    # a test order to a French postcode that is not one: held, the field named, labelled a test
    await admin.go_back()
    await admin.get_by_label("Order reference").fill("PO-2")
    await admin.get_by_label("Test order").check()
    await admin.get_by_label("SKU (line 1)").fill("TEE-1")
    await _fill_address(
        admin,
        US_ADDRESS
        | {"address1": "11 rue Curie", "city": "Paris", "state": "", "postcode": "7500", "country_code": "FR"},
    )
    await admin.get_by_role("button", name="Place order").click()
    await expect(admin.get_by_role("heading", name="Order PO-2")).to_be_visible()
    await expect(admin.get_by_text("Test order: it goes through every step but is never produced.")).to_be_visible()
    await expect(admin.get_by_role("region", name="Why this order is on hold")).to_contain_text("postcode")
    await shots.check(admin, "placed-test-order-held")

    # a CSV import: two orders in, the bad row named by its line and column, the same file again adds nothing
    csv_file = tmp_path / "orders.csv"
    csv_file.write_text(CSV)
    await admin.goto(f"{platform.url}/console/stores/{store_id}")
    await admin.get_by_role("region", name="Manual orders").get_by_role("link", name="Import orders").click()
    await expect(admin.get_by_role("heading", name="Import orders")).to_be_visible()
    await admin.get_by_role("button", name="Import", exact=True).click()
    await expect(admin.locator('[data-field-error="file"]')).to_have_text("Choose a CSV file.")
    await admin.get_by_label("File to import").set_input_files(str(csv_file))
    await admin.get_by_role("button", name="Import", exact=True).click()
    await expect(admin.get_by_text("The import is finished.")).to_be_visible()
    counts = admin.get_by_test_id("import-counts")
    await expect(counts).to_contain_text(re.compile(r"Orders created\s*2"))
    await expect(counts).to_contain_text(re.compile(r"Orders not imported\s*1"))
    bad = admin.get_by_role("table", name="Rows to correct (1)")
    await expect(bad.get_by_role("row").nth(1)).to_contain_text(re.compile(r"^4\s*quantity"))
    await shots.check(admin, "import-report")
    # in French, the bad row's problem is said in French (from its code), not in order intake's English
    await admin.get_by_label("Language").select_option("fr")
    bad_fr = admin.get_by_role("table", name="Lignes à corriger (1)")
    await expect(bad_fr.get_by_role("row").nth(1)).to_contain_text(
        "La quantité « many » n'est pas un nombre entier à partir de 1."
    )
    await expect(bad_fr).not_to_contain_text("whole number")
    await shots.check(admin, "import-report-fr")
    await admin.get_by_label("Langue").select_option("en")
    await expect(bad).to_be_visible()
    await admin.get_by_label("File to import").set_input_files(str(csv_file))
    await admin.get_by_role("button", name="Import", exact=True).click()
    await expect(counts).to_contain_text(re.compile(r"Already imported \(nothing new\)\s*2"))
    await expect(counts).to_contain_text(re.compile(r"Orders created\s*0"))
    await shots.check(admin, "import-again")

    # a Read-only user: the store and the orders, nothing that changes them, no "Place order" page
    reader_email = f"rita-{run}@acme.example"
    await admin.get_by_role("link", name="Team").click()
    await admin.get_by_label("E-mail address").fill(reader_email)
    await admin.get_by_label("First name").fill("Rita")
    await admin.get_by_label("Last name").fill("Reed")
    await admin.get_by_label("Role", exact=True).select_option(label="Read-only")
    await admin.get_by_role("button", name="Send invitation", exact=True).click()
    await expect(admin.get_by_text(f"{reader_email} is invited.")).to_be_visible()
    reader_link, _ = await _mail_link(platform.maildir, reader_email)
    reader = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(reader, reader_link, PASSWORD)
    await expect(reader.get_by_role("heading", name="Welcome, Rita")).to_be_visible()
    await reader.get_by_role("navigation", name="Main").get_by_role("link", name="Stores").click()
    await reader.get_by_role("link", name="Phone orders").click()
    await expect(reader.get_by_role("heading", name=re.compile("Phone orders"))).to_be_visible()
    await expect(reader.get_by_role("region", name="Manual orders")).to_have_count(0)
    await reader.goto(f"{platform.url}/console/stores/{store_id}/place-order")
    await expect(reader.get_by_role("heading", name="Page not found")).to_be_visible()
    await reader.goto(f"{platform.url}/console/orders")
    await reader.get_by_role("link", name="PO-2").click()
    await expect(reader.get_by_role("region", name="Why this order is on hold")).to_contain_text("postcode")
    assert await reader.get_by_role("button").all_inner_texts() == ["Sign out"]
    await shots.check(reader, "read-only-manual-order")

    # the operator, in French: hold rules tried on the client's recent orders, then saved
    operator = await (await browser.new_context(locale="fr-FR")).new_page()
    await _sign_in(
        operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD, button="Se connecter"
    )
    await operator.get_by_role("link", name=f"Acme Prints {run}").click()
    await operator.get_by_role("link", name="Règles de commande").click()
    rules = operator.get_by_role("region", name="Approbation et règles de mise en attente")
    await expect(rules.get_by_label("Immédiatement")).to_be_checked()
    total = rules.get_by_label("Mettre en attente les commandes au-delà de ce total")
    await total.fill("-5")
    await rules.get_by_role("button", name="Essayer sur les commandes récentes").click()
    await expect(total).to_have_attribute("aria-invalid", "true")
    await shots.check(operator, "regles-refusees")
    await total.fill("")
    await rules.get_by_label("Mettre en attente les commandes de plus d'articles que").fill("2")
    await rules.get_by_role("button", name="Essayer sur les commandes récentes").click()
    await expect(rules.get_by_test_id("dry-run-summary")).to_have_text(
        "3 des 5 dernières commandes auraient été mises en attente. Rien n'a changé."
    )
    would_hold = rules.get_by_role("table")
    for reference in ("PO-1", "CSV-1", "CSV-3"):
        await expect(would_hold.get_by_role("link", name=reference)).to_be_visible()
    csv3 = would_hold.get_by_role("row").filter(has_text="CSV-3")
    await expect(csv3).to_contain_text("Retenue par une règle : 4 articles, au-delà de 2")
    assert (await csv3.inner_text()).lower().count("règle") == 1  # said once, not "retenue par une règle" twice
    await expect(would_hold.get_by_role("columnheader", name="Pourquoi")).to_be_visible()
    await shots.check(operator, "regles-essai")
    await rules.get_by_label("Seulement après approbation manuelle").check()
    await rules.get_by_role("button", name="Enregistrer les règles").click()
    await expect(operator.get_by_text("Les règles sont enregistrées")).to_be_visible()
    await expect(
        rules.get_by_text(re.compile("^Dernière modification le .+ par Storefronts Operator$"))
    ).to_be_visible()
    await shots.check(operator, "regles-enregistrees")

    # the held test order's reason in French, from its code and values
    await operator.get_by_role("navigation", name="Principal").get_by_role("link", name="Commandes").click()
    await operator.get_by_role("combobox", name=re.compile("^Client")).select_option(label=f"Acme Prints {run}")
    await operator.get_by_role("link", name="PO-2").click()
    await expect(operator.get_by_role("region", name="Pourquoi cette commande est en attente")).to_contain_text(
        "le code postal « 7500 » n'est pas un code postal FR valide"
    )
    held_history = operator.get_by_role("region", name="Historique des statuts").get_by_role("listitem").last
    await expect(held_history).to_contain_text("Le code postal « 7500 » n'est pas un code postal FR valide")
    await expect(held_history).to_contain_text("par Ada Lovelace")
    await shots.check(operator, "commande-test-en-attente")

    # PO-1 in production, then a parcel with its tracking link; the postbacks sent about it
    po1_id = await _order_id(platform, operator_headers, client_id, "PO-1")
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        moved = await api.post(f"/orders/{po1_id}/status", json={"status": "in_production"}, headers=operator_headers)
        assert moved.status_code == 200, moved.text

    async def accepted_postback():
        return any(po1_id.encode() in body and b"order.accepted" in body for _, body in receiver.received)

    await eventually(accepted_postback, timeout=30)
    await operator.get_by_role("link", name="Retour aux commandes").click()
    await operator.get_by_role("combobox", name=re.compile("^Client")).select_option(label=f"Acme Prints {run}")
    await operator.get_by_role("link", name="PO-1", exact=True).click()
    await expect(operator.get_by_role("heading", name="Commande PO-1")).to_be_visible()
    shipments = operator.get_by_role("region", name="Expéditions")
    await expect(shipments).to_contain_text("Aucun colis expédié pour l'instant.")
    await shipments.get_by_role("button", name="Ajouter une expédition").click()
    await shipments.get_by_label("Transporteur").fill("UPS")
    await shipments.get_by_label("Numéro de suivi").fill("1Z999AA10123456784")
    await shipments.get_by_label("Lien de suivi").fill("https://www.ups.com/track?tracknum=1Z999AA10123456784")
    await shipments.get_by_role("button", name="Enregistrer l'expédition").click()
    tracking = shipments.get_by_role("link", name=re.compile("1Z999AA10123456784"))
    await expect(tracking).to_have_attribute("href", "https://www.ups.com/track?tracknum=1Z999AA10123456784")
    await expect(operator.get_by_text("Expédiée", exact=True)).to_be_visible()
    parcel = shipments.get_by_role("row").filter(has_text="1Z999AA10123456784")
    await expect(parcel.get_by_role("cell").last).to_have_text(re.compile(r"\d{4}, \d{2}:\d{2}"))  # when it shipped
    await expect(operator.get_by_text("aucun : la commande a été passée sans prix")).to_be_visible()
    timeline = operator.get_by_role("region", name="Historique des statuts")
    entries = timeline.get_by_role("listitem")
    await expect(entries.first).to_contain_text("Commande reçue")
    await expect(entries.first).to_contain_text("par Ada Lovelace")
    await expect(entries.nth(1)).to_contain_text("Toutes les lignes sont résolues")
    await expect(entries.nth(2)).to_contain_text("par Storefronts Operator")
    await expect(entries.last).to_contain_text("Colis 1Z999AA10123456784")
    await expect(entries.last).to_contain_text("par Storefronts Operator")
    for english in ("order received", "every line resolved", "parcel"):
        await expect(timeline).not_to_contain_text(english)
    postbacks = operator.get_by_role("region", name="Postbacks envoyés")
    await expect(postbacks.get_by_role("row").filter(has_text="Commande acceptée")).to_contain_text(receiver.url)
    await shots.check(operator, "commande-expediee")

    # a country code that cannot be one, refused in French next to its field
    await operator.goto(f"{platform.url}/console/stores/{store_id}/place-order")
    await operator.get_by_label("Référence de commande").fill("PO-9")
    await operator.get_by_label("SKU (ligne 1)").fill("TEE-1")
    french_country = operator.get_by_label("Code pays (ISO, p. ex. US, FR)")
    await french_country.fill("France")
    await operator.get_by_role("button", name="Passer la commande").click()
    await expect(french_country).to_have_attribute("aria-invalid", "true")
    await expect(operator.locator('[data-field-error="shipping_address.country_code"]')).to_have_text(
        "Le code pays « France » n'est pas un code pays ISO."
    )
    await shots.check(operator, "passer-commande-pays-refuse")


async def _order_id(platform, headers, client_id: str, reference: str) -> str:
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        answer = await api.get("/orders", params={"client_id": client_id, "search": reference}, headers=headers)
        [order] = [o for o in answer.json()["items"] if o["client_reference"] == reference]
        return order["id"]
