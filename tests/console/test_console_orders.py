"""The orders screens in Chromium, through the gateway, with order intake as a process on the
real Kafka: a client's store, one mapped product and two orders arrive as StoreConnected,
ProductMapped and OrderReceived events. The admin sees the list with one accepted and one held
order, filters it, opens the held one and reads why, line by line, and its timeline (why each
change happened, and who made it by name); a Read-only user sees the orders with no button that
changes anything; the operator reads the held order in French, its timeline too, and sees an
order the shop cancelled after production started flagged for them. Every screen passes axe-core
and is saved under var/screenshots/."""

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import expect

from service_runtime.testing.helpers import eventually
from storefront_events import (
    ALL_TOPICS,
    OrderCancelledInStore,
    OrderReceived,
    ProductMapped,
    StoreConnected,
    encode,
)
from storefront_events.stores import ShopOrderLine
from storefront_events.values import Address, PrintFile

from .conftest import OPERATOR_PASSWORD
from .test_console_journey import PASSWORD, _activate, _mail_link, _sign_in
from .test_console_stores import _client_with_admin

PRODUCT_UID = "apparel_product_gca_t-shirt_gsc_crewneck_gcu_unisex_gqa_classic_gsi_xl_gco_blue"
ADDRESS = Address(
    first_name="Ada", last_name="Lovelace", address1="12 Main Street", city="Springfield", state="IL",
    postcode="62701", country_code="US",
)  # fmt: skip


def _line(n: int, variant_title: str) -> ShopOrderLine:
    return ShopOrderLine(
        platform_line_id=f"1300{n}",
        platform_product_id="7982301462701",
        platform_variant_id=f"44012345670{n}",
        sku=f"TEE-{n}",
        title="Summer tee",
        variant_title=variant_title,
        quantity=1,
        unit_price=Decimal("19.90"),
    )


def _order(store_id: str, client_id: str, number: str, lines: list[ShopOrderLine], **changes) -> OrderReceived:
    return OrderReceived(
        store_id=store_id,
        client_id=client_id,
        platform="shopify",
        platform_order_id=f"54000{number}",
        order_number=f"#{number}",
        placed_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        currency="USD",
        total=Decimal("19.90") * len(lines),
        lines=lines,
        **({"shipping_address": ADDRESS} | changes),
    )


async def _publish(bootstrap: str, prefix: str, *events) -> None:
    """The events on their real topics, keyed as their producers key them."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            topic = next(t for t in ALL_TOPICS if type(event) in t.events)
            await producer.send_and_wait(
                f"{prefix}{topic.name}", encode(event, source="/tests"), key=topic.key_for(event).encode()
            )
    finally:
        await producer.stop()


@pytest.fixture
def patient_expect():
    """Five services and a browser on a shared, loaded machine: an activation or a page can take
    longer than Playwright's five seconds."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


async def test_orders_listed_held_order_explained_read_only_and_french(
    browser, platform, databases, screens, stack, topic_prefix, patient_expect
):
    run = uuid.uuid4().hex[:8]
    shots = screens("orders")
    client_id, admin_email = await _client_with_admin(platform, run)
    store_id = str(uuid.uuid4())
    mapped_line, unmapped_line = _line(1, "White / M"), _line(2, "Blue / XL")
    await _publish(
        stack.kafka_bootstrap,
        topic_prefix,
        StoreConnected(
            store_id=store_id, client_id=client_id, platform="shopify", name="Acme tees", shop_url="acme.myshopify.com"
        ),
        ProductMapped(
            mapping_id=str(uuid.uuid4()),
            store_id=store_id,
            client_id=client_id,
            platform="shopify",
            platform_product_id=mapped_line.platform_product_id,
            platform_variant_id=mapped_line.platform_variant_id,
            sku=mapped_line.sku,
            product_uid=PRODUCT_UID,
            print_files=[PrintFile(type="default", url="https://files.example.com/summer-front.pdf")],
        ),
    )

    # ProductMapped and OrderReceived travel on different topics: order 1002 must find its first
    # line mapped, so the orders go out once order intake holds the mapping
    async def mapping_held_by_order_intake():
        connection = await asyncpg.connect(databases["order_intake"])
        try:
            return await connection.fetchval("SELECT count(*) FROM intake_mappings WHERE store_id = $1", store_id)
        finally:
            await connection.close()

    await eventually(mapping_held_by_order_intake, timeout=60, interval=0.2)
    await _publish(
        stack.kafka_bootstrap,
        topic_prefix,
        _order(store_id, client_id, "1001", [mapped_line]),
        _order(store_id, client_id, "1002", [mapped_line, unmapped_line]),
        _order(
            store_id,
            client_id,
            "1003",
            [mapped_line],
            shipping_address=ADDRESS.model_copy(update={"postcode": "ABCDE"}),
        ),
        _order(store_id, client_id, "1004", [mapped_line]),
    )
    async with httpx.AsyncClient(base_url=platform.url, timeout=30) as api:
        login = await api.post("/auth/login", json={"email": platform.operator_email, "password": OPERATOR_PASSWORD})
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        async def both_taken():
            answer = await api.get("/orders", params={"client_id": client_id}, headers=headers)
            statuses = sorted(o["status"] for o in answer.json()["items"])
            return statuses == ["accepted", "accepted", "on_hold", "on_hold"]

        await eventually(both_taken, timeout=60, interval=0.5)
        # #1004 is printed, then the shop cancels it: too late to stop, flagged for the operator
        listed = (await api.get("/orders", params={"client_id": client_id, "search": "1004"}, headers=headers)).json()
        [late_id] = [o["id"] for o in listed["items"]]
        printed = await api.post(f"/orders/{late_id}/status", json={"status": "printed"}, headers=headers)
        assert printed.status_code == 200, printed.text
        await _publish(
            stack.kafka_bootstrap,
            topic_prefix,
            OrderCancelledInStore(
                store_id=store_id,
                client_id=client_id,
                platform="shopify",
                platform_order_id="540001004",
                reason="customer",
            ),
        )

        async def flagged():
            order = (await api.get(f"/orders/{late_id}", headers=headers)).json()
            return order["attention"] is not None

        await eventually(flagged, timeout=60, interval=0.5)

    link, _ = await _mail_link(platform.maildir, admin_email)
    admin = await (await browser.new_context(locale="en-GB")).new_page()
    await _activate(admin, link, PASSWORD)
    await expect(admin.get_by_role("heading", name="Welcome, Ada")).to_be_visible()

    # the list: one accepted, one held, with their store and status badges
    await admin.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    await expect(admin.get_by_role("heading", name="Orders")).to_be_visible()
    accepted = admin.get_by_role("row", name=re.compile("#1001"))
    held = admin.get_by_role("row", name=re.compile("#1002"))
    await expect(accepted.get_by_text("Accepted", exact=True)).to_be_visible()
    await expect(accepted.get_by_text("Shopify")).to_be_visible()  # the connector does not list this store
    await expect(held.get_by_text("On hold", exact=True)).to_be_visible()
    await expect(held.get_by_text("(1 to fix)")).to_be_visible()
    await shots.check(admin, "orders-list")

    # filters: only the held ones; a search that matches nothing says what to do
    await admin.get_by_label("Status").select_option(label="On hold")
    await expect(admin.get_by_role("row", name=re.compile("#1001"))).to_have_count(0)
    await expect(held).to_be_visible()
    await admin.get_by_placeholder("Search by order number or reference").fill("nothing-like-it")
    await admin.get_by_role("button", name="Search", exact=True).click()
    await expect(admin.get_by_text("No order matches these filters.")).to_be_visible()
    await shots.check(admin, "orders-no-match")
    await admin.get_by_placeholder("Search by order number or reference").fill("1002")
    await admin.get_by_role("button", name="Search", exact=True).click()

    # the held order: why, on which line, and what the other line resolved to
    await admin.get_by_role("link", name="#1002").click()
    await expect(admin.get_by_role("heading", name="Order #1002")).to_be_visible()
    holds = admin.get_by_role("region", name="Why this order is on hold")
    await expect(holds).to_contain_text("Product not connected")
    await expect(holds).to_contain_text("Blue / XL")
    lines = admin.get_by_role("region", name="Lines")
    await expect(lines.get_by_role("row").filter(has_text="White / M")).to_contain_text(PRODUCT_UID)
    await expect(lines.get_by_role("row").filter(has_text="White / M")).to_contain_text("summer-front.pdf")
    await expect(lines.get_by_role("row").filter(has_text="Blue / XL")).to_contain_text("Not resolved")
    history = admin.get_by_role("region", name="Status history")
    await expect(history).to_contain_text("On hold")
    await expect(history.get_by_role("listitem").first).to_contain_text("Order received")
    await expect(history.get_by_role("listitem").first).to_contain_text("by the shop")
    await expect(history.get_by_role("listitem").last).to_contain_text(
        "Variant 'Blue / XL' of 'Summer tee' is not connected to a catalog product"
    )
    await expect(admin.get_by_role("button", name="Cancel order")).to_be_visible()
    await shots.check(admin, "order-held")

    # cancel asks first
    await admin.get_by_role("button", name="Cancel order").click()
    await expect(admin.get_by_role("dialog")).to_contain_text("Cancel order #1002?")
    await shots.check(admin, "confirm-cancel")
    await admin.get_by_role("dialog").get_by_role("button", name="Cancel", exact=True).click()

    # a held address corrected: the API's refusal, then the hold's reason, next to the postcode; then released
    await admin.get_by_role("link", name="Back to the orders").click()
    await admin.get_by_role("link", name="#1003").click()
    await expect(admin.get_by_role("region", name="Why this order is on hold")).to_contain_text("Address to correct")
    await admin.get_by_role("button", name="Correct the address").click()
    postcode = admin.get_by_label("Postcode")
    await expect(postcode).to_have_value("ABCDE")
    await expect(admin.locator("[data-field-error=postcode]")).to_contain_text("not a valid US postcode")
    await postcode.fill("6" * 25)  # longer than the API takes: its problem+json, by the field
    await admin.get_by_role("button", name="Save the address").click()
    await expect(postcode).to_have_attribute("aria-invalid", "true")
    await expect(admin.locator("[data-field-error=postcode]")).not_to_contain_text("not a valid US postcode")
    await shots.check(admin, "address-refused")
    await postcode.fill("62701")
    await admin.get_by_role("button", name="Save the address").click()
    await expect(admin.get_by_text("The address is saved and checked again.")).to_be_visible()
    await expect(admin.get_by_role("region", name="Why this order is on hold")).to_have_count(0)
    await expect(admin.get_by_text("Accepted", exact=True)).to_be_visible()
    corrected = admin.get_by_role("region", name="Status history").get_by_role("listitem").last
    await expect(corrected).to_contain_text("Shipping address corrected")
    await expect(corrected).to_contain_text("by Ada Lovelace")  # who, by name: not the user's id
    await shots.check(admin, "address-corrected")

    # a Read-only user sees the orders and no button that changes anything
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
    await reader.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    await reader.get_by_role("link", name="#1002").click()
    await expect(reader.get_by_role("region", name="Why this order is on hold")).to_contain_text("Blue / XL")
    assert await reader.get_by_role("button").all_inner_texts() == ["Sign out"]
    await shots.check(reader, "read-only-order")

    # the operator, in French: every client's orders, the held one explained
    operator = await (await browser.new_context(locale="fr-FR")).new_page()
    await _sign_in(
        operator, platform.url + "/console/", platform.operator_email, OPERATOR_PASSWORD, button="Se connecter"
    )
    await expect(operator.get_by_role("heading", name="Clients")).to_be_visible()
    await operator.get_by_role("navigation", name="Principal").get_by_role("link", name="Commandes").click()
    await operator.get_by_role("combobox", name=re.compile("^Client")).select_option(label=f"Acme Prints {run}")
    french_held = operator.get_by_role("row", name=re.compile("#1002"))
    await expect(french_held.get_by_text("En attente", exact=True)).to_be_visible()
    await expect(operator.get_by_role("row", name=re.compile("#1001")).get_by_text("Acceptée")).to_be_visible()
    await shots.check(operator, "operateur-commandes")
    await french_held.get_by_role("link", name="#1002").click()
    await expect(operator.get_by_role("heading", name="Commande #1002")).to_be_visible()
    await expect(operator.get_by_role("region", name="Pourquoi cette commande est en attente")).to_contain_text(
        "Produit non relié"
    )
    french_history = operator.get_by_role("region", name="Historique des statuts")
    await expect(french_history.get_by_role("listitem").first).to_contain_text("Commande reçue")
    await expect(french_history.get_by_role("listitem").first).to_contain_text("par la boutique")
    await expect(french_history.get_by_role("listitem").last).to_contain_text(
        "La variante « Blue / XL » de « Summer tee » n'est reliée à aucun produit du catalogue"
    )
    await expect(french_history).not_to_contain_text("order received")
    await shots.check(operator, "operateur-commande-en-attente")

    # cancelled in the shop after production started: flagged for the operator, in French
    await operator.get_by_role("link", name="Retour aux commandes").click()
    await operator.get_by_role("combobox", name=re.compile("^Client")).select_option(label=f"Acme Prints {run}")
    await operator.get_by_role("link", name="#1004").click()
    attention = operator.get_by_test_id("order-attention")
    await expect(attention).to_have_text(
        "À vérifier : annulée dans la boutique (par le client) après le début de la production (Imprimée)"
    )
    await expect(operator.get_by_text("Imprimée", exact=True)).to_be_visible()  # it keeps its status
    await expect(french_history.get_by_role("listitem").last).to_contain_text("par la boutique")
    await shots.check(operator, "operateur-annulee-apres-production")
